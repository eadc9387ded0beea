package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// places notes where the page's main text stands.
const places = `window.__places = [...document.querySelectorAll('main > *')].map(e => e.getBoundingClientRect().top)`

// recordPlaces notes them once the page has loaded with its styles, which
// on a first visit is before the service worker has saved the guide.
const recordPlaces = `addEventListener('load', () => { ` + places + ` });`

// moved is how far, in CSS pixels, the furthest of those elements has
// moved since.
const moved = `Math.max(0, ...[...document.querySelectorAll('main > *')].map((e, i) =>
  Math.abs(e.getBoundingClientRect().top - window.__places[i])))`

// TestLayoutStaysPut: on a phone, the first visit to a page moves none of
// its text while its scripts fill in the saved status and the install and
// share help: their room is kept from the start (a layout shift is what
// Lighthouse and readers both notice).
func TestLayoutStaysPut(t *testing.T) {
	s := newSite(t, "")
	for _, rel := range []string{"index.html", "es/index.html", "is-it-an-emergency.html"} {
		t.Run(rel, func(t *testing.T) {
			ctx := newBrowserContext(t)
			if err := phone(ctx, "light"); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordPlaces}); err != nil {
				t.Fatal(err)
			}
			if err := navigate(ctx, s.URL(rel)); err != nil {
				t.Fatal(err)
			}
			expectSaved(t, ctx, s)
			px, err := eval[float64](ctx, moved)
			if err != nil {
				t.Fatal(err)
			}
			if px > 1 {
				t.Errorf("the page's text moved %.0f px when the saved status appeared", px)
			}
			// The install and share help may appear at any time (the browser
			// offers to install when it decides to).
			px, err = eval[float64](ctx, places+`; for (const id of ['install', 'share']) { const b = document.getElementById(id); if (b) b.hidden = !b.hidden; }; `+moved)
			if err != nil {
				t.Fatal(err)
			}
			if px > 1 {
				t.Errorf("the page's text moved %.0f px when the install and share buttons changed", px)
			}
		})
	}
}

package e2e

import (
	"fmt"
	"slices"
	"testing"
)

// TestOffline: after one visit, every page of the sitemap loads with no
// network and no server, with its own h1 and its CSS applied; an address
// the guide does not have shows the offline page, with both call links.
func TestOffline(t *testing.T) { inEachEngine(t, testOffline) }

func testOffline(t *testing.T) {
	s := newSite(t, "")
	pages := s.pages(t)
	ctx := newBrowserContext(t)

	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	// The call button's background online is what main.css gives it; a
	// page without its CSS would show the browser's default.
	wantBG, err := eval[string](ctx, `getComputedStyle(document.querySelector('.call-main')).backgroundColor`)
	if err != nil {
		t.Fatal(err)
	}
	if wantBG == "" || wantBG == "rgba(0, 0, 0, 0)" {
		t.Fatalf("online, .call-main has background %q: main.css is not applied", wantBG)
	}

	notTold := s.offline(t, ctx)
	t.Run("navigator.onLine", func(t *testing.T) {
		skipUnsupported(t, notTold)
		if online, err := eval[bool](ctx, `navigator.onLine`); err != nil || online {
			t.Fatalf("navigator.onLine = %v, %v after going offline", online, err)
		}
	})

	check := func(t *testing.T, rel, wantH1 string) {
		t.Helper()
		if err := navigate(ctx, s.URL(rel)); err != nil {
			t.Fatal(err)
		}
		h1, err := eval[string](ctx, `(document.querySelector('h1')||{}).textContent || ''`)
		if err != nil {
			t.Fatal(err)
		}
		if got := collapse(h1); got != wantH1 {
			t.Errorf("offline h1 = %q, want %q", got, wantH1)
		}
		bg, err := eval[string](ctx, `(() => { const e = document.querySelector('.call-main'); return e ? getComputedStyle(e).backgroundColor : 'no .call-main'; })()`)
		if err != nil {
			t.Fatal(err)
		}
		if bg != wantBG {
			t.Errorf("offline, .call-main background = %q, want %q (main.css not applied?)", bg, wantBG)
		}
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) { check(t, p, s.h1(t, p)) })
	}
	t.Run("unknown address shows the offline page", func(t *testing.T) {
		check(t, "nope.html", s.h1(t, "offline.html"))
		got, err := eval[[]string](ctx, `[...document.querySelectorAll('a[href^="tel:"]')].map(a => a.getAttribute('href'))`)
		if err != nil {
			t.Fatal(err)
		}
		for _, tel := range s.tels(t) {
			if !slices.Contains(got, tel) {
				t.Errorf("the offline page has no link to %s; tel: links: %v", tel, got)
			}
		}
		loc, err := eval[string](ctx, `location.href`)
		if err == nil && loc != s.URL("nope.html") {
			t.Errorf("the address changed to %s; want it kept (%s)", loc, s.URL("nope.html"))
		}
	})
	t.Run("unknown Spanish address shows the Spanish offline page", func(t *testing.T) {
		check(t, "es/nope.html", s.h1(t, "es/offline.html"))
		if lang, _ := eval[string](ctx, `document.documentElement.lang`); lang != "es" {
			t.Errorf("lang = %q, want es", lang)
		}
	})
	t.Log(fmt.Sprintf("%d pages checked offline", len(pages)))
}

// TestOfflineStartAddresses: the addresses a reader starts from work
// offline: a page opened from a link with a query string (?utm_source=x),
// and the start addresses of each language, ./ and es/, as a home-screen
// icon opens them.
func TestOfflineStartAddresses(t *testing.T) { inEachEngine(t, testOfflineStartAddresses) }

func testOfflineStartAddresses(t *testing.T) {
	s := newSite(t, "")
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("about.html?utm_source=x")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	s.offline(t, ctx)
	for _, c := range []struct{ address, page string }{
		{"about.html?utm_source=x", "about.html"},
		{"index.html?utm_source=x", "index.html"},
		{"", "index.html"},
		{"es/", "es/index.html"},
		{"es/?utm_source=x", "es/index.html"},
	} {
		if err := navigate(ctx, s.URL(c.address)); err != nil {
			t.Errorf("offline: %v", err)
			continue
		}
		h1, err := eval[string](ctx, `(document.querySelector('h1')||{}).textContent || ''`)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := collapse(h1), s.h1(t, c.page); got != want {
			t.Errorf("offline, %q has h1 %q, want %s's %q", c.address, got, c.page, want)
		}
		if bg, _ := eval[string](ctx, `getComputedStyle(document.querySelector('.call-main')).backgroundColor`); bg == "" || bg == "rgba(0, 0, 0, 0)" {
			t.Errorf("offline, %q has no CSS (.call-main background %q)", c.address, bg)
		}
	}
}

package preview_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/okcguide/guide/internal/browsertest"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/preview"
	"github.com/okcguide/guide/internal/sitetest"
)

// newTab returns a tab in a new, empty browser context.
func newTab(t *testing.T) context.Context {
	t.Helper()
	return browsertest.NewBrowserContext(t, 60*time.Second)
}

func mustEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := browsertest.Eval[T](ctx, expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := browsertest.Navigate(ctx, url); err != nil {
		t.Fatal(err)
	}
}

// until waits until expr is true (through reloads) and returns when it
// first was; it fails the test after d.
func until(t *testing.T, ctx context.Context, d time.Duration, expr string) time.Time {
	t.Helper()
	at, err := browsertest.Until(ctx, d*slowdown, expr, "")
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// recordViolations runs in every document before its own scripts, through
// the DevTools protocol, which the page's policy does not govern.
const recordViolations = `window.__csp = [];
addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
}, true);`

// TestBrowserReloadsAndShowsProblems drives a real browser through an
// editing session: a save reloads the page, a broken template shows its
// problem in a banner over the last good page, as text, and the fix
// reloads again. Nothing breaks the page's Content-Security-Policy.
func TestBrowserReloadsAndShowsProblems(t *testing.T) {
	ctx := newTab(t)
	p := start(t, sitetest.CopySite(t))
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations}); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, p.url+"/about.html")
	until(t, ctx, 5*time.Second, `document.querySelector('h1').textContent === 'About this guide'`)
	mustEval[bool](t, ctx, `window.__old = true`)

	src := read(t, p.src, "content/about.md")
	saved := write(t, p.src, "content/about.md", strings.Replace(src, "## Works offline", "## Works offline in the browser", 1))
	shown := until(t, ctx, 3*time.Second, `!window.__old && [...document.querySelectorAll('h2')].some(h => h.textContent === 'Works offline in the browser')`)
	t.Logf("save to reloaded page in Chromium: %v", shown.Sub(saved).Round(time.Millisecond))

	// A template error whose message looks like HTML.
	mustEval[bool](t, ctx, `window.__old = true`)
	footer := read(t, p.src, "layouts/_partials/footer.html")
	write(t, p.src, "layouts/_partials/footer.html", strings.Replace(footer, "</footer>", `{{ errorf "<b id=injected>bold</b> in the footer" }}</footer>`, 1))
	until(t, ctx, 3*time.Second, `!!document.getElementById('guide-serve-errors')`)
	banner := mustEval[string](t, ctx, `document.getElementById('guide-serve-errors').textContent`)
	if !strings.Contains(banner, "<b id=injected>bold</b> in the footer") {
		t.Errorf("the banner does not list the problem as text: %q", banner)
	}
	if mustEval[bool](t, ctx, `!!document.getElementById('injected')`) {
		t.Error("the problem's text was inserted as HTML")
	}
	if !mustEval[bool](t, ctx, `window.__old === true && document.querySelector('h1').textContent === 'About this guide'`) {
		t.Error("a failed build reloaded the page; the last good build should stay")
	}
	if pos := mustEval[string](t, ctx, `getComputedStyle(document.getElementById('guide-serve-errors')).position`); pos != "sticky" {
		t.Errorf("banner position %q: /_guide/reload.css did not apply", pos)
	}
	if role := mustEval[string](t, ctx, `document.getElementById('guide-serve-errors').getAttribute('role')`); role != "alert" {
		t.Errorf("banner role %q, want alert", role)
	}

	write(t, p.src, "layouts/_partials/footer.html", footer)
	until(t, ctx, 3*time.Second, `!window.__old && !document.getElementById('guide-serve-errors') && !!document.querySelector('footer')`)

	if v := mustEval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// TestBrowserOldServiceWorkerGetsOutOfTheWay: a production build served
// earlier on the same port left a service worker that answers from its
// cache. Opening the preview there must end with the preview's own page
// and no worker or cache left.
func TestBrowserOldServiceWorkerGetsOutOfTheWay(t *testing.T) {
	ctx := newTab(t)
	src := sitetest.CopySite(t)
	pub := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: pub}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	prod := &http.Server{Handler: http.FileServer(http.Dir(pub))}
	go prod.Serve(ln)

	navigate(t, ctx, base+"/about.html")
	until(t, ctx, 15*time.Second, `navigator.serviceWorker.controller !== null`)
	prod.Close()
	// The old worker now answers alone, from its cache.
	navigate(t, ctx, base+"/about.html")
	if mustEval[bool](t, ctx, `!!document.querySelector('script[src="/_guide/reload.js"]') || navigator.serviceWorker.controller === null`) {
		t.Fatal("the production page was not served by its service worker; the test proves nothing")
	}

	var pln net.Listener
	for i := 0; ; i++ {
		if pln, err = preview.Listen(port); err == nil {
			break
		}
		if i == 50 {
			t.Fatalf("cannot take the production server's port back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	startOn(t, pln, src)

	navigate(t, ctx, base+"/about.html")
	until(t, ctx, 10*time.Second, `!!document.querySelector('script[src="/_guide/reload.js"]') && navigator.serviceWorker.controller === null`)
	if n := mustEval[int](t, ctx, `navigator.serviceWorker.getRegistrations().then(r => r.length)`); n != 0 {
		t.Errorf("%d service worker registrations left", n)
	}
	if n := mustEval[int](t, ctx, `caches.keys().then(k => k.length)`); n != 0 {
		t.Errorf("%d caches left", n)
	}
	if !mustEval[bool](t, ctx, `document.documentElement.hasAttribute('data-no-sw')`) {
		t.Error("the page is not the preview's")
	}
}

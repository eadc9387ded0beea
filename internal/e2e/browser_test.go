package e2e

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/okcguide/guide/internal/browsertest"
	"github.com/okcguide/guide/internal/sitetest"
)

// Each engine's browser is shared by every test in the package
// (browsertest): starting one costs one to several seconds. Each test gets
// its own isolated context in it (its own storage, service workers and
// caches) and its own server port, so nothing leaks from one test to the
// next.
//
// The offline, update, precache and fault tests run in every engine, each as a
// subtest named for it (TestOffline/chromium, TestOffline/firefox,
// TestOffline/webkit): inEachEngine. The other tests need the DevTools
// protocol and run in Chromium only.

func TestMain(m *testing.M) {
	// Static hosts send the web manifest with its registered type; Go's
	// built-in table does not know the extension.
	if err := mime.AddExtensionType(".webmanifest", "application/manifest+json"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := sitetest.RunWithTempUserCache(m)
	browsertest.Close()
	os.Exit(code)
}

// engines maps the name of each engine's subtest (see inEachEngine) to
// its engine.
var engines sync.Map

// inEachEngine runs test once in each browser engine, as a subtest named
// for it. Inside, newSite, newBrowserContext and the other helpers use
// that engine. A missing engine skips its subtest, or fails it with
// GUIDE_REQUIRE_BROWSER=1.
func inEachEngine(t *testing.T, test func(t *testing.T)) {
	for _, e := range browsertest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			engines.Store(t.Name(), e)
			t.Cleanup(func() { engines.Delete(t.Name()) })
			e.Require(t)
			test(t)
		})
	}
}

// engine is the engine t runs in: its own or its parent's subtest's of
// inEachEngine, else Chromium.
func engine(t *testing.T) *browsertest.Engine {
	for name := t.Name(); ; {
		if e, ok := engines.Load(name); ok {
			return e.(*browsertest.Engine)
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return browsertest.Chromium
		}
		name = name[:i]
	}
}

// requireBrowser skips the test when its engine is not installed (fails
// instead with GUIDE_REQUIRE_BROWSER=1).
func requireBrowser(t *testing.T) { engine(t).Require(t) }

// testTimeout bounds each test's browser work, so a hung page fails the
// test instead of the whole run.
const testTimeout = 90 * time.Second

// newBrowserContext returns a context for a new, isolated context in the
// test's engine (see engine), with one blank tab. Children made with
// newTab open more tabs in it. Everything closes when the test ends.
func newBrowserContext(t *testing.T) context.Context {
	t.Helper()
	return engine(t).NewContext(t, testTimeout)
}

// newDefaultProfileTab opens a tab in Chromium's default profile.
// Browser contexts made over the protocol count as incognito, where
// Chromium never offers to install an app; only the installability test
// needs this. Its server's fresh port makes a fresh origin, so no service
// worker or cache of another test applies to it.
func newDefaultProfileTab(t *testing.T) context.Context {
	t.Helper()
	return browsertest.NewDefaultProfileTab(t, testTimeout)
}

// newTab opens a tab in parent's isolated context. close closes it and
// waits until the browser has let it go.
func newTab(t *testing.T, parent context.Context) (ctx context.Context, close func()) {
	t.Helper()
	return browsertest.NewTab(t, parent)
}

// phone sets a 360 px wide mobile viewport and the color scheme.
func phone(ctx context.Context, scheme string) error {
	return chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		}),
	)
}

// goOffline tells the tab's page the device is offline: navigator.onLine
// is false and the page hears "offline". In Chromium the tab and its
// service worker are cut off the network too; in Firefox they are not,
// and WebKit cannot be told at all (the error says so). A test that
// needs the network gone uses site.offline.
func goOffline(ctx context.Context) error { return browsertest.SetOffline(ctx, true) }

// goOnline gives the tab its network back; the page hears "online".
func goOnline(ctx context.Context) error { return browsertest.SetOffline(ctx, false) }

// offline takes the reader offline the same way in every engine: the
// site's server stops, so every request the page or its service worker
// makes is refused, as with no signal. The page is also told it is
// offline (goOffline) where the engine can be driven to. Where it cannot,
// offline returns the error that says so, for the checks that need the
// page told to skip with (skipUnsupported); else nil.
func (s *site) offline(t *testing.T, ctx context.Context) (notTold error) {
	t.Helper()
	s.Srv.Close()
	err := goOffline(ctx)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Logf("offline means the server is gone; the page is not told: %v", err)
		return err
	}
	if err != nil {
		t.Fatal(err)
	}
	return nil
}

// skipUnsupported skips t when err says the engine lacks a feature
// (naming it), and fails it on any other error.
func skipUnsupported(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("not checked in this engine: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// reload reloads the tab's page, as the reader's reload button does.
func reload(ctx context.Context) error { return browsertest.Reload(ctx) }

// hide hides the tab's page, as switching to another app does, or shows
// it again when hidden is false.
func hide(ctx context.Context, hidden bool) error { return browsertest.SetHidden(ctx, hidden) }

// click clicks the element sel finds (a CSS selector), from the page's
// own script: the same in every engine.
func click(ctx context.Context, sel string) error {
	ok, err := eval[bool](ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (e) e.click(); return !!e; })()`, sel))
	if err == nil && !ok {
		err = fmt.Errorf("nothing to click: no %s", sel)
	}
	return err
}

// waitVisible waits until the element sel finds is shown.
func waitVisible(ctx context.Context, timeout time.Duration, sel string) error {
	return until(ctx, timeout, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
	  return !!e && !e.closest('[hidden]') && e.getBoundingClientRect().height > 0; })()`, sel), swState)
}

func navigate(ctx context.Context, url string) error { return browsertest.Navigate(ctx, url) }

// eval evaluates a JavaScript expression in the tab, awaiting a promise.
func eval[T any](ctx context.Context, expr string) (T, error) { return browsertest.Eval[T](ctx, expr) }

// until evaluates expr until it is true, or fails after timeout with what
// describe (another expression) says about the page then.
func until(ctx context.Context, timeout time.Duration, expr, describe string) error {
	_, err := browsertest.Until(ctx, timeout, expr, describe)
	return err
}

// swState describes the page's service worker registration, for errors.
const swState = `(async () => {
  const r = await navigator.serviceWorker.getRegistration();
  const s = (w) => w ? w.state : 'none';
  return 'controller=' + (navigator.serviceWorker.controller ? 'yes' : 'no') +
    (r ? ' installing=' + s(r.installing) + ' waiting=' + s(r.waiting) + ' active=' + s(r.active) : ' no registration (never registered, or install failed)');
})()`

// waitControlled waits until a service worker controls the page.
func waitControlled(ctx context.Context) error {
	return until(ctx, 20*time.Second, `navigator.serviceWorker.controller !== null`, swState)
}

// cssMarker reads a CSS custom property of body as a plain string.
func cssMarker(ctx context.Context, prop string) (string, error) {
	v, err := eval[string](ctx, fmt.Sprintf(`getComputedStyle(document.body).getPropertyValue(%q)`, prop))
	return strings.Trim(strings.TrimSpace(v), `"'`), err
}

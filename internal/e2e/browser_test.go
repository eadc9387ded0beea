package e2e

import (
	"context"
	"fmt"
	"mime"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/okcguide/guide/internal/browsertest"
	"github.com/okcguide/guide/internal/sitetest"
)

// The browser is shared by every test in the package (browsertest):
// starting Chromium costs about a second. Each test gets its own browser
// context (its own storage, service workers and caches) and its own server
// port, so nothing leaks from one test to the next.

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

// requireBrowser skips the test when there is no browser (fails instead
// with GUIDE_REQUIRE_BROWSER=1).
func requireBrowser(t *testing.T) { browsertest.Browser(t) }

// testTimeout bounds each test's browser work, so a hung page fails the
// test instead of the whole run.
const testTimeout = 90 * time.Second

// newBrowserContext returns a context for a new, empty browser context in
// the shared browser, with one blank tab. Children made with newTab open
// more tabs in the same browser context. Everything closes when the test
// ends.
func newBrowserContext(t *testing.T) context.Context {
	t.Helper()
	return browsertest.NewBrowserContext(t, testTimeout)
}

// newDefaultProfileTab opens a tab in the browser's default profile.
// Browser contexts made over the protocol count as incognito, where
// Chromium never offers to install an app; only the installability test
// needs this. Its server's fresh port makes a fresh origin, so no service
// worker or cache of another test applies to it.
func newDefaultProfileTab(t *testing.T) context.Context {
	t.Helper()
	tctx, cancelTimeout := context.WithTimeout(browsertest.Browser(t), testTimeout)
	ctx, cancel := chromedp.NewContext(tctx)
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// newTab opens a tab in parent's browser context. close closes it and
// waits until the browser has let it go.
func newTab(t *testing.T, parent context.Context) (ctx context.Context, close func()) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	var once sync.Once
	close = func() { once.Do(cancel) }
	t.Cleanup(close)
	return ctx, close
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

// goOffline cuts the tab off the network, its service worker included.
func goOffline(ctx context.Context) error { return setOffline(ctx, true) }

// goOnline gives the tab its network back; the page hears "online".
func goOnline(ctx context.Context) error { return setOffline(ctx, false) }

func setOffline(ctx context.Context, offline bool) error {
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline,
		MatchedNetworkConditions: []*network.Conditions{{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
		}},
	}); err != nil {
		return fmt.Errorf("emulating offline %v: %w", offline, err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
	}); err != nil {
		return fmt.Errorf("setting navigator.onLine to %v: %w", !offline, err)
	}
	return nil
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

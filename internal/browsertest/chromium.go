package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Chromium is driven through the DevTools protocol with chromedp. The
// browser is GUIDE_CHROME, or the first of chromium, chromium-browser and
// google-chrome on PATH.
var Chromium = &Engine{
	Name:    "chromium",
	install: "install it (apt-get install chromium) or set GUIDE_CHROME",
	find: func() ([]string, error) {
		path, err := lookPath("GUIDE_CHROME", "chromium", "chromium-browser", "google-chrome")
		if path == "" {
			return nil, err
		}
		return []string{path}, nil
	},
	start: startChromium,
}

type chromiumDriver struct {
	ctx  context.Context // the browser's
	stop func()
}

func startChromium(paths []string) (driver, error) {
	dir, err := os.MkdirTemp("", "guide-chromium-")
	if err != nil {
		return nil, err
	}
	// The flags keep Chromium from reaching for the network on its own
	// (the test machines have none) and let it run as root in a container.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(paths[0]),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dir),
	)
	bctx, cancel := chromedp.NewContext(allocCtx)
	d := &chromiumDriver{ctx: bctx, stop: func() {
		cancel()
		cancelAlloc()
		os.RemoveAll(dir)
	}}
	// The first run starts the browser and binds its life to bctx, so it
	// gets no timeout of its own.
	if err := chromedp.Do(bctx); err != nil {
		d.stop()
		return nil, fmt.Errorf("%s: %w", paths[0], err)
	}
	return d, nil
}

func (d *chromiumDriver) close() { d.stop() }

func (d *chromiumDriver) newContext(ctx context.Context) (Tab, error) {
	// The context lives in the browser's context, with ctx's deadline and
	// cancellation.
	parent, cancel := context.WithCancel(d.ctx)
	if deadline, ok := ctx.Deadline(); ok {
		parent, cancel = context.WithDeadline(d.ctx, deadline)
	}
	stop := context.AfterFunc(ctx, cancel)
	tab, err := openChromiumTab(parent, chromedp.WithNewBrowserContext())
	if err != nil {
		stop()
		cancel()
		return nil, err
	}
	closeTab := tab.cancel
	tab.cancel = func() { closeTab(); stop(); cancel() }
	return tab, nil
}

// NewDefaultProfileTab opens a tab in Chromium's default profile, not in
// an isolated context, and returns a context that drives it, ending after
// timeout or with the test. Chromium counts contexts made over the
// protocol as incognito, where some features (installing an app) are
// off. With no Chromium it skips t (see Require).
func NewDefaultProfileTab(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	Chromium.Require(t)
	parent, cancel := context.WithTimeout(Chromium.drv.(*chromiumDriver).ctx, timeout)
	tab, err := openChromiumTab(parent)
	if err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	t.Cleanup(func() {
		tab.Close()
		cancel()
	})
	return withTab(tab.ctx, tab)
}

// chromiumTab is a chromedp context: its target is the tab.
type chromiumTab struct {
	ctx    context.Context
	cancel func()
	once   sync.Once
}

// openChromiumTab opens a tab as a child of parent: in a new browser
// context with chromedp.WithNewBrowserContext, else in parent's.
func openChromiumTab(parent context.Context, opts ...chromedp.ContextOption) (*chromiumTab, error) {
	ctx, cancel := chromedp.NewContext(parent, opts...)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, err
	}
	return &chromiumTab{ctx: ctx, cancel: cancel}, nil
}

func (c *chromiumTab) engine() *Engine { return Chromium }

func (c *chromiumTab) Navigate(ctx context.Context, url string) error {
	return chromedp.Do(ctx, chromedp.Navigate(url))
}

func (c *chromiumTab) Reload(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.Reload())
}

// Eval evaluates expr as the DevTools console does: a script (statements
// too) whose last value is the result.
func (c *chromiumTab) Eval(ctx context.Context, expr string) (json.RawMessage, error) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err == nil && v == nil {
		v = []byte("null") // undefined
	}
	return v, err
}

func (c *chromiumTab) NewTab(ctx context.Context) (Tab, error) {
	return openChromiumTab(c.ctx)
}

// SetOffline cuts the tab off the network, its service worker included,
// and sets navigator.onLine.
func (c *chromiumTab) SetOffline(ctx context.Context, offline bool) error {
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

// SetHidden minimizes the tab's window, or brings it back.
func (c *chromiumTab) SetHidden(ctx context.Context, hidden bool) error {
	state := browser.WindowStateNormal
	if hidden {
		state = browser.WindowStateMinimized
	}
	w, err := chromedp.Call(ctx, browser.GetWindowForTarget, browser.GetWindowForTargetParams{})
	if err != nil {
		return fmt.Errorf("finding the tab's window: %w", err)
	}
	if _, err := chromedp.Call(ctx, browser.SetWindowBounds, browser.SetWindowBoundsParams{
		WindowID: w.WindowID, Bounds: &browser.Bounds{WindowState: state},
	}); err != nil {
		return fmt.Errorf("setting the window %s: %w", state, err)
	}
	return nil
}

func (c *chromiumTab) Close() error {
	c.once.Do(c.cancel)
	return nil
}

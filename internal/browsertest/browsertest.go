// Package browsertest gives the guide's browser tests one headless Chromium
// per test binary, driven with chromedp.
//
// The browser is GUIDE_CHROME, or the first of chromium, chromium-browser
// and google-chrome on PATH. With none, the tests skip and Close prints one
// loud line saying how to enable them; with GUIDE_REQUIRE_BROWSER=1 (as CI
// sets) they fail instead. It also has the helpers every browser test
// uses: a fresh browser context, navigation, evaluation and waiting.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// skipLine is what a run without a browser says.
const skipLine = "BROWSER TESTS SKIPPED: no chromium found; install it (apt-get install chromium) or set GUIDE_CHROME; set GUIDE_REQUIRE_BROWSER=1 to make this fail"

var (
	once    sync.Once
	ctx     context.Context
	stop    = func() {}
	err     error // the browser was found but could not start
	missing bool  // no browser was found
)

// required reports whether a missing browser is a failure.
func required() bool { return os.Getenv("GUIDE_REQUIRE_BROWSER") == "1" }

// find returns the browser to drive, or "" when there is none.
func find() (string, error) {
	if p := os.Getenv("GUIDE_CHROME"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("GUIDE_CHROME=%s: not an executable browser: %w", p, err)
		}
		return path, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", nil
}

func start() {
	path, ferr := find()
	if ferr != nil {
		err = ferr
		return
	}
	if path == "" {
		missing = true
		return
	}
	dir, derr := os.MkdirTemp("", "guide-chromium-")
	if derr != nil {
		err = derr
		return
	}
	// The flags keep Chromium from reaching for the network on its own
	// (the test machines have none) and let it run as root in a container.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
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
	stop = func() {
		cancel()
		cancelAlloc()
		os.RemoveAll(dir)
	}
	// The first run starts the browser and binds its life to bctx, so it
	// gets no timeout of its own.
	if rerr := chromedp.Do(bctx); rerr != nil {
		err = fmt.Errorf("starting %s: %w", path, rerr)
		return
	}
	ctx = bctx
}

// Browser returns the shared browser's context, starting it on first use.
// With no browser it skips t, or fails it when one is required.
func Browser(t testing.TB) context.Context {
	t.Helper()
	once.Do(start)
	switch {
	case err != nil:
		t.Fatal(err)
	case missing && required():
		t.Fatal("GUIDE_REQUIRE_BROWSER=1 but no chromium found; install it (apt-get install chromium) or set GUIDE_CHROME")
	case missing:
		t.Skip(skipLine)
	}
	return ctx
}

// Close stops the shared browser. Call it from TestMain after m.Run. When
// tests were skipped for want of a browser it says so once, on stderr and
// on the terminal: `go test ./...` shows a passing package's output only
// with -v, and a skipped browser test must not pass unnoticed.
func Close() {
	stop()
	if !missing || required() {
		return
	}
	fmt.Fprintln(os.Stderr, skipLine)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprintln(tty, skipLine)
		tty.Close()
	}
}

// NewBrowserContext returns a context for a new, empty browser context in
// the shared browser (its own storage, service workers and caches), with
// one blank tab, that ends after timeout or with the test.
func NewBrowserContext(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	tctx, cancelTimeout := context.WithTimeout(Browser(t), timeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a browser context: %v", err)
	}
	return ctx
}

// Navigate loads url in the tab.
func Navigate(ctx context.Context, url string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("loading %s: %w", url, err)
	}
	return nil
}

// Eval evaluates a JavaScript expression in the tab, awaiting a promise.
func Eval[T any](ctx context.Context, expr string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// Until evaluates expr every 10 ms (through reloads) until it is true, and
// returns when it first was; after timeout it fails, with what describe
// (another expression; "" for none) says about the page then.
func Until(ctx context.Context, timeout time.Duration, expr, describe string) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	var lastErr error
	for {
		ok, err := Eval[bool](ctx, expr)
		if err == nil && ok {
			return time.Now(), nil
		}
		if err != nil {
			lastErr = err
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("not true within %s: %s", timeout, expr)
			if describe != "" {
				state, derr := Eval[string](ctx, describe)
				if derr != nil {
					state = derr.Error()
				}
				msg += "; page state: " + state
			}
			if lastErr != nil {
				msg += "; last error: " + lastErr.Error()
			}
			return time.Time{}, errors.New(msg)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

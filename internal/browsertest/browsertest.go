// Package browsertest drives the browser engines the guide's browser tests
// run in: Chromium through the DevTools protocol (chromedp), Firefox ESR
// through WebDriver BiDi, and WebKitGTK through W3C WebDriver
// (WebKitWebDriver, under a private Xvfb). Each engine is started once per
// test binary, on first use, and every test gets an isolated context in it
// (its own storage, service workers and caches).
//
// The test code is the same for every engine: a tab is a
// context.Context made by NewContext or NewTab, and Navigate, Reload,
// Eval, Until, SetOffline and SetHidden work on it in any engine. A
// Chromium tab is also a chromedp context, for the tests that need the
// DevTools protocol itself.
//
// An engine that is not installed skips its tests, and Close prints one
// loud line naming it and its Debian package; with GUIDE_REQUIRE_BROWSER=1
// (as CI sets) the tests fail instead. A feature an engine's protocol
// lacks is an *UnsupportedError, which a test turns into a skip naming it.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Engine is one browser engine, started at most once per test binary.
type Engine struct {
	// Name names the engine in subtests and messages: chromium, firefox
	// or webkit.
	Name string
	// install says how to get the engine, for messages.
	install string
	// find returns the executables to run, nil when the engine is not
	// installed, or an error when an override names a missing file.
	find func() ([]string, error)
	// start starts the engine with what find returned.
	start func(paths []string) (driver, error)

	once    sync.Once
	drv     driver
	err     error // found but could not start
	missing bool  // not installed
}

// driver is a running engine.
type driver interface {
	// newContext opens an isolated context with one blank tab.
	newContext(ctx context.Context) (Tab, error)
	close()
}

// Tab is one page of an isolated context. Its methods are what every
// engine can do; NewTab, Navigate, Eval and the others call them through
// the context that carries the tab.
type Tab interface {
	// Navigate loads url and waits until the page has loaded.
	Navigate(ctx context.Context, url string) error
	// Reload reloads the page, as the reader's reload button does.
	Reload(ctx context.Context) error
	// Eval evaluates a JavaScript expression, awaiting a promise, and
	// returns its value as JSON (undefined is null). Chromium also takes
	// a script of several statements; the other engines take only an
	// expression.
	Eval(ctx context.Context, expr string) (json.RawMessage, error)
	// NewTab opens another tab in the same isolated context.
	NewTab(ctx context.Context) (Tab, error)
	// SetOffline tells the page the device is offline or back online:
	// navigator.onLine changes and the page hears "offline" or "online".
	SetOffline(ctx context.Context, offline bool) error
	// SetHidden hides the page, as switching to another app does, or
	// shows it again (document.visibilityState).
	SetHidden(ctx context.Context, hidden bool) error
	// Close closes the tab; closing a context's first tab closes the
	// whole context.
	Close() error
	// engine is the engine the tab belongs to.
	engine() *Engine
}

// UnsupportedError says that an engine, as driven here, cannot do
// something a test asks for. It matches errors.ErrUnsupported.
type UnsupportedError struct {
	Engine  string
	Feature string
}

func (e *UnsupportedError) Error() string {
	return e.Engine + " cannot be driven to " + e.Feature
}

func (e *UnsupportedError) Unwrap() error { return errors.ErrUnsupported }

// Engines lists every engine, in the order their subtests run.
func Engines() []*Engine { return []*Engine{Chromium, Firefox, WebKit} }

// required reports whether a missing engine is a failure.
func required() bool { return os.Getenv("GUIDE_REQUIRE_BROWSER") == "1" }

// lookPath finds an executable given by an environment variable (which
// must then exist) or else the first of names found on PATH, or under
// the absolute paths given. It returns "" when none is there.
func lookPath(env string, names ...string) (string, error) {
	if p := os.Getenv(env); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s: not an executable: %w", env, p, err)
		}
		return path, nil
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", nil
}

// skipLine is what a run without e says.
func (e *Engine) skipLine() string {
	return fmt.Sprintf("BROWSER TESTS SKIPPED in %s: it is not installed; %s; set GUIDE_REQUIRE_BROWSER=1 to make this fail", e.Name, e.install)
}

func (e *Engine) startOnce() {
	e.once.Do(func() {
		paths, err := e.find()
		switch {
		case err != nil:
			e.err = err
		case paths == nil:
			e.missing = true
		default:
			e.drv, e.err = e.start(paths)
			if e.err != nil {
				e.err = fmt.Errorf("starting %s: %w", e.Name, e.err)
			}
		}
	})
}

// Require starts the engine on first use. When it is not installed it
// skips t, or fails it when GUIDE_REQUIRE_BROWSER=1.
func (e *Engine) Require(t testing.TB) {
	t.Helper()
	e.startOnce()
	switch {
	case e.err != nil:
		t.Fatal(e.err)
	case e.missing && required():
		t.Fatalf("GUIDE_REQUIRE_BROWSER=1 but %s is not installed; %s", e.Name, e.install)
	case e.missing:
		t.Skip(e.skipLine())
	}
}

// Close stops every engine that was started. Call it from TestMain after
// m.Run. For each engine that skipped tests because it is missing it
// says so once, on stderr and on the terminal: `go test ./...` shows a
// passing package's output only with -v, and a skipped browser test must
// not pass unnoticed.
func Close() {
	for _, e := range Engines() {
		if e.drv != nil {
			e.drv.close()
		}
		if !e.missing || required() {
			continue
		}
		fmt.Fprintln(os.Stderr, e.skipLine())
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprintln(tty, e.skipLine())
			tty.Close()
		}
	}
}

// tabKey is the context key of the tab a context drives.
type tabKey struct{}

// tabOf returns the tab ctx drives.
func tabOf(ctx context.Context) (Tab, error) {
	tab, ok := ctx.Value(tabKey{}).(Tab)
	if !ok {
		return nil, errors.New("browsertest: the context has no tab; make it with NewContext or NewTab")
	}
	return tab, nil
}

// EngineOf names the engine of the tab ctx drives, or "" for none.
func EngineOf(ctx context.Context) string {
	if tab, err := tabOf(ctx); err == nil {
		return tab.engine().Name
	}
	return ""
}

// withTab returns a context that drives tab. A Chromium tab's own
// context (a chromedp context) is the parent, so chromedp works on it.
func withTab(parent context.Context, tab Tab) context.Context {
	return context.WithValue(parent, tabKey{}, tab)
}

// NewContext opens a new isolated context in e with one blank tab and
// returns a context that drives the tab. It ends after timeout or when
// the test ends, and the isolated context closes with it. When e is not
// installed it skips t (see Require).
func (e *Engine) NewContext(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	e.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	tab, err := e.drv.newContext(ctx)
	if err != nil {
		cancel()
		t.Fatalf("%s: opening a browser context: %v", e.Name, err)
	}
	t.Cleanup(func() {
		tab.Close()
		cancel()
	})
	if ct, ok := tab.(*chromiumTab); ok {
		return withTab(ct.ctx, tab)
	}
	return withTab(ctx, tab)
}

// NewBrowserContext is Chromium.NewContext.
func NewBrowserContext(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	return Chromium.NewContext(t, timeout)
}

// NewTab opens another tab in the isolated context of parent's tab.
// close closes it; it also closes when the test ends.
func NewTab(t testing.TB, parent context.Context) (ctx context.Context, close func()) {
	t.Helper()
	ptab, err := tabOf(parent)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := ptab.NewTab(parent)
	if err != nil {
		t.Fatalf("%s: opening a tab: %v", ptab.engine().Name, err)
	}
	var once sync.Once
	close = func() { once.Do(func() { tab.Close() }) }
	t.Cleanup(close)
	if ct, ok := tab.(*chromiumTab); ok {
		return withTab(ct.ctx, tab), close
	}
	return withTab(parent, tab), close
}

// Navigate loads url in the tab and waits until it has loaded.
func Navigate(ctx context.Context, url string) error {
	tab, err := tabOf(ctx)
	if err != nil {
		return err
	}
	if err := tab.Navigate(ctx, url); err != nil {
		return fmt.Errorf("loading %s: %w", url, err)
	}
	return nil
}

// Reload reloads the tab's page and waits until it has loaded.
func Reload(ctx context.Context) error {
	tab, err := tabOf(ctx)
	if err != nil {
		return err
	}
	if err := tab.Reload(ctx); err != nil {
		return fmt.Errorf("reloading: %w", err)
	}
	return nil
}

// SetOffline tells the tab's page the device is offline, or back online
// (navigator.onLine, and the "offline" and "online" events). It does not
// cut the network in every engine: a test that needs the network gone
// stops its server too.
func SetOffline(ctx context.Context, offline bool) error {
	tab, err := tabOf(ctx)
	if err != nil {
		return err
	}
	return tab.SetOffline(ctx, offline)
}

// SetHidden hides the tab's page or shows it again.
func SetHidden(ctx context.Context, hidden bool) error {
	tab, err := tabOf(ctx)
	if err != nil {
		return err
	}
	return tab.SetHidden(ctx, hidden)
}

// Eval evaluates a JavaScript expression in the tab, awaiting a promise,
// and decodes its value (as JSON) into T.
func Eval[T any](ctx context.Context, expr string) (T, error) {
	var v T
	tab, err := tabOf(ctx)
	if err != nil {
		return v, err
	}
	raw, err := tab.Eval(ctx, expr)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("%s: decoding %.200s: %w", firstLine(expr), raw, err)
	}
	return v, nil
}

// jsonExpr wraps expr so that it evaluates to its value as a JSON string,
// after awaiting a promise: Firefox and WebKit then return the same JSON
// as Chromium, whatever their protocol's own encoding of values.
// undefined is null.
func jsonExpr(expr string) string {
	return "Promise.resolve((\n" + expr + "\n)).then((v) => JSON.stringify(v === undefined ? null : v))"
}

// firstLine shortens a script for error messages.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
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

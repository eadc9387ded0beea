package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Firefox is Firefox ESR, driven through WebDriver BiDi over the
// WebSocket its remote agent opens. The browser is GUIDE_FIREFOX, or
// Debian's firefox-esr, or firefox on PATH. Each isolated context is a
// BiDi user context (its own cookies, storage, service workers and
// caches).
var Firefox = &Engine{
	Name:    "firefox",
	install: "install it (apt-get install firefox-esr) or set GUIDE_FIREFOX",
	find: func() ([]string, error) {
		// Debian's /usr/bin/firefox-esr is a script that runs this one.
		path, err := lookPath("GUIDE_FIREFOX", "/usr/lib/firefox-esr/firefox-esr", "firefox-esr", "firefox")
		if path == "" {
			return nil, err
		}
		return []string{path}, nil
	},
	start: startFirefox,
}

type firefoxDriver struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	profile string
	conn    *bidiConn
}

// firefoxPrefs keep Firefox from reaching for the network on its own (the
// test machines have none), on top of what its remote agent already
// turns off.
const firefoxPrefs = `user_pref("app.update.disabledForTesting", true);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.server", "");
`

func startFirefox(paths []string) (driver, error) {
	profile, err := os.MkdirTemp("", "guide-firefox-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(profile+"/user.js", []byte(firefoxPrefs), 0o644); err != nil {
		os.RemoveAll(profile)
		return nil, err
	}
	// Port 0: the remote agent picks a free port and prints its address.
	cmd := exec.Command(paths[0], "--headless", "--no-remote", "--remote-debugging-port=0", "--profile", profile)
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	dieWithTests(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(profile)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(profile)
		return nil, err
	}
	d := &firefoxDriver{cmd: cmd, exited: make(chan struct{}), profile: profile}
	go func() { cmd.Wait(); close(d.exited) }()

	// The remote agent prints "WebDriver BiDi listening on ws://...".
	found := make(chan string, 1)
	var said strings.Builder // what Firefox printed, for errors
	var saidMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if _, addr, ok := strings.Cut(line, "WebDriver BiDi listening on "); ok {
				found <- strings.TrimSpace(addr)
				continue
			}
			saidMu.Lock()
			if said.Len() < 4096 {
				said.WriteString(line + "\n")
			}
			saidMu.Unlock()
		}
		io.Copy(io.Discard, stderr)
	}()
	fail := func(err error) (driver, error) {
		d.close()
		saidMu.Lock()
		defer saidMu.Unlock()
		if s := strings.TrimSpace(said.String()); s != "" {
			err = fmt.Errorf("%w; it printed:\n%s", err, s)
		}
		return nil, err
	}
	// Firefox starts in a few seconds, but a CI machine running other
	// packages' tests at the same time can take much longer.
	const startTimeout = 2 * time.Minute
	var addr string
	select {
	case addr = <-found:
	case <-d.exited:
		return fail(fmt.Errorf("%s exited before its remote agent listened", paths[0]))
	case <-time.After(startTimeout):
		return fail(fmt.Errorf("%s: no WebDriver BiDi address after %s", paths[0], startTimeout))
	}
	d.conn, err = dialBiDi(addr + "/session")
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := d.conn.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		return fail(err)
	}
	return d, nil
}

func (d *firefoxDriver) close() {
	if d.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		d.conn.call(ctx, "browser.close", map[string]any{}, nil)
		cancel()
		d.conn.close()
	}
	select {
	case <-d.exited:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
		<-d.exited
	}
	os.RemoveAll(d.profile)
}

func (d *firefoxDriver) newContext(ctx context.Context) (Tab, error) {
	var uc struct{ UserContext string }
	if err := d.conn.call(ctx, "browser.createUserContext", map[string]any{}, &uc); err != nil {
		return nil, err
	}
	tab, err := d.openTab(ctx, uc.UserContext)
	if err != nil {
		d.conn.call(ctx, "browser.removeUserContext", map[string]any{"userContext": uc.UserContext}, nil)
		return nil, err
	}
	tab.owner = true
	return tab, nil
}

func (d *firefoxDriver) openTab(ctx context.Context, userContext string) (*firefoxTab, error) {
	var bc struct{ Context string }
	if err := d.conn.call(ctx, "browsingContext.create", map[string]any{"type": "tab", "userContext": userContext}, &bc); err != nil {
		return nil, err
	}
	return &firefoxTab{d: d, userContext: userContext, context: bc.Context}, nil
}

// firefoxTab is a BiDi top-level browsing context.
type firefoxTab struct {
	d           *firefoxDriver
	userContext string
	context     string
	owner       bool // the user context's first tab: closing it closes the user context
	cover       *firefoxTab
	closeOnce   sync.Once
}

func (f *firefoxTab) engine() *Engine { return Firefox }

func (f *firefoxTab) Navigate(ctx context.Context, url string) error {
	return f.d.conn.call(ctx, "browsingContext.navigate", map[string]any{"context": f.context, "url": url, "wait": "complete"}, nil)
}

func (f *firefoxTab) Reload(ctx context.Context) error {
	return f.d.conn.call(ctx, "browsingContext.reload", map[string]any{"context": f.context, "wait": "complete"}, nil)
}

func (f *firefoxTab) Eval(ctx context.Context, expr string) (json.RawMessage, error) {
	var r struct {
		Type   string
		Result struct {
			Type  string
			Value json.RawMessage
		}
		ExceptionDetails struct{ Text string }
	}
	err := f.d.conn.call(ctx, "script.evaluate", map[string]any{
		"expression":      jsonExpr(expr),
		"target":          map[string]any{"context": f.context},
		"awaitPromise":    true,
		"resultOwnership": "none",
	}, &r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", firstLine(expr), err)
	case r.Type == "exception":
		return nil, fmt.Errorf("%s: %s", firstLine(expr), r.ExceptionDetails.Text)
	case r.Result.Type != "string":
		return nil, fmt.Errorf("%s: a %s, not JSON", firstLine(expr), r.Result.Type)
	}
	var s string
	if err := json.Unmarshal(r.Result.Value, &s); err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}

func (f *firefoxTab) NewTab(ctx context.Context) (Tab, error) {
	return f.d.openTab(ctx, f.userContext)
}

// SetOffline emulates the network state for the tab's user context. In
// Firefox 153 this sets navigator.onLine and fires the events, but the
// service worker's requests still reach the network: a test that needs
// the network gone stops its server too.
func (f *firefoxTab) SetOffline(ctx context.Context, offline bool) error {
	var conditions any // null: back to the real network
	if offline {
		conditions = map[string]any{"type": "offline"}
	}
	err := f.d.conn.call(ctx, "emulation.setNetworkConditions", map[string]any{
		"networkConditions": conditions,
		"userContexts":      []string{f.userContext},
	}, nil)
	var be *bidiError
	if errors.As(err, &be) && be.Code == "unknown command" {
		return &UnsupportedError{Firefox.Name, "set the network state (emulation.setNetworkConditions)"}
	}
	return err
}

// SetHidden puts another tab of the same user context in front of this
// one, as a reader who switches away does, or brings this one back.
// Headless Firefox has no window to minimize.
func (f *firefoxTab) SetHidden(ctx context.Context, hidden bool) error {
	if hidden {
		if f.cover != nil {
			return nil
		}
		cover, err := f.d.openTab(ctx, f.userContext)
		if err != nil {
			return err
		}
		f.cover = cover
		return f.d.conn.call(ctx, "browsingContext.activate", map[string]any{"context": cover.context}, nil)
	}
	if err := f.d.conn.call(ctx, "browsingContext.activate", map[string]any{"context": f.context}, nil); err != nil {
		return err
	}
	if f.cover != nil {
		f.cover.Close()
		f.cover = nil
	}
	return nil
}

func (f *firefoxTab) Close() error {
	var err error
	f.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if f.owner {
			err = f.d.conn.call(ctx, "browser.removeUserContext", map[string]any{"userContext": f.userContext}, nil)
			return
		}
		err = f.d.conn.call(ctx, "browsingContext.close", map[string]any{"context": f.context}, nil)
	})
	return err
}

// bidiConn is a WebDriver BiDi connection: commands with their answers
// matched by id. Events are not subscribed to, so none arrive.
type bidiConn struct {
	ws      *websocket.Conn
	writeMu sync.Mutex

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan bidiMessage
	err     error // why reading stopped
	done    chan struct{}
}

type bidiMessage struct {
	ID      int             `json:"id"`
	Type    string          `json:"type"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// bidiError is an error the remote end answered a command with.
type bidiError struct {
	Method, Code, Message string
}

func (e *bidiError) Error() string { return e.Method + ": " + e.Code + ": " + e.Message }

func dialBiDi(url string) (*bidiConn, error) {
	dialer := *websocket.DefaultDialer
	dialer.HandshakeTimeout = 30 * time.Second
	ws, _, err := dialer.Dial(url, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", url, err)
	}
	ws.SetReadLimit(64 << 20)
	c := &bidiConn{ws: ws, waiting: map[int]chan bidiMessage{}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *bidiConn) read() {
	var err error
	for {
		var m bidiMessage
		if err = c.ws.ReadJSON(&m); err != nil {
			break
		}
		if m.Type == "event" {
			continue
		}
		c.mu.Lock()
		ch := c.waiting[m.ID]
		delete(c.waiting, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	c.mu.Lock()
	c.err = fmt.Errorf("the WebDriver BiDi connection ended: %w", err)
	c.mu.Unlock()
	close(c.done)
}

// call sends a command and decodes its result into result (nil to drop
// it). It returns when the answer comes or ctx ends.
func (c *bidiConn) call(ctx context.Context, method string, params, result any) error {
	ch := make(chan bidiMessage, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return c.err
	}
	c.nextID++
	id := c.nextID
	c.waiting[id] = ch
	c.mu.Unlock()
	forget := func() {
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
	}

	c.writeMu.Lock()
	err := c.ws.WriteJSON(map[string]any{"id": id, "method": method, "params": params})
	c.writeMu.Unlock()
	if err != nil {
		forget()
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Type == "error" {
			return &bidiError{method, m.Error, m.Message}
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(m.Result, result)
	case <-c.done:
		return c.err
	case <-ctx.Done():
		forget()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (c *bidiConn) close() { c.ws.Close() }

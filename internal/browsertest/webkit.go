package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebKit is WebKitGTK, driven through W3C WebDriver by WebKitWebDriver
// (Debian's webkit2gtk-driver), which runs WebKitGTK's MiniBrowser. The
// browser needs an X display: the engine starts its own Xvfb, or, with no
// Xvfb installed, uses DISPLAY. GUIDE_WEBKIT_BROWSER names another
// WebKitGTK browser to run. MiniBrowser under automation keeps nothing on
// disk, so each isolated context is a WebDriver session of its own (one
// MiniBrowser process, about a second to start).
var WebKit = &Engine{
	Name:    "webkit",
	install: "install it (apt-get install webkit2gtk-driver xvfb) or set GUIDE_WEBKIT_BROWSER",
	find:    findWebKit,
	start:   startWebKit,
}

func findWebKit() ([]string, error) {
	driver, err := lookPath("GUIDE_WEBKIT_DRIVER", "WebKitWebDriver")
	if driver == "" {
		return nil, err
	}
	minis, _ := filepath.Glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser")
	browser, err := lookPath("GUIDE_WEBKIT_BROWSER", minis...)
	if browser == "" {
		return nil, err
	}
	xvfb, err := lookPath("GUIDE_XVFB", "Xvfb")
	if err != nil {
		return nil, err
	}
	if xvfb == "" && os.Getenv("DISPLAY") == "" {
		return nil, nil // no display to show a window on
	}
	return []string{driver, browser, xvfb}, nil
}

type webkitDriver struct {
	url     string // the driver's address
	browser string
	procs   []*exec.Cmd
	exited  []chan struct{}
	// session is the open one: WebKitWebDriver runs one at a time.
	mu      sync.Mutex
	session *webkitSession
}

// run starts a helper process and keeps it until close.
func (d *webkitDriver) run(cmd *exec.Cmd) error {
	dieWithTests(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	d.procs = append(d.procs, cmd)
	d.exited = append(d.exited, exited)
	return nil
}

func startWebKit(paths []string) (driver, error) {
	d := &webkitDriver{browser: paths[1]}
	env := os.Environ()
	if paths[2] != "" {
		display, err := d.startXvfb(paths[2])
		if err != nil {
			d.close()
			return nil, err
		}
		env = append(env, "DISPLAY="+display)
	}
	// There is no accessibility bus under Xvfb: GTK need not look for one.
	env = append(env, "NO_AT_BRIDGE=1")
	port, err := freePort()
	if err != nil {
		d.close()
		return nil, err
	}
	cmd := exec.Command(paths[0], "--port="+strconv.Itoa(port))
	cmd.Env = env
	said := &limitedWriter{n: 4096}
	cmd.Stdout, cmd.Stderr = said, said
	if err := d.run(cmd); err != nil {
		d.close()
		return nil, err
	}
	d.url = "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := d.do(ctx, "GET", "/status", nil)
		cancel()
		if err == nil {
			return d, nil
		}
		if time.Now().After(deadline) {
			d.close()
			return nil, fmt.Errorf("%s did not answer within 30 s: %v; it printed: %s", paths[0], err, said.String())
		}
	}
}

// startXvfb starts a private X server and returns its display. Xvfb
// picks a free display itself and writes its number to -displayfd.
func (d *webkitDriver) startXvfb(xvfb string) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	cmd := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	said := &limitedWriter{n: 4096}
	cmd.Stderr = said
	err = d.run(cmd)
	w.Close()
	if err != nil {
		return "", err
	}
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			return "", fmt.Errorf("%s did not start: %s", xvfb, said.String())
		}
		return ":" + n, nil
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("%s gave no display within 30 s: %s", xvfb, said.String())
	}
}

func (d *webkitDriver) close() {
	d.mu.Lock()
	s := d.session
	d.mu.Unlock()
	if s != nil {
		s.end()
	}
	// The driver first, then the display its browsers used.
	for i := len(d.procs) - 1; i >= 0; i-- {
		d.procs[i].Process.Signal(os.Interrupt)
		select {
		case <-d.exited[i]:
		case <-time.After(5 * time.Second):
			d.procs[i].Process.Kill()
			<-d.exited[i]
		}
	}
}

// scriptTimeout bounds one Eval in WebKit; the test's context bounds it
// too. WebDriver's default, 30 s, is shorter than some waits the tests
// make in a single script.
const scriptTimeout = 5 * time.Minute

func (d *webkitDriver) newContext(ctx context.Context) (Tab, error) {
	d.mu.Lock()
	if d.session != nil {
		d.mu.Unlock()
		return nil, errors.New("WebKitWebDriver runs one session at a time, and one is open: close the other isolated context first")
	}
	d.mu.Unlock()
	var created struct {
		SessionID string
	}
	raw, err := d.do(ctx, "POST", "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"webkitgtk:browserOptions": map[string]any{"binary": d.browser, "args": []string{"--automation"}},
		"timeouts":                 map[string]any{"script": scriptTimeout.Milliseconds(), "pageLoad": 60_000},
	}}})
	if err == nil {
		err = json.Unmarshal(raw, &created)
	}
	if err != nil {
		return nil, fmt.Errorf("starting a session: %w", err)
	}
	s := &webkitSession{d: d, path: "/session/" + created.SessionID}
	var handle string
	if err := s.command(ctx, nil, "GET", "/window", nil, &handle); err != nil {
		s.end()
		return nil, err
	}
	s.current = handle
	d.mu.Lock()
	d.session = s
	d.mu.Unlock()
	return &webkitTab{s: s, handle: handle, owner: true}, nil
}

// do sends one WebDriver request and returns its "value".
func (d *webkitDriver) do(ctx context.Context, method, path string, body any) (json.RawMessage, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.url+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return nil, fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, data)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Message string }
		json.Unmarshal(answer.Value, &e)
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, e.Error, e.Message)
	}
	return answer.Value, nil
}

// webkitSession is one WebDriver session: one MiniBrowser, whose windows
// are the tabs of one isolated context. WebDriver sends each command to
// the session's current window, so commands switch to their tab's
// window first, one at a time.
type webkitSession struct {
	d       *webkitDriver
	path    string
	mu      sync.Mutex
	current string // the window commands go to
	ended   bool
}

// command sends a request to the session, in window handle ("" for any),
// and decodes its value into out (nil to drop it).
func (s *webkitSession) command(ctx context.Context, tab *webkitTab, method, path string, body, out any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return errors.New("the WebDriver session has ended")
	}
	if tab != nil && tab.handle != s.current {
		if _, err := s.d.do(ctx, "POST", s.path+"/window", map[string]any{"handle": tab.handle}); err != nil {
			return fmt.Errorf("switching to the tab: %w", err)
		}
		s.current = tab.handle
	}
	raw, err := s.d.do(ctx, method, s.path+path, body)
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

func (s *webkitSession) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.ended = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.d.do(ctx, "DELETE", s.path, nil)
	s.d.mu.Lock()
	if s.d.session == s {
		s.d.session = nil
	}
	s.d.mu.Unlock()
}

// webkitTab is one window of a session.
type webkitTab struct {
	s         *webkitSession
	handle    string
	owner     bool // the session's first window: closing it ends the session
	closeOnce sync.Once
}

func (w *webkitTab) engine() *Engine { return WebKit }

func (w *webkitTab) Navigate(ctx context.Context, url string) error {
	return w.s.command(ctx, w, "POST", "/url", map[string]any{"url": url}, nil)
}

func (w *webkitTab) Reload(ctx context.Context) error {
	return w.s.command(ctx, w, "POST", "/refresh", map[string]any{}, nil)
}

// evalScript runs an expression for Execute Async Script: it calls back
// with the expression's value as JSON, or with its error.
const evalScript = `const done = arguments[arguments.length - 1];
(%s).then((json) => done({json}), (e) => done({error: String(e && e.stack ? e + '\n' + e.stack : e)}));`

func (w *webkitTab) Eval(ctx context.Context, expr string) (json.RawMessage, error) {
	var r struct {
		JSON  *string
		Error string
	}
	err := w.s.command(ctx, w, "POST", "/execute/async", map[string]any{
		"script": fmt.Sprintf(evalScript, jsonExpr(expr)),
		"args":   []any{},
	}, &r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", firstLine(expr), err)
	case r.JSON == nil:
		return nil, fmt.Errorf("%s: %s", firstLine(expr), r.Error)
	}
	return json.RawMessage(*r.JSON), nil
}

// NewTab opens a new window, not a tab: MiniBrowser opens a tab behind
// the current one, hidden (document.visibilityState), and the guide hands
// a hidden page no new version, as it should.
func (w *webkitTab) NewTab(ctx context.Context) (Tab, error) {
	var nw struct{ Handle string }
	if err := w.s.command(ctx, w, "POST", "/window/new", map[string]any{"type": "window"}, &nw); err != nil {
		return nil, err
	}
	return &webkitTab{s: w.s, handle: nw.Handle}, nil
}

// SetOffline: W3C WebDriver has no command for the network state.
func (w *webkitTab) SetOffline(context.Context, bool) error {
	return &UnsupportedError{WebKit.Name, "set the network state (navigator.onLine, the online and offline events): W3C WebDriver has no command for it"}
}

// SetHidden minimizes the tab's window, or brings it back (maximized,
// as WebDriver restores a window).
func (w *webkitTab) SetHidden(ctx context.Context, hidden bool) error {
	path := "/window/maximize"
	if hidden {
		path = "/window/minimize"
	}
	return w.s.command(ctx, w, "POST", path, map[string]any{}, nil)
}

func (w *webkitTab) Close() error {
	var err error
	w.closeOnce.Do(func() {
		if w.owner {
			w.s.end()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = w.s.command(ctx, w, "DELETE", "/window", nil, nil)
		w.s.mu.Lock()
		w.s.current = "" // WebDriver has no current window now
		w.s.mu.Unlock()
	})
	return err
}

// freePort returns a TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// limitedWriter keeps the first n bytes a process prints, for errors;
// the process writes from its own goroutines.
type limitedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
	n  int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (l *limitedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.TrimSpace(l.b.String())
}

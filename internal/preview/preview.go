// Package preview is `guide serve`: a live preview of the guide for editors.
//
// It builds the site in preview mode (Hugo's development environment, no
// service worker) into a temporary folder and serves it on 127.0.0.1. It
// watches the site's source (content/, layouts/, assets/, data/, i18n/ and
// hugo.toml, with any folders added later), waits for saves to settle,
// rebuilds into a fresh folder and swaps what is served in one step.
//
// Open pages learn about new builds through Server-Sent Events. The server
// adds one external, same-origin script to every HTML page it serves,
//
//	<script src="/_guide/reload.js" data-build="…" defer></script>
//
// so the pages' Content-Security-Policy (default-src 'self', no inline
// script or style) holds unchanged. The script opens /_guide/events and
// reloads the page when the build it shows is no longer the newest. When a
// build fails, the problems are printed in the terminal, one per line, and
// sent to the pages, which list them in a banner (as text, never as HTML)
// over the last good build, which stays served until the next good one.
//
// A service worker left by a production build on the same port would keep
// serving old pages, so the preview answers /sw.js with a worker that
// clears its caches and unregisters itself, and marks every response
// Cache-Control: no-store.
package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
)

// defaultDebounce is how long the server waits after the last change to
// the source before it rebuilds: long enough to take an editor's save (often
// several file events) as one change, short enough not to be noticed.
const defaultDebounce = 100 * time.Millisecond

// maxWait bounds how long a stream of changes can put off a rebuild.
const maxWait = time.Second

// Options configures a preview server.
type Options struct {
	// Source is the site's source folder (with hugo.toml).
	Source string
	// Stdout receives the address and one line per good build.
	Stdout io.Writer
	// Stderr receives build problems, one per line, and Hugo's warnings.
	Stderr io.Writer
	// Debounce is the quiet time before a rebuild; zero means
	// defaultDebounce.
	Debounce time.Duration
	// TempDir is where the build folders go; empty means the system's
	// temporary folder. They are removed when Run returns.
	TempDir string
}

// portInUseError says the port is taken and suggests one that is free.
type portInUseError struct {
	Port    int
	Suggest int
}

func (e *portInUseError) Error() string {
	return fmt.Sprintf("port %d is in use; try -port %d", e.Port, e.Suggest)
}

// CheckPort says what is wrong with port as a port to serve on, if
// anything: 1 to 65535, or 0 for a free one.
func CheckPort(port int) error {
	if port < 0 || port > 65535 {
		return fmt.Errorf("port %d is not a port number; use 1 to 65535", port)
	}
	return nil
}

// Listen opens port on 127.0.0.1 (0 picks a free port). When the port is
// taken it returns a *portInUseError.
func Listen(port int) (net.Listener, error) {
	if err := CheckPort(port); err != nil {
		return nil, err
	}
	ln, err := listen(port)
	if err == nil {
		return ln, nil
	}
	if !inUse(err) || port == 0 {
		return nil, err
	}
	suggest := port + 1
	for p := port + 1; p <= port+20 && p <= 65535; p++ {
		if l, err := listen(p); err == nil {
			l.Close()
			suggest = p
			break
		}
	}
	if suggest > 65535 {
		suggest = port - 1
	}
	return nil, &portInUseError{Port: port, Suggest: suggest}
}

func listen(port int) (net.Listener, error) {
	return net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
}

func inUse(err error) bool {
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "address already in use") || strings.Contains(s, "Only one usage of each socket address")
}

// Run builds the site, serves it on ln and rebuilds on every change until
// ctx is cancelled. It then stops serving, removes its build folders and
// returns nil. A build that fails does not stop the server: its problems
// are reported and the last good build stays served. Run returns an error
// only when it cannot start: no site at opts.Source, or no way to watch it.
func Run(ctx context.Context, ln net.Listener, opts Options) error {
	defer ln.Close()
	src, err := filepath.Abs(opts.Source)
	if err != nil {
		return err
	}
	if err := settings.CheckSource(src); err != nil {
		return err
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if opts.Debounce <= 0 {
		opts.Debounce = defaultDebounce
	}
	root, err := os.MkdirTemp(opts.TempDir, "guide-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)

	w, err := newWatcher(src)
	if err != nil {
		return fmt.Errorf("cannot watch %s for changes: %w", opts.Source, err)
	}
	defer w.close()

	s := &server{
		src:  src,
		root: root,
		opts: opts,
		run:  strconv.FormatInt(time.Now().UnixNano(), 36),
		subs: map[chan struct{}]struct{}{},
		done: make(chan struct{}),
	}
	s.build(ctx, "built")
	if ctx.Err() != nil {
		return nil
	}

	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(opts.Stdout, "Serving the guide at http://%s/ (press Ctrl+C to stop)\n", ln.Addr())

	// Each change restarts the quiet time, but a build is never put off
	// for more than maxWait, even if changes keep coming.
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var first time.Time // the oldest change not yet built
	wait := func() {
		if first.IsZero() {
			first = time.Now()
		}
		d := opts.Debounce
		if left := maxWait - time.Since(first); left < d {
			d = max(left, 0)
		}
		timer.Reset(d)
	}
	for {
		select {
		case <-ctx.Done():
			close(s.done) // ends the event streams, so Shutdown need not wait
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			hs.Shutdown(sctx)
			cancel()
			return nil
		case err := <-served:
			close(s.done)
			return err
		case <-w.changes:
			wait()
		case err := <-w.errors:
			fmt.Fprintf(opts.Stderr, "guide serve: watching for changes: %v\n", err)
			wait()
		case <-timer.C:
			first = time.Time{}
			s.build(ctx, "rebuilt")
		}
	}
}

// server holds what is served and who is listening for new builds.
type server struct {
	src, root string
	opts      Options
	run       string // names this run of the server, so a restart reloads pages
	n         int    // builds started

	mu   sync.Mutex
	dir  string   // the served build's folder; empty before the first good build
	id   string   // the served build's id
	csp  string   // the served build's Content-Security-Policy
	errs []string // the latest build's problems; nil when it succeeded
	subs map[chan struct{}]struct{}
	done chan struct{}
	old  []string // good build folders, oldest first
}

// state is a snapshot of what is served.
type state struct {
	dir, id, csp string
	errs         []string
}

func (s *server) state() state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return state{s.dir, s.id, s.csp, s.errs}
}

// build runs one preview build into a new folder. On success it serves
// the new folder and tells the pages to reload; on failure it reports the
// problems and keeps the last good build.
func (s *server) build(ctx context.Context, verb string) {
	s.n++
	dir := filepath.Join(s.root, "build-"+strconv.Itoa(s.n))
	sum, err := pipeline.Build(ctx, pipeline.Options{Source: s.src, Dest: dir, Preview: true, Log: s.opts.Stderr})
	if ctx.Err() != nil {
		os.RemoveAll(dir)
		return
	}
	if err != nil {
		os.RemoveAll(dir)
		var lines []string
		for _, e := range diag.AsList(err) {
			fmt.Fprintln(s.opts.Stderr, e.Error())
			lines = append(lines, strings.Split(strings.ReplaceAll(e.Error(), "\r", ""), "\n")...)
		}
		if s.state().dir == "" {
			fmt.Fprintln(s.opts.Stderr, "guide serve: the guide did not build; fix the problems above and save")
		} else {
			fmt.Fprintln(s.opts.Stderr, "guide serve: the guide did not build; still serving the last good build")
		}
		s.publish(func() { s.errs = lines })
		return
	}
	fmt.Fprintf(s.opts.Stdout, "%s %d pages in %d ms\n", verb, sum.Report.Pages, sum.Duration.Milliseconds())
	var stale []string
	s.publish(func() {
		s.dir, s.id, s.errs, s.csp = dir, s.run+"-"+strconv.Itoa(s.n), nil, sum.CSP
		s.old = append(s.old, dir)
		// Keep the build before this one a little longer: a request that
		// picked it just before the swap may still be reading it.
		if len(s.old) > 2 {
			stale, s.old = s.old[:len(s.old)-2], s.old[len(s.old)-2:]
		}
	})
	for _, d := range stale {
		os.RemoveAll(d)
	}
}

// publish changes the state and wakes every event stream.
func (s *server) publish(change func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default: // already woken; it will read the newest state
		}
	}
}

func (s *server) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch
}

func (s *server) unsubscribe(ch chan struct{}) {
	s.mu.Lock()
	delete(s.subs, ch)
	s.mu.Unlock()
}

// watcher turns file system events under the site's source into the names
// of changed files that matter to the build.
type watcher struct {
	src     string
	fw      *fsnotify.Watcher
	changes chan string
	errors  chan error
	stop    chan struct{}
	wg      sync.WaitGroup
}

func newWatcher(src string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{src: src, fw: fw, changes: make(chan string, 64), errors: make(chan error, 1), stop: make(chan struct{})}
	// The source folder itself: for hugo.toml (editors often save by
	// replacing the file, which a watch on the file would lose) and for
	// watched folders created later.
	if err := fw.Add(src); err != nil {
		fw.Close()
		return nil, err
	}
	for _, name := range render.Inputs[1:] {
		if err := w.addTree(filepath.Join(src, name)); err != nil {
			fw.Close()
			return nil, err
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// addTree watches dir and every folder below it. A missing dir is fine:
// the watch on the source folder sees it when it is created.
func (w *watcher) addTree(dir string) error {
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && ignored(d.Name()) {
			return filepath.SkipDir
		}
		return w.fw.Add(p)
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func (w *watcher) loop() {
	defer w.wg.Done()
	for {
		select {
		case <-w.stop:
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			if name, ok := w.relevant(ev); ok {
				select {
				case w.changes <- name:
				case <-w.stop:
					return
				}
			}
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			select {
			case w.errors <- err:
			default:
			}
		}
	}
}

// relevant says whether ev changes the build's input, and starts watching
// any folder it creates.
func (w *watcher) relevant(ev fsnotify.Event) (string, bool) {
	if ev.Op == fsnotify.Chmod {
		return "", false
	}
	rel, err := filepath.Rel(w.src, ev.Name)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	top := parts[0]
	watched := false
	for _, name := range render.Inputs {
		if top == name {
			watched = true
		}
	}
	if !watched {
		return "", false
	}
	for _, p := range parts[1:] {
		if ignored(p) {
			return "", false
		}
	}
	if ev.Has(fsnotify.Create) && top != "hugo.toml" {
		if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
			if err := w.addTree(ev.Name); err != nil {
				select {
				case w.errors <- err:
				default:
				}
			}
		}
	}
	return rel, true
}

// ignored names files editors and systems write next to the real ones:
// hidden files, backups, swap and lock files.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") ||
		strings.HasSuffix(name, "~") || strings.HasSuffix(name, ".swp") ||
		strings.HasSuffix(name, ".swx") || name == "4913"
}

func (w *watcher) close() {
	close(w.stop)
	w.fw.Close()
	w.wg.Wait()
}

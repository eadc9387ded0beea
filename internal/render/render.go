// Package render is the build stage after the content check: it runs Hugo, as
// a library, over the site's source directory and has it write the
// rendered, minified site into a tree in memory (Site.Files), the one
// output tree the later stages add to, check and publish. Nothing is
// written to disk.
//
// Hugo returns most problems as structured file errors (herrors.FileError)
// with a position; Render reports each at its innermost position. A
// problem a template raises with errorf is only logged, so Render builds
// with a logger of its own whose hook (loggers.Options.HandlerPost) keeps
// each error Hugo logs, by its level, and turns it into a diag.Error; the
// position is read from the message. Every path is relative to the
// source.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/herrors"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugofs/files"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
)

// Inputs lists what, under the source folder, a build reads: the config
// file first, then Hugo's component folders (content, layouts, static and
// the rest), whether or not the site has each.
var Inputs = append([]string{settings.File}, files.ComponentFolders...)

// Site is what the render produced, for later stages.
type Site struct {
	// BaseURL is the guide's public address (absolute, ending in /), or ""
	// when the build does not know where the guide will live.
	BaseURL string
	// Hugo is Hugo's model of the built site, for the rules that check it,
	// until Close.
	Hugo *hugolib.HugoSites
	// Files is the site's output tree, in memory: every file Hugo wrote,
	// at its path from the site's root. Later stages add their files to
	// it, and publish writes it out.
	Files afero.Fs
}

// Render renders the site its settings describe into a new tree in
// memory: a build that Hugo stops and that then does not finish is
// started over in a new one (see graces). Hugo's warnings go to log, if
// not nil. When ctx is cancelled, Hugo renders no more pages than those
// under way, and Render returns ctx's error.
func Render(ctx context.Context, cfg *settings.Site, log io.Writer) (*Site, error) {
	base := cfg.BaseURL
	site, err := renderOnce(ctx, cfg, log, base, graces[0])
	if ctx.Err() != nil {
		if site != nil {
			site.Close()
		}
		return nil, ctx.Err()
	}
	var stuck *stuckError
	if !errors.As(err, &stuck) {
		return site, err
	}
	if log != nil {
		fmt.Fprintln(log, "hugo: the build stopped after many errors and did not finish; building again")
	}
	site, err = secondBuild(ctx, cfg, log, base, stuck.listed)
	if ctx.Err() != nil {
		if site != nil {
			site.Close()
		}
		return nil, ctx.Err()
	}
	if errors.As(err, &stuck) {
		return nil, &diag.Error{Msg: "hugo: the build stopped after many errors and did not finish, twice; run it again to see the errors"}
	}
	return site, err
}

// Hugo v0.165.0 stops its build after ten errors, and can then wait
// forever. Its loop that hands out pages checks for the stop and then
// waits for room in a queue with one place per worker; a worker whose page
// fails after the stop quits without taking another. When every worker's
// page fails, as with an error in a template every page uses, the loop
// waits for workers that are gone. On a busy machine this is likely: with
// one thread running Go code, about two builds in five wait.
//
// Once Hugo has stopped a build, Render waits for it to finish as long as
// pages keep being written. A build that writes nothing for a grace period
// counts as stuck: it is left waiting, and started over with more workers
// than the site has pages, so that the queue never fills and the loop
// never waits. The first build's grace is short: after the stop, each
// worker renders at most two more pages. The second build has a worker
// for every page, all rendering at once, so a page can take as long as
// the whole site to finish; its grace is long.
var graces = [2]time.Duration{2 * time.Second, 30 * time.Second}

// stuckError is a build that Hugo stopped and that did not finish.
type stuckError struct {
	listed int // the pages Hugo's model of the site lists
}

func (*stuckError) Error() string { return "hugo's build did not finish after it stopped" }

// secondBuild is the build that starts over, after one that listed
// listed pages was stuck: with a worker for every page Hugo may queue, the
// loop handing out pages never waits.
func secondBuild(ctx context.Context, cfg *settings.Site, log io.Writer, base string, listed int) (site *Site, err error) {
	withPageWorkers(pageBound(cfg, listed), func() { site, err = renderOnce(ctx, cfg, log, base, graces[1]) })
	return site, err
}

// pageBound is an upper bound on the pages Hugo renders per language and
// output format: the pages it lists, the files under the content folder
// (for pages kept out of lists), and 64 more for the 404 page, sitemaps,
// robots.txt and the like.
func pageBound(cfg *settings.Site, listed int) int {
	files := 0
	filepath.WalkDir(filepath.Join(cfg.Source, cfg.Hugo.Base.ContentDir), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	return listed + files + 64
}

// pageWorkers guards HUGO_NUMWORKERMULTIPLIER, which Hugo reads when it
// sets up a build and when it renders, as its number of workers: for
// pages, and for its KaTeX and image encoder pools.
var pageWorkers sync.Mutex

// withPageWorkers runs render with Hugo's workers set to at least n, and
// then sets them back. A build running alongside it in this process may
// also get n workers, which costs memory but changes nothing it writes.
func withPageWorkers(n int, render func()) {
	const key = "HUGO_NUMWORKERMULTIPLIER"
	pageWorkers.Lock()
	defer pageWorkers.Unlock()
	old, set := os.LookupEnv(key)
	os.Setenv(key, strconv.Itoa(max(n, config.GetNumWorkerMultiplier())))
	defer func() {
		if set {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	}()
	render()
}

// renderOnce runs one Hugo build, giving up on it when Hugo has stopped it
// and it writes nothing for grace; see graces.
func renderOnce(ctx context.Context, cfg *settings.Site, log io.Writer, base string, grace time.Duration) (*Site, error) {
	src, cfgs := cfg.Source, cfg.Hugo
	capture := &logCapture{forward: log}
	logger := loggers.New(loggers.Options{
		Level:              logg.LevelWarn,
		StdOut:             io.Discard,
		StdErr:             io.Discard,
		DistinctLevel:      logg.LevelWarn, // as Hugo's own logger: each message once
		HandlerPost:        capture.entry,
		SuppressStatements: cfgs.GetFirstLanguageConfig().IgnoredLogs(),
	})
	fs := hugofs.NewFrom(afero.NewOsFs(), cfgs.LoadingInfo.BaseConfig)
	written := &counter{Fs: newTree()}
	fs.PublishDir, fs.PublishDirStatic, fs.PublishDirServer = written, written, written
	// Hugo takes a logger of the caller's only as DepsCfg.TestLogger;
	// otherwise it makes its own, whose errors are only text.
	sites, err := hugolib.NewHugoSites(deps.DepsCfg{
		Configs:    cfgs,
		Fs:         fs,
		TestLogger: logger,
	})
	if err != nil {
		capture.flush()
		return nil, convert(src, capture, err)
	}
	built := make(chan error, 1)
	go func() { built <- sites.Build(hugolib.BuildCfg{}) }()
	cancelled, stopped := ctx.Done(), sites.Done()
	var stuck <-chan time.Time
	var seen int64 // files written when Hugo stopped the build, or since
	for done := false; !done; {
		select {
		case err = <-built:
			done = true
		case <-cancelled:
			// Stop the build the way Hugo stops itself on a fatal
			// error: it hands out no more pages to render.
			sites.FatalError(ctx.Err())
			cancelled = nil
		case <-stopped:
			seen = written.count()
			stuck = time.After(grace)
			stopped = nil
		case <-stuck:
			if n := written.count(); n != seen {
				seen = n
				stuck = time.After(grace)
				continue
			}
			return nil, &stuckError{listed: listedPages(sites)}
		}
	}
	capture.flush()
	// Hugo's build has ended: a site that is not handed on is closed, so
	// that its caches and their goroutines go with it.
	switch n := logger.LoggCount(logg.LevelError); {
	case ctx.Err() != nil:
		sites.Close()
		return nil, ctx.Err()
	case err != nil:
		sites.Close()
		return nil, convert(src, capture, err)
	case n > 0:
		sites.Close()
		return nil, convert(src, capture, fmt.Errorf("logged %d error(s)", n))
	}
	return &Site{BaseURL: base, Hugo: sites, Files: written.Fs}, nil
}

// Close ends Hugo's model of the site (its caches and the goroutines that
// keep them) once no rule needs it; the output tree stays.
func (s *Site) Close() error { return s.Hugo.Close() }

// listedPages is how many pages Hugo lists in a stuck build, or 0 if
// Hugo cannot say within a second.
func listedPages(sites *hugolib.HugoSites) int {
	n := make(chan int, 1)
	go func() { n <- len(sites.Pages()) }()
	select {
	case listed := <-n:
		return listed
	case <-time.After(time.Second):
		return 0
	}
}

// newTree makes the output tree Hugo writes into. Hugo writes with paths
// from the publish folder's root, like /es/index.html; the later stages
// read them as es/index.html. A tree rooted at / serves both.
var newTree = func() afero.Fs { return afero.NewBasePathFs(afero.NewMemMapFs(), "/") }

// counter is Hugo's publish file system, counting the files Hugo opens
// for writing, so that Render can tell a build that stopped making
// progress.
type counter struct {
	afero.Fs
	written atomic.Int64
}

// count is how many files Hugo has opened for writing so far.
func (w *counter) count() int64 { return w.written.Load() }

func (w *counter) Create(name string) (afero.File, error) {
	return w.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (w *counter) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		w.written.Add(1)
	}
	return w.Fs.OpenFile(name, flag, perm)
}

// logCapture collects what Hugo logs, entry by entry, from the logger's
// hook: errors are kept, to be reported as diag errors; warnings are kept
// as Hugo prints them, for forward.
type logCapture struct {
	mu      sync.Mutex
	errors  []string // the first line of each error's message, in order
	warns   bytes.Buffer
	forward io.Writer
}

// entry is the logger's hook; Hugo has already trimmed the message.
func (c *logCapture) entry(e *logg.Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.Level >= logg.LevelError {
		msg, _, _ := strings.Cut(e.Message, "\n")
		c.errors = append(c.errors, msg)
		return nil
	}
	fmt.Fprintf(&c.warns, "%-5s %s", levelName(e.Level), e.Message)
	for _, f := range e.Fields {
		if !strings.HasPrefix(f.Name, hugoFieldPrefix) {
			fmt.Fprintf(&c.warns, " %s %v", f.Name, f.Value)
		}
	}
	c.warns.WriteByte('\n')
	return nil
}

// hugoFieldPrefix starts the names of the fields Hugo keeps for itself,
// which its own log leaves out.
var hugoFieldPrefix = strings.TrimSuffix(loggers.FieldNameCmd, "_cmd")

func levelName(l logg.Level) string {
	switch l {
	case logg.LevelWarn:
		return "WARN"
	case logg.LevelInfo:
		return "INFO"
	}
	return strings.ToUpper(l.String())
}

// flush passes the warnings on to forward.
func (c *logCapture) flush() {
	if c.forward == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forward.Write(c.warns.Bytes())
	c.warns.Reset()
}

// logged returns the errors Hugo logged.
func (c *logCapture) logged() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.errors)
}

// Hugo's positions look like "/abs/path/file.md:12:3" or
// `"/abs/path/file.md:12:3"`; sometimes just a path.
var posRe = regexp.MustCompile(`"?((?:/|[A-Za-z]:\\)[^":\s]+?)(?::(\d+)(?::(\d+))?)?"?:\s`)

// convert turns Hugo's errors into a diag.List with paths relative to
// src: first the file errors (herrors.FileError) in err, each reported at
// its innermost position; then the errors Hugo only logged (like a
// template's errorf), as the logger's hook kept them; and when there are
// neither, err's own text.
func convert(src string, c *logCapture, err error) error {
	list := fileErrors(src, err)
	for _, msg := range c.logged() {
		list = append(list, parse(src, msg))
	}
	if len(list) == 0 && err != nil {
		list = append(list, parse(src, err.Error()))
	}
	if len(list) == 0 {
		return &diag.Error{Msg: "hugo: the build failed without saying why"}
	}
	return dedupe(list)
}

// fileErrors reports each error Hugo returned with a file position at the
// innermost one: a failing partial inside a template inside a page is
// reported in the partial. The message is the root cause, without the
// template machinery's wrapping.
func fileErrors(src string, err error) diag.List {
	var list diag.List
	for _, e := range herrors.Errors(err) {
		fes := herrors.UnwrapFileErrors(e)
		if len(fes) == 0 {
			continue
		}
		fe := fes[len(fes)-1]
		pos := fe.Position()
		cause := herrors.Cause(fe).Error()
		d := &diag.Error{File: diag.Rel(src, pos.Filename), Line: pos.LineNumber, Col: pos.ColumnNumber, Msg: cleanMsg(src, cause)}
		// Hugo parses a page template together with baseof.html and
		// places a syntax error in baseof.html; the parser's own message
		// names the template that has it.
		if m := parseErrRe.FindStringSubmatch(cause); m != nil {
			name := filepath.Join("layouts", m[1])
			if _, err := os.Stat(filepath.Join(src, name)); err == nil {
				d.File, d.Col = name, 0
				d.Line, _ = strconv.Atoi(m[2])
			}
		}
		list = append(list, d)
	}
	return list
}

// parse finds the innermost (last) file position in a Hugo message and
// keeps the most specific explanation.
func parse(src, msg string) *diag.Error {
	msg = strings.TrimSpace(msg)
	e := &diag.Error{}
	// Hugo nests errors: the outermost template first, the cause last. Of
	// every position in the message, file paths and template names alike,
	// the last is the innermost, so it is the one to report.
	end := -1
	for _, m := range posRe.FindAllStringSubmatchIndex(msg, -1) {
		path := msg[m[2]:m[3]]
		if !strings.HasPrefix(path, src) || m[0] < end {
			continue
		}
		end = m[0]
		e.File, e.Line, e.Col = diag.Rel(src, path), atoi(msg, m[4], m[5]), atoi(msg, m[6], m[7])
		e.Msg = msg[m[1]:]
	}
	for _, m := range tmplRe.FindAllStringSubmatchIndex(msg, -1) {
		name := filepath.Join("layouts", msg[m[2]:m[3]])
		if m[0] < end {
			continue
		}
		if _, err := os.Stat(filepath.Join(src, name)); err != nil {
			continue
		}
		end = m[0]
		e.File, e.Line, e.Col = name, atoi(msg, m[4], m[5]), atoi(msg, m[6], m[7])
		e.Msg = msg[m[1]:]
	}
	if e.File == "" {
		e.Msg = msg
	}
	e.Msg = cleanMsg(src, e.Msg)
	return e
}

func atoi(s string, a, b int) int {
	if a < 0 {
		return 0
	}
	n, _ := strconv.Atoi(s[a:b])
	return n
}

var (
	// A template syntax error: "template: page.html:2: unexpected ...".
	parseErrRe = regexp.MustCompile(`^template: ([\w./-]+\.\w+):(\d+): `)
	// A template position: "template: _partials/nav.html:5:16: ".
	tmplRe    = regexp.MustCompile(`template: ([\w./-]+\.\w+):(\d+)(?::(\d+))?: `)
	yamlPosRe = regexp.MustCompile(`^\[\d+:\d+\] `)
	// A message raised by our own templates already starts with a position.
	ownPosRe = regexp.MustCompile(`^"?[^"\s:]+\.\w+:\d+:\d+"?: `)
)

var noiseRe = regexp.MustCompile(`^(?:error calling errorf: |execute of template failed: |template: [^:]+:\d+(?::\d+)?: |executing "[^"]*" at <[^>]*>: |failed to render shortcode "[^"]*": |failed to process shortcode: )+`)

func cleanMsg(src, m string) string {
	m = strings.ReplaceAll(m, src+string(filepath.Separator), "")
	// Keep the first line: YAML errors append a source excerpt.
	if i := strings.IndexByte(m, '\n'); i >= 0 {
		m = m[:i]
	}
	m = yamlPosRe.ReplaceAllString(strings.TrimSpace(m), "")
	for {
		n := noiseRe.ReplaceAllString(m, "")
		if n == m {
			break
		}
		m = n
	}
	if mm := ownPosRe.FindString(m); mm != "" {
		m = strings.TrimPrefix(m, mm)
	}
	return m
}

func dedupe(l diag.List) diag.List {
	seen := map[string]bool{}
	var out diag.List
	for _, e := range l {
		k := e.Error()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

// Package render is the build stage after the content check: it runs Hugo, as
// a library, over the site's source directory and writes the rendered,
// minified site into a staging directory.
//
// Hugo returns most problems as structured file errors (herrors.FileError)
// with a position; Render reports each at its innermost position. A
// problem a template raises with errorf is only logged, as text, so Render
// also captures Hugo's log and turns each logged error into a diag.Error.
// Every path is relative to the source.
package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/herrors"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/diag"
)

// Inputs lists what, under the source folder, a build reads: the config
// file first, then the folders.
var Inputs = []string{"hugo.toml", "content", "layouts", "assets", "data", "i18n"}

// Options says what to render and where.
type Options struct {
	// Source is the site's directory (hugo.toml, content/, layouts/, ...).
	Source string
	// Dest is the directory Hugo writes into. It should be empty or absent.
	Dest string
	// Environment is Hugo's environment: "production" (default) or
	// "development" for live preview.
	Environment string
	// Log receives Hugo's warnings, if not nil.
	Log io.Writer
}

// Site is what the render produced, for later stages.
type Site struct {
	// Params is the site's [params] table.
	Params map[string]any
	// Languages lists language codes, default first.
	Languages []string
	// Title is the site's title per language code.
	Title map[string]string
	// Hugo is Hugo's model of the built site, for the rules that check it.
	Hugo *hugolib.HugoSites
}

// CheckSource says what is wrong with source as a site's source folder:
// that it is not a folder, or has no hugo.toml.
func CheckSource(source string) error {
	if fi, err := os.Stat(source); err != nil || !fi.IsDir() {
		return &diag.Error{File: source, Msg: "the source directory does not exist"}
	}
	if _, err := os.Stat(filepath.Join(source, "hugo.toml")); err != nil {
		return &diag.Error{File: "hugo.toml", Msg: "missing: the source directory has no hugo.toml (is -source the guide's folder?)"}
	}
	return nil
}

// Render renders opts.Source into opts.Dest.
func Render(opts Options) (*Site, error) {
	src, err := filepath.Abs(opts.Source)
	if err != nil {
		return nil, err
	}
	dst, err := filepath.Abs(opts.Dest)
	if err != nil {
		return nil, err
	}
	if err := CheckSource(opts.Source); err != nil {
		return nil, err
	}
	env := opts.Environment
	if env == "" {
		env = "production"
	}

	capture := &logCapture{forward: opts.Log}
	defer capture.flush()
	var w io.Writer = capture
	logger := loggers.New(loggers.Options{
		Level:         logg.LevelWarn,
		StdOut:        io.Discard,
		StdErr:        w,
		DistinctLevel: logg.LevelWarn,
	})

	flags := config.New()
	flags.Set("workingDir", src)
	flags.Set("publishDir", dst)
	flags.Set("environment", env)
	flags.Set("noBuildLock", true)

	osFs := afero.NewOsFs()
	cfgs, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          osFs,
		Logger:      logger,
		Environment: env,
		Environ:     []string{},
		Filename:    filepath.Join(src, "hugo.toml"),
	})
	if err != nil {
		return nil, convert(src, capture, err)
	}
	fs := hugofs.NewFrom(osFs, cfgs.LoadingInfo.BaseConfig)
	sites, err := hugolib.NewHugoSites(deps.DepsCfg{
		Configs:  cfgs,
		Fs:       fs,
		LogLevel: logger.Level(),
		StdErr:   logger.StdErr(),
	})
	if err != nil {
		return nil, convert(src, capture, err)
	}
	if err := sites.Build(hugolib.BuildCfg{}); err != nil {
		return nil, convert(src, capture, err)
	}
	if n := capture.errorCount(); n > 0 {
		return nil, convert(src, capture, fmt.Errorf("logged %d error(s)", n))
	}

	site := &Site{Params: map[string]any{}, Title: map[string]string{}, Hugo: sites}
	for k, v := range sites.Sites[0].Params() {
		site.Params[k] = v
	}
	for _, s := range sites.Sites {
		lang := s.Language().Lang
		site.Languages = append(site.Languages, lang)
		site.Title[lang] = s.Title()
	}
	return site, nil
}

// logCapture collects what Hugo logs.
// Errors are kept to be reported as diag errors; anything else (warnings)
// goes on to forward.
type logCapture struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	forward io.Writer
}

func (c *logCapture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

// flush passes every logged entry that is not an error on to forward.
func (c *logCapture) flush() {
	if c.forward == nil {
		return
	}
	isErr := false
	for _, l := range c.lines() {
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "ERROR ") {
			isErr = true
		} else if strings.HasPrefix(l, "WARN ") || strings.HasPrefix(l, "INFO ") {
			isErr = false
		}
		if !isErr {
			fmt.Fprintln(c.forward, l)
		}
	}
}

func (c *logCapture) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Split(c.buf.String(), "\n")
}

func (c *logCapture) errorCount() int {
	n := 0
	for _, l := range c.lines() {
		if strings.HasPrefix(l, "ERROR ") {
			n++
		}
	}
	return n
}

// Hugo's positions look like "/abs/path/file.md:12:3" or
// `"/abs/path/file.md:12:3"`; sometimes just a path.
var posRe = regexp.MustCompile(`"?((?:/|[A-Za-z]:\\)[^":\s]+?)(?::(\d+)(?::(\d+))?)?"?:\s`)

// convert turns Hugo's errors into a diag.List with paths relative to
// src: first the file errors (herrors.FileError) in err, each reported at
// its innermost position; then the problems Hugo only logged (like a
// template's errorf), which exist only as text; and when there are
// neither, err's own text.
func convert(src string, c *logCapture, err error) error {
	list := fileErrors(src, err)
	for _, l := range c.lines() {
		if !strings.HasPrefix(l, "ERROR ") {
			continue
		}
		list = append(list, parse(src, strings.TrimPrefix(l, "ERROR ")))
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

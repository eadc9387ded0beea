// Package render is the first stage of the guide's build: it runs Hugo, as
// a library, over the site's source directory and writes the rendered,
// minified site into a staging directory.
//
// Hugo logs each problem (with its file and line) to a writer and returns
// only "logged N error(s)"; Render captures that writer and turns each
// logged problem into a diag.Error whose path is relative to the source.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/diag"
)

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
	// Pages is the number of HTML pages rendered, all languages.
	Pages int
	// Params is the site's [params] table.
	Params map[string]any
	// Languages lists language codes, default first.
	Languages []string
	// Title, Description, ThemeColor and BackgroundColor per language code
	// (for the manifest).
	Title map[string]string
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
	if fi, err := os.Stat(src); err != nil || !fi.IsDir() {
		return nil, &diag.Error{File: opts.Source, Msg: "the source directory does not exist"}
	}
	if _, err := os.Stat(filepath.Join(src, "hugo.toml")); err != nil {
		return nil, &diag.Error{File: "hugo.toml", Msg: "missing: the source directory has no hugo.toml (is -source the guide's folder?)"}
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

	site := &Site{Params: map[string]any{}, Title: map[string]string{}}
	for k, v := range sites.Sites[0].Params() {
		site.Params[k] = v
	}
	for _, s := range sites.Sites {
		lang := s.Language().Lang
		site.Languages = append(site.Languages, lang)
		site.Title[lang] = s.Title()
		for _, p := range s.Pages() {
			if p.IsPage() || p.IsSection() || p.IsHome() {
				site.Pages++
			}
		}
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

// convert turns Hugo's logged errors (or, if none were logged, err itself)
// into a diag.List with paths relative to src.
func convert(src string, c *logCapture, err error) error {
	var list diag.List
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
		return errors.New("hugo: build failed")
	}
	return dedupe(list)
}

// parse finds the innermost (last) file position in a Hugo message and
// keeps the most specific explanation.
func parse(src, msg string) *diag.Error {
	msg = strings.TrimSpace(msg)
	e := &diag.Error{Msg: msg}
	ms := posRe.FindAllStringSubmatchIndex(msg, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		path := msg[m[2]:m[3]]
		if !strings.HasPrefix(path, src) {
			continue
		}
		e.File = diag.Rel(src, path)
		if m[4] >= 0 {
			e.Line, _ = strconv.Atoi(msg[m[4]:m[5]])
		}
		if m[6] >= 0 {
			e.Col, _ = strconv.Atoi(msg[m[6]:m[7]])
		}
		e.Msg = cleanMsg(src, msg[m[1]:])
		break
	}
	if e.File == "" {
		e.Msg = cleanMsg(src, msg)
	}
	// A template error names the template that failed more precisely than
	// the position Hugo gives (often the base template's).
	if m := tmplRe.FindStringSubmatch(msg); m != nil && (e.File == "" || strings.HasPrefix(e.File, "layouts")) {
		if _, err := os.Stat(filepath.Join(src, "layouts", m[1])); err == nil {
			e.File = filepath.Join("layouts", m[1])
			e.Line, _ = strconv.Atoi(m[2])
			e.Col = 0
			if m[3] != "" {
				e.Col, _ = strconv.Atoi(m[3])
			}
			e.Msg = strings.TrimSpace(m[4])
		}
	}
	return e
}

var (
	tmplRe    = regexp.MustCompile(`template: ([\w./-]+\.\w+):(\d+)(?::(\d+))?: (.*)$`)
	yamlPosRe = regexp.MustCompile(`^\[\d+:\d+\] `)
)

var noiseRe = regexp.MustCompile(`^(?:error calling errorf: |execute of template failed: |template: [^:]+:\d+:\d+: executing "[^"]*" at <[^>]*>: |failed to render shortcode "[^"]*": |failed to process shortcode: )+`)

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
	// A message raised by our own templates already starts with a position.
	if mm := regexp.MustCompile(`^"?[^"\s:]+\.\w+:\d+:\d+"?: `).FindString(m); mm != "" {
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

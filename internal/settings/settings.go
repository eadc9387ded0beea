// Package settings reads the site's hugo.toml once per build, through
// Hugo's own config loader, checks it, and hands each stage what it needs
// from it: Hugo's configuration for render; the languages and the
// markdown setup ([markup]) for lint; the guide's address, from hugo.toml
// or the -base-url flag (CheckBaseURL); and, typed in Guide, every
// setting of [params.guide] (lint limits, byte budgets,
// savedCopyMaxAgeDays) and params.themeColor, backgroundColor and csp.
// This package is the one place those settings are checked: each problem
// is an error at its line of hugo.toml, with the key spelt as written
// there, and a key [params.guide] does not know is an error too. Line
// finds any key's line, for other stages' messages. CheckSource says
// whether a folder is a site's source at all.
package settings

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/herrors"
	"github.com/gohugoio/hugo/common/loggers"
	hconfig "github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/helpers"
	"github.com/gohugoio/hugo/markup/converter"
	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/diag"
)

// ErrNotGoldmark is a markdown handler the content check cannot read.
var ErrNotGoldmark = errors.New("the markdown handler in [markup] cannot be checked; use goldmark")

// File is the site's config file, relative to its source folder.
const File = "hugo.toml"

// Options says which site to read and how Hugo will build it.
type Options struct {
	Source string // the site's folder, absolute
	// Environment is Hugo's environment; "" means "production".
	Environment string
	// BaseURL, if set, overrides baseURL in hugo.toml.
	BaseURL string
	// Log receives the warnings Hugo logs while it reads the config, if
	// not nil.
	Log io.Writer
}

// Site is the site's configuration, read once.
type Site struct {
	Source string // the site's folder, absolute
	// Hugo is Hugo's own configuration of the site, for render.
	Hugo *allconfig.Configs
	// DefaultLang is defaultContentLanguage, lower case.
	DefaultLang string
	// Langs are the site's languages, lower case and sorted.
	Langs []string
	// Markdown is Hugo's markdown converter, set up by [markup] as Hugo
	// sets it up to render pages, for the content check to parse pages
	// with. One converter serves every page: each Parse has its own
	// parser context.
	Markdown converter.ParseRenderer
	// BaseURL is the guide's public address (absolute, ending in /) from
	// Options.BaseURL or hugo.toml, or "" when baseURL is "/": not known.
	BaseURL string
	// Guide is [params.guide] and the other [params] the guide reads,
	// checked.
	Guide Guide

	file []byte // hugo.toml as it is
}

// Load reads hugo.toml in opts.Source through Hugo's config loader, as
// Hugo reads it (keys in any case, HUGO_ variables from the environment
// left out, so that check and build see one config), and checks it. A
// site with no hugo.toml gets Hugo's defaults, and errors for the params
// the guide needs. A problem is a *diag.Error at its line of hugo.toml,
// or, for a bad opts.BaseURL, one naming the -base-url flag, found
// before anything is read.
func Load(opts Options) (*Site, error) {
	if opts.BaseURL != "" {
		if err := CheckBaseURL(opts.BaseURL); err != nil {
			return nil, &diag.Error{File: "-base-url", Msg: err.Error()}
		}
	}
	file := filepath.Join(opts.Source, File)
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, &diag.Error{File: File, Msg: "cannot read the site config: " + diag.Cause(err).Error()}
	}
	env := opts.Environment
	if env == "" {
		env = "production"
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	logger := loggers.New(loggers.Options{Level: logg.LevelWarn, StdOut: io.Discard, StdErr: log, DistinctLevel: logg.LevelWarn})
	flags := hconfig.New()
	flags.Set("workingDir", opts.Source)
	flags.Set("environment", env)
	flags.Set("noBuildLock", true)
	if opts.BaseURL != "" {
		flags.Set("baseURL", opts.BaseURL)
	}
	desc := allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          afero.NewOsFs(),
		Logger:      logger,
		Environment: env,
		Environ:     []string{},
	}
	if err == nil {
		desc.Filename = file
	}
	cfgs, err := allconfig.LoadConfig(desc)
	if err != nil {
		e := &diag.Error{File: File, Rule: "config", Msg: "invalid: " + herrors.Cause(err).Error()}
		if fe := herrors.UnwrapFileError(err); fe != nil {
			e.Line, e.Col = fe.Position().LineNumber, fe.Position().ColumnNumber
		}
		return nil, e
	}
	s := &Site{Source: opts.Source, Hugo: cfgs, DefaultLang: "en", file: data}
	var errs diag.List
	// Hugo's base URL is -base-url when it is set (checked above), or
	// hugo.toml's.
	if base := cfgs.Base.BaseURL; base != "/" && base != "" {
		if err := CheckBaseURL(base); err != nil {
			errs = append(errs, &diag.Error{File: File, Line: s.Line("baseURL"), Rule: "config", Msg: "baseURL " + err.Error() + `; or "/" when the guide's address is not known`})
		}
		s.BaseURL = base
	}
	guide, problems := s.readGuide()
	if errs = append(errs, problems...); len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	s.Guide = guide
	s.setSavedCopyMaxAgeDays(guide.SavedCopyMaxAgeDays)
	if l := cfgs.Base.DefaultContentLanguage; l != "" {
		s.DefaultLang = strings.ToLower(l)
	}
	langs := map[string]bool{s.DefaultLang: true}
	for k := range cfgs.LanguageConfigMap {
		langs[strings.ToLower(k)] = true
	}
	for l := range langs {
		s.Langs = append(s.Langs, l)
	}
	sort.Strings(s.Langs)
	spec, err := helpers.NewContentSpec(cfgs.GetFirstLanguageConfig(), logger, nil, nil)
	if err != nil {
		return nil, &diag.Error{File: File, Rule: "config", Msg: "invalid [markup]: " + herrors.Cause(err).Error()}
	}
	provider := spec.Converters.Get("markdown")
	if provider == nil {
		return nil, &diag.Error{File: File, Rule: "config", Msg: "[markup] names no markdown handler"}
	}
	conv, err := provider.New(converter.DocumentContext{})
	if err != nil {
		return nil, &diag.Error{File: File, Rule: "config", Msg: "invalid [markup]: " + diag.Cause(err).Error()}
	}
	var ok bool
	if s.Markdown, ok = conv.(converter.ParseRenderer); !ok {
		return nil, &diag.Error{File: File, Rule: "config", Msg: ErrNotGoldmark.Error()}
	}
	return s, nil
}

// CheckBaseURL says what is wrong with a base URL given to the build: it
// must be an absolute http or https address that ends in "/", like
// https://example.org/okc/guide/. The guide's links stay relative; the
// base makes the addresses that must be absolute (canonical links,
// hreflang alternates, sitemaps, link previews).
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("%q must be an absolute http or https address, like https://example.org/okc/guide/", s)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#"):
		return fmt.Errorf("%q must not have a query or fragment", s)
	case !strings.HasSuffix(u.Path, "/"):
		return fmt.Errorf("%q must end in / (the guide's folder), like %s/", s, s)
	}
	return nil
}

// CheckSource says what is wrong with source as a site's source folder:
// that it is not a folder, or has no hugo.toml.
func CheckSource(source string) error {
	if fi, err := os.Stat(source); err != nil || !fi.IsDir() {
		return &diag.Error{File: source, Msg: "the source directory does not exist"}
	}
	if _, err := os.Stat(filepath.Join(source, File)); err != nil {
		return &diag.Error{File: File, Msg: "missing: the source directory has no hugo.toml (is -source the guide's folder?)"}
	}
	return nil
}

// Line is the line of hugo.toml that sets the key at keys, like
// Line("params", "guide", "budgets", "pageGzip"), or 0.
func (s *Site) Line(keys ...string) int {
	return diag.TOMLLine(s.file, keys...)
}

package lint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/gohugoio/hugo/common/herrors"
	"github.com/gohugoio/hugo/common/hmaps"
	"github.com/gohugoio/hugo/common/loggers"
	hconfig "github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/helpers"
	"github.com/gohugoio/hugo/markup/converter"
	"github.com/spf13/afero"
	"github.com/yuin/goldmark/ast"

	"github.com/okcguide/guide/internal/diag"
)

const configFile = "hugo.toml"

// config is what the linter reads from hugo.toml.
type config struct {
	MaxGrade    float64         // [params.guide.lint] maxGrade
	MaxAgeDays  int             // [params.guide.lint] maxAgeDays
	DefaultLang string          // defaultContentLanguage
	Langs       map[string]bool // the keys of [languages]
	// markdown is Hugo's markdown converter, set up by [markup] as Hugo
	// sets it up to render the pages.
	markdown converter.Provider
}

// parse parses a page's body with Hugo's own markdown setup.
func (c config) parse(body []byte) (ast.Node, error) {
	conv, err := c.markdown.New(converter.DocumentContext{})
	if err != nil {
		return nil, err
	}
	pr, ok := conv.(converter.ParseRenderer)
	if !ok {
		return nil, errors.New("the markdown handler in [markup] cannot be checked; use goldmark")
	}
	res, err := pr.Parse(converter.RenderContext{Src: body})
	if err != nil {
		return nil, err
	}
	doc, ok := res.Doc().(ast.Node)
	if !ok {
		return nil, errors.New("the markdown handler in [markup] cannot be checked; use goldmark")
	}
	return doc, nil
}

// Defaults used when hugo.toml does not set a value.
const (
	defaultMaxGrade   = 8.0
	defaultMaxAgeDays = 365
)

// loadConfig reads hugo.toml through Hugo's own config loader, so the
// linter sees the settings Hugo will (keys in any case, HUGO_ variables
// from the environment included). A missing file gives the defaults.
func loadConfig(src string) (config, error) {
	cfg := config{MaxGrade: defaultMaxGrade, MaxAgeDays: defaultMaxAgeDays, DefaultLang: "en", Langs: map[string]bool{}}
	file := filepath.Join(src, configFile)
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return cfg, &diag.Error{File: configFile, Msg: "cannot read the site config: " + diag.Cause(err).Error()}
	}
	desc := allconfig.ConfigSourceDescriptor{
		Flags:   hconfig.New(),
		Fs:      afero.NewOsFs(),
		Environ: []string{}, // as render reads it: check and build see one config
		Logger:  loggers.NewDefault(),
	}
	desc.Flags.Set("workingDir", src)
	if err == nil {
		desc.Filename = file
	}
	cfgs, err := allconfig.LoadConfig(desc)
	if err != nil {
		e := &diag.Error{File: configFile, Rule: "config", Msg: "invalid: " + herrors.Cause(err).Error()}
		if fe := herrors.UnwrapFileError(err); fe != nil {
			e.Line, e.Col = fe.Position().LineNumber, fe.Position().ColumnNumber
		}
		return cfg, e
	}
	spec, err := helpers.NewContentSpec(cfgs.GetFirstLanguageConfig(), desc.Logger, nil, nil)
	if err != nil {
		return cfg, &diag.Error{File: configFile, Rule: "config", Msg: "invalid [markup]: " + herrors.Cause(err).Error()}
	}
	cfg.markdown = spec.Converters.Get("markdown")
	if cfg.markdown == nil {
		return cfg, &diag.Error{File: configFile, Rule: "config", Msg: "[markup] names no markdown handler"}
	}
	if s := cfgs.Base.DefaultContentLanguage; s != "" {
		cfg.DefaultLang = strings.ToLower(s)
	}
	cfg.Langs[cfg.DefaultLang] = true
	for k := range cfgs.LanguageConfigMap {
		cfg.Langs[strings.ToLower(k)] = true
	}
	lint := get(cfgs.Base.Params, "guide", "lint")
	bad := func(key, want string) error {
		return &diag.Error{File: configFile, Line: diag.TOMLLine(data, "params", "guide", "lint", key), Rule: "config", Msg: "[params.guide.lint] " + key + " must be " + want}
	}
	switch v := get(lint, "maxGrade").(type) {
	case nil:
	case int64:
		cfg.MaxGrade = float64(v)
	case int:
		cfg.MaxGrade = float64(v)
	case float64:
		cfg.MaxGrade = v
	default:
		return cfg, bad("maxGrade", "a number, like 8.0")
	}
	switch v := get(lint, "maxAgeDays").(type) {
	case nil:
	case int64:
		cfg.MaxAgeDays = int(v)
	case int:
		cfg.MaxAgeDays = v
	default:
		return cfg, bad("maxAgeDays", "a whole number of days, like 365")
	}
	if cfg.MaxGrade <= 0 {
		return cfg, bad("maxGrade", "above 0")
	}
	if cfg.MaxAgeDays <= 0 {
		return cfg, bad("maxAgeDays", "above 0")
	}
	return cfg, nil
}

// get follows keys through nested tables, matching each key without regard
// to case, and returns nil when one is missing.
func get(m any, keys ...string) any {
	v := m
	for _, k := range keys {
		var t map[string]any
		switch m := v.(type) {
		case map[string]any:
			t = m
		case hmaps.Params: // Hugo's config tables
			t = m
		default:
			return nil
		}
		v = nil
		for kk, vv := range t {
			if strings.EqualFold(kk, k) {
				v = vv
				break
			}
		}
	}
	return v
}

package lint

import (
	"github.com/gohugoio/hugo/markup/converter"
	"github.com/yuin/goldmark/ast"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
)

// config is what the linter takes from the site's settings.
type config struct {
	MaxGrade    float64                 // [params.guide.lint] maxGrade
	MaxAgeDays  int                     // [params.guide.lint] maxAgeDays
	DefaultLang string                  // defaultContentLanguage
	Langs       map[string]bool         // the site's languages
	markdown    converter.ParseRenderer // settings.Site.Markdown
}

// Defaults used when hugo.toml does not set a value.
const (
	defaultMaxGrade   = 8.0
	defaultMaxAgeDays = 365
)

// parse parses a page's body with Hugo's own markdown setup.
func (c config) parse(body []byte) (ast.Node, error) {
	res, err := c.markdown.Parse(converter.RenderContext{Src: body})
	if err != nil {
		return nil, err
	}
	doc, ok := res.Doc().(ast.Node)
	if !ok {
		return nil, settings.ErrNotGoldmark
	}
	return doc, nil
}

// lintConfig reads [params.guide.lint] and what else the linter needs from
// the site's settings. A bad value is an error at its line of hugo.toml.
func lintConfig(site *settings.Site) (config, error) {
	cfg := config{MaxGrade: defaultMaxGrade, MaxAgeDays: defaultMaxAgeDays, DefaultLang: site.DefaultLang, Langs: map[string]bool{}, markdown: site.Markdown}
	for _, l := range site.Langs {
		cfg.Langs[l] = true
	}
	bad := func(key, want string) error {
		return &diag.Error{File: settings.File, Line: site.Line("params", "guide", "lint", key), Rule: "config", Msg: "[params.guide.lint] " + key + " must be " + want}
	}
	if err := site.CheckKeys("lint", "maxGrade", "maxAgeDays"); err != nil {
		return cfg, err
	}
	switch v := site.Guide("lint", "maxGrade").(type) {
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
	switch v := site.Guide("lint", "maxAgeDays").(type) {
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

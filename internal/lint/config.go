package lint

import (
	"github.com/gohugoio/hugo/markup/converter"
	"github.com/yuin/goldmark/ast"

	"github.com/okcguide/guide/internal/settings"
)

// config is what the linter takes from the site's settings, which has
// checked it.
type config struct {
	settings.Lint                         // [params.guide.lint]: MaxGrade, MaxAgeDays
	DefaultLang   string                  // defaultContentLanguage
	Langs         map[string]bool         // the site's languages
	markdown      converter.ParseRenderer // settings.Site.Markdown
}

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

// lintConfig takes what the linter needs from the site's settings.
func lintConfig(site *settings.Site) config {
	cfg := config{Lint: site.Guide.Lint, DefaultLang: site.DefaultLang, Langs: map[string]bool{}, markdown: site.Markdown}
	for _, l := range site.Langs {
		cfg.Langs[l] = true
	}
	return cfg
}

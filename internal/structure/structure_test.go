package structure_test

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/lint"
	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
	"github.com/okcguide/guide/internal/structure"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar from what Check reports")

// check renders the real site with the archive's files written over it
// and returns what Check reports, one line each.
func check(t *testing.T, archive string) string {
	t.Helper()
	src := sitetest.Site(t, archive)
	cfg, err := settings.Load(settings.Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	// The pages' outlines come from lint's parse, as in a build; lint's
	// own problems (a typed number, say) are not this test's.
	res, err := lint.Run(lint.Options{Site: cfg})
	if err != nil {
		t.Fatal(err)
	}
	site, err := render.Render(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := structure.Check(site.Hugo, cfg, res.Outlines)
	errs.Sort()
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

func TestRealSiteKeepsTheShape(t *testing.T) {
	if got := check(t, ""); got != "" {
		t.Errorf("the real site's translations differ:\n%s", got)
	}
}

// Each testdata/NAME.txtar holds pages written over the real site and the
// "want" lines Check reports for them.
func TestFixtures(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "*.txtar"), *update, func(t *testing.T, _ []byte, pages *txtar.Archive) string {
		return check(t, string(txtar.Format(pages)))
	})
}

package structure_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/sitetest"
	"github.com/okcguide/guide/internal/structure"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar from what Check reports")

// check renders the real site with the archive's files written over it
// and returns what Check reports, one line each.
func check(t *testing.T, archive string) string {
	t.Helper()
	src := sitetest.Site(t, archive)
	site, err := render.Render(render.Options{Source: src, Dest: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	errs := structure.Check(site.Hugo, src)
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
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if len(files) == 0 {
		t.Fatal("no testdata/*.txtar")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var pages txtar.Archive
			var want *txtar.File
			for i, f := range a.Files {
				if f.Name == "want" {
					want = &a.Files[i]
				} else {
					pages.Files = append(pages.Files, f)
				}
			}
			if want == nil {
				t.Fatalf("%s has no want file", file)
			}
			got := check(t, string(txtar.Format(&pages)))
			if *update {
				want.Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if got != string(want.Data) {
				t.Errorf("%s: Check reported:\n%s\nwant:\n%s", file, got, want.Data)
			}
		})
	}
}

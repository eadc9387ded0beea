package lint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/render"
)

// The linter's heading ids are the ids Hugo writes: render a site with odd
// headings through Hugo and compare every one.
func TestHeadingIDsMatchHugo(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "heading-ids.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	src := fixtureSite(t, a)
	out := filepath.Join(t.TempDir(), "out")
	if _, err := render.Render(render.Options{Source: src, Dest: out}); err != nil {
		t.Fatal(err)
	}
	l := &linter{src: src, pages: map[string]*page{}}
	if l.cfg, err = loadConfig(src); err != nil {
		t.Fatal(err)
	}
	if l.phones, err = loadPhones(src); err != nil {
		t.Fatal(err)
	}
	for file, built := range map[string]string{"content/ids.md": "ids.html", "content/ids.es.md": "es/ids.html"} {
		p := l.read(file)
		if p.doc == nil {
			t.Fatalf("%s: not parsed: %v", file, l.errs)
		}
		var mine []string
		for id := range p.ids {
			mine = append(mine, id)
		}
		sort.Strings(mine)
		hugo := builtIDs(t, filepath.Join(out, built))
		if strings.Join(mine, "\n") != strings.Join(hugo, "\n") {
			t.Errorf("%s: the linter's ids:\n  %s\nHugo's ids:\n  %s", file, strings.Join(mine, "\n  "), strings.Join(hugo, "\n  "))
		}
		if len(hugo) < 3 {
			t.Errorf("%s: Hugo wrote only %d heading ids", built, len(hugo))
		}
	}
}

// builtIDs returns the ids of the h2–h6 headings in an HTML file's <main>
// (the page's content, not the site's navigation), sorted.
func builtIDs(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var walk func(n *html.Node, inMain bool)
	walk = func(n *html.Node, inMain bool) {
		inMain = inMain || n.Type == html.ElementNode && n.Data == "main"
		if inMain && n.Type == html.ElementNode && len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '2' && n.Data[1] <= '6' {
			for _, a := range n.Attr {
				if a.Key == "id" {
					ids = append(ids, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inMain)
		}
	}
	walk(doc, false)
	sort.Strings(ids)
	return ids
}

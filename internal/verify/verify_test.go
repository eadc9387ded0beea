package verify_test

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
	"github.com/okcguide/guide/internal/verify"
)

// budgets are the byte budgets hugo.toml sets.
var budgets = settings.Budgets{PageGzip: 14 * 1024, JSGzip: 6 * 1024, Precache: 300 * 1024}

const head = `<!doctype html><html lang=en><head><meta http-equiv=Content-Security-Policy content="default-src 'self'; object-src 'none'"><title>T</title><link rel=stylesheet href=%CSS%></head><body>`

// tree writes a txtar archive into a new folder. %HEAD% in a file stands for
// a valid page head, with %CSS% the stylesheet path from that page.
func tree(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		css := strings.Repeat("../", strings.Count(f.Name, "/")) + "main.css"
		data := strings.ReplaceAll(string(f.Data), "%HEAD%", strings.ReplaceAll(head, "%CSS%", css))
		p := filepath.Join(dir, f.Name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const good = `
-- main.css --
body{color:#000}
-- index.html --
%HEAD%<h1 id=top>Home</h1><a href=about.html#who>About</a> <a href=es/>Español</a> <a href=tel:+14052971212>Call</a> <a href=https://www.okc.gov/ rel="noopener noreferrer">City</a><script defer src=app.js></script>
-- about.html --
%HEAD%<h1>About</h1><h2 id=who>Who</h2><a href=index.html#top>Home</a>
-- es/index.html --
%HEAD%<h1>Inicio</h1><a href=../index.html>English</a>
-- app.js --
console.log(1)
`

func TestGoodTree(t *testing.T) {
	r, err := verify.Check(os.DirFS(tree(t, good)), []string{"index.html", "main.css"}, budgets, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Pages != 3 || r.Files != 5 || r.LargestGzip <= 0 || r.JSGzip <= 0 || r.PrecacheBytes <= 0 {
		t.Errorf("report: %+v", r)
	}
}

var update = flag.Bool("update", false, "rewrite the want files in testdata/problems/*.txtar from what verify reports")

// Each testdata/problems/NAME.txtar adds files (a bad.html) to the good
// tree; its "want" file holds every line verify reports. sitetest.Fixtures
// checks that bad.html gets one at least; here, each of them must be
// about bad.html.
func TestProblems(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "problems", "*.txtar"), *update, func(t *testing.T, _ []byte, added *txtar.Archive) string {
		got := checkAdded(t, added)
		for line := range strings.Lines(got) {
			if !strings.HasPrefix(line, "bad.html") {
				t.Errorf("a problem not on bad.html: %s", line)
			}
		}
		return got
	})
}

// checkAdded checks the good tree with the files of added, and returns
// every problem verify reports, one a line.
func checkAdded(t *testing.T, added *txtar.Archive) string {
	t.Helper()
	_, err := verify.Check(os.DirFS(tree(t, good+string(txtar.Format(added)))), nil, budgets, "")
	got := ""
	for _, e := range diag.AsList(err) {
		got += e.Error() + "\n"
	}
	return got
}

func TestBudgets(t *testing.T) {
	big := strings.Repeat("<p>Call the non-emergency line when no one is in danger, and have the address ready. ", 1)
	// Text that does not compress: letters from a fixed pseudo-random stream.
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 40000)
	for i := range noise {
		noise[i] = byte('a' + rng.IntN(26))
	}
	dir := tree(t, good+"-- big.html --\n%HEAD%<h1>x</h1>"+big+string(noise)+"\n")
	_, err := verify.Check(os.DirFS(dir), []string{"big.html", "app.js"}, settings.Budgets{PageGzip: 14 * 1024, JSGzip: 10, Precache: 1000}, "")
	if err == nil {
		t.Fatal("want budget errors")
	}
	for _, want := range []string{"big.html: budget: page with its CSS is", "app.js: budget: JavaScript is", "sw.js: budget: the precache list is"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "index.html: budget") {
		t.Error("a small page was reported over budget")
	}
	// A missing precache entry is an error too.
	if _, err := verify.Check(os.DirFS(dir), []string{"gone.css"}, settings.Budgets{}, ""); err == nil || !strings.Contains(err.Error(), "gone.css") {
		t.Errorf("want an error naming gone.css, got %v", err)
	}
}

// Each testdata/manifests/NAME.txtar adds files to the good tree; its
// "want" file holds every line verify reports.
func TestManifests(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "manifests", "*.txtar"), *update, func(t *testing.T, _ []byte, added *txtar.Archive) string {
		return checkAdded(t, added)
	})
}

package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/contacts"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/publish"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// build builds the site in src into a new folder and returns it.
func build(t *testing.T, src string) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest}); err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	return dest
}

var realSite struct {
	dir  string
	tree map[string][]byte
}

// real builds the repository's own site once per test binary.
func real(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	if realSite.dir == "" {
		dir := build(t, sitetest.CopySite(t))
		// t.TempDir is removed after the first test; keep a copy alive.
		keep, err := os.MkdirTemp("", "guide-real-")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(keep, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		realSite.dir = keep
		realSite.tree = sitetest.ReadTree(t, keep)
	}
	return realSite.dir, realSite.tree
}

func TestMain(m *testing.M) {
	code := sitetest.RunWithTempUserCache(m)
	if realSite.dir != "" {
		os.RemoveAll(realSite.dir)
	}
	os.Exit(code)
}

func htmlPages(tree map[string][]byte) []string {
	var out []string
	for name := range tree {
		if path.Ext(name) == ".html" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Every page is one a phone can use at once: what verify does not check
// (it checks links, origins, lang, title, h1 and the CSP) is checked here,
// and every page links both numbers from data/contacts.toml.
func TestRealSitePages(t *testing.T) {
	_, tree := real(t)
	c, err := contacts.Load(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range htmlPages(tree) {
		t.Run(name, func(t *testing.T) {
			doc := sitetest.ParseHTML(t, name, tree[name])
			// Page-speed and SEO preconditions (what Lighthouse checks first).
			meta := func(name string) string {
				for _, m := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" && sitetest.Attr(n, "name") == name }) {
					return sitetest.Attr(m, "content")
				}
				return ""
			}
			if !strings.Contains(meta("viewport"), "width=device-width") {
				t.Error("no viewport meta tag")
			}
			if len(meta("description")) < 20 {
				t.Errorf("meta description too short: %q", meta("description"))
			}
			if meta("theme-color") == "" {
				t.Error("no theme-color")
			}
			for _, s := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "script" }) {
				typ := sitetest.Attr(s, "type")
				switch {
				case typ == "application/ld+json":
				case sitetest.Attr(s, "src") == "":
					t.Error("inline script: the CSP would block it")
				case !sitetest.HasAttr(s, "defer") && !sitetest.HasAttr(s, "async"):
					t.Errorf("render-blocking script %s", sitetest.Attr(s, "src"))
				}
			}
			if len(sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "style" || sitetest.Attr(n, "style") != "" })) > 0 {
				t.Error("inline style: the CSP would block it")
			}
			for _, img := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "img" }) {
				if sitetest.Attr(img, "width") == "" || sitetest.Attr(img, "height") == "" {
					t.Errorf("image %s has no explicit size", sitetest.Attr(img, "src"))
				}
			}
			for _, tel := range []string{"tel:" + c.NonEmergency.Tel, "tel:" + c.Emergency.Tel} {
				if len(sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" && sitetest.Attr(n, "href") == tel })) == 0 {
					t.Errorf("no link to %s", tel)
				}
			}
		})
	}
}

// TestHomePage compares the parts of each built home page that matter
// and seldom change with testdata/home-LANG.txtar, one archive file a
// part (-update rewrites them): the page's language, title and
// description (with the caveat while nobody has confirmed the facts), its
// manifest and the script that registers the service worker, the hero
// (the number as a tel: link, the caveat right under it, the 911 button)
// and the home page's link to the decision guide. Each part is its
// element indented one node a line, as the page has it; a fingerprint in
// a file name reads HASH. The rest of the page may change freely.
func TestHomePage(t *testing.T) {
	_, tree := real(t)
	for _, page := range []struct{ lang, name string }{{"en", "index.html"}, {"es", "es/index.html"}} {
		t.Run(page.lang, func(t *testing.T) {
			doc := sitetest.ParseHTML(t, page.name, tree[page.name])
			file := filepath.Join("testdata", "home-"+page.lang+".txtar")
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for _, f := range a.Files {
				want[f.Name] = string(f.Data)
			}
			got := &txtar.Archive{Comment: a.Comment}
			for _, part := range homeParts {
				found := sitetest.FindAll(doc, part.is)
				if len(found) != 1 {
					t.Errorf("%s: %d elements are the %s, want one", page.name, len(found), part.name)
					continue
				}
				text := outline(found[0], part.whole)
				got.Files = append(got.Files, txtar.File{Name: part.name, Data: []byte(text)})
				w, ok := want[part.name]
				switch {
				case *update:
				case !ok:
					t.Errorf("%s has no %s; run with -update", file, part.name)
				case w != text:
					t.Errorf("%s: the %s differs from %s (-want +got); if the change is deliberate, run with -update:\n%s", page.name, part.name, file, cmp.Diff(strings.Split(w, "\n"), strings.Split(text, "\n")))
				}
			}
			if *update {
				if err := os.WriteFile(file, txtar.Format(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// homeParts are the parts TestHomePage compares, each one element of the
// page; whole says with everything in it, not just its start tag.
var homeParts = []struct {
	name  string
	is    func(*html.Node) bool
	whole bool
}{
	{"html", func(n *html.Node) bool { return n.Data == "html" }, false},
	{"title", func(n *html.Node) bool { return n.Data == "title" }, true},
	{"description", func(n *html.Node) bool { return n.Data == "meta" && sitetest.Attr(n, "name") == "description" }, true},
	{"manifest", func(n *html.Node) bool { return n.Data == "link" && sitetest.Attr(n, "rel") == "manifest" }, true},
	{"register", func(n *html.Node) bool {
		return n.Data == "script" && strings.HasPrefix(path.Base(sitetest.Attr(n, "src")), "register.")
	}, true},
	{"hero", func(n *html.Node) bool { return n.Data == "div" && sitetest.Attr(n, "class") == "hero" }, true},
	// The decision guide's item in the list of the guide's pages.
	{"decision guide", func(n *html.Node) bool {
		return n.Data == "li" && n.Parent != nil && sitetest.Attr(n.Parent, "class") == "sections" &&
			len(sitetest.FindAll(n, func(a *html.Node) bool {
				return a.Data == "a" && path.Base(sitetest.Attr(a, "href")) == "is-it-an-emergency.html"
			})) > 0
	}, true},
}

// outline writes the element n one node a line, indented by depth: its
// start tag with its attributes in the page's order and, if whole, its
// elements and trimmed text. A fingerprint in an attribute reads HASH.
func outline(n *html.Node, whole bool) string {
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		pad := strings.Repeat("  ", depth)
		switch n.Type {
		case html.TextNode:
			if s := strings.TrimSpace(n.Data); s != "" {
				b.WriteString(pad + textEscaper.Replace(s) + "\n")
			}
		case html.ElementNode:
			b.WriteString(pad + "<" + n.Data)
			for _, a := range n.Attr {
				b.WriteString(" " + a.Key + `="` + attrEscaper.Replace(fingerprint.ReplaceAllString(a.Val, ".HASH.")) + `"`)
			}
			b.WriteString(">\n")
			if !whole {
				return
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, depth+1)
			}
		}
	}
	walk(n, 0)
	return b.String()
}

var (
	fingerprint = regexp.MustCompile(`\.[0-9a-f]{64}\.`)
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", `"`, "&quot;")
)

// Minification is real: each page is smaller than Hugo's unminified
// rendering of the same page, and says the same thing.
func TestMinified(t *testing.T) {
	_, tree := real(t)
	src := sitetest.CopySite(t)
	sitetest.Edit(t, src, "hugo.toml", "minifyOutput = true", "minifyOutput = false")
	sitetest.Edit(t, src, "layouts/baseof.html", `resources.Get "css/main.css" | minify | fingerprint`, `resources.Get "css/main.css" | fingerprint`)
	plain := sitetest.ReadTree(t, build(t, src))
	for _, name := range []string{"index.html", "is-it-an-emergency.html", "about.html"} {
		min, full := tree[name], plain[name]
		if len(min) >= len(full) {
			t.Errorf("%s: minified %d bytes, unminified %d", name, len(min), len(full))
		}
		// Minifying drops the white space between blocks; the words stay.
		words := func(data []byte) string {
			return strings.ReplaceAll(sitetest.Text(sitetest.ParseHTML(t, name, data)), " ", "")
		}
		if a, b := words(min), words(full); a != b {
			t.Errorf("%s: minified text differs:\n%s\n%s", name, a, b)
		}
	}
	var minCSS, fullCSS int
	for name, data := range tree {
		if path.Ext(name) == ".css" {
			minCSS += len(data)
		}
	}
	for name, data := range plain {
		if path.Ext(name) == ".css" {
			fullCSS += len(data)
		}
	}
	if minCSS == 0 || minCSS >= fullCSS {
		t.Errorf("CSS: minified %d bytes, unminified %d", minCSS, fullCSS)
	}
	sw, manifest := tree["sw.js"], tree["manifest.webmanifest"]
	if bytes.Contains(sw, []byte("\n *")) || bytes.Contains(sw, []byte("// ")) {
		t.Error("sw.js still has its comments: not minified")
	}
	if bytes.Contains(manifest, []byte("\n")) {
		t.Error("manifest.webmanifest is not minified")
	}
}

// The same source builds byte-identical trees.
func TestDeterministic(t *testing.T) {
	_, first := real(t)
	second := sitetest.ReadTree(t, build(t, sitetest.CopySite(t)))
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for name, a := range first {
		if !bytes.Equal(a, second[name]) {
			t.Errorf("%s differs between two builds of the same source", name)
		}
	}
}

// Budgets fail the build with the page and its size; a budget that is
// not a number of bytes fails it at its line of hugo.toml.
func TestBudgets(t *testing.T) {
	for _, tc := range []struct{ key, value, want string }{
		{"pageGzip = 14336", "pageGzip = 1000", "budget: page with its CSS is"},
		{"jsGzip = 6144", "jsGzip = 100", "budget: JavaScript is"},
		{"precache = 307200", "precache = 10000", "budget: the precache list is"},
		{"pageGzip = 14336", `pageGzip = "big"`, fmt.Sprintf("hugo.toml:%d: config: params.guide.budgets.pageGzip must be a whole number of bytes", sitetest.LineOf(t, "hugo.toml", "pageGzip = "))},
	} {
		t.Run(tc.value, func(t *testing.T) {
			src := sitetest.CopySite(t)
			sitetest.Edit(t, src, "hugo.toml", tc.key, tc.value)
			_, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: filepath.Join(t.TempDir(), "public")})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
			if tc.value == "pageGzip = 1000" && !strings.Contains(err.Error(), "index.html: budget") {
				t.Errorf("the error should name the page: %v", err)
			}
		})
	}
}

// Each revision in sw.js is the hash of the bytes served for that file, so a
// browser refetches exactly what changed.
func TestPrecacheRevisionsMatchFiles(t *testing.T) {
	_, tree := real(t)
	m := regexp.MustCompile(`PRECACHE=(\[\[.*?\]\])`).FindSubmatch(tree["sw.js"])
	if m == nil {
		t.Fatal("no precache list in sw.js")
	}
	var list [][2]string
	if err := json.Unmarshal(m[1], &list); err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		data, ok := tree[e[0]]
		if !ok {
			t.Errorf("%s is precached but not built", e[0])
			continue
		}
		sum := sha256.Sum256(data)
		if e[1] != "" && e[1] != hex.EncodeToString(sum[:8]) {
			t.Errorf("%s: revision %s is not the hash of the file served", e[0], e[1])
		}
	}
}

// Every page's CSP meta tag and the _headers policy are the same policy
// (the header adds frame-ancestors, which a meta tag cannot carry).
func TestOneContentSecurityPolicy(t *testing.T) {
	_, tree := real(t)
	m := regexp.MustCompile(`(?m)^  Content-Security-Policy: (.*); frame-ancestors 'none'$`).FindSubmatch(tree["_headers"])
	if m == nil {
		t.Fatalf("_headers has no CSP with frame-ancestors 'none':\n%s", tree["_headers"])
	}
	for _, name := range htmlPages(tree) {
		doc := sitetest.ParseHTML(t, name, tree[name])
		metas := sitetest.FindAll(doc, func(n *html.Node) bool {
			return n.Data == "meta" && strings.EqualFold(sitetest.Attr(n, "http-equiv"), "Content-Security-Policy")
		})
		if len(metas) != 1 || sitetest.Attr(metas[0], "content") != string(m[1]) {
			t.Errorf("%s: CSP meta tags %d, want one with %q", name, len(metas), m[1])
		}
	}
}

// Ctrl-C during the content check and render stops the build before
// publish: no staging folder is made (nor even the destination's parent
// folder, which the publish stage creates first) and the destination is
// not touched.
func TestCancelledBeforePublishPreparesNothing(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "not-yet", "public")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pipeline.Build(ctx, pipeline.Options{Source: sitetest.CopySite(t), Dest: dest})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Build: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Dir(dest)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a build cancelled during the check went on to prepare %s", filepath.Dir(dest))
	}
}

// A build that was killed left its staging folder behind, half written
// (pages since deleted, changed bytes, a folder left empty). The next
// build starts from an empty one: its result is byte for byte a fresh
// build's.
func TestALeftoverStagingFolderIsNotBuiltOn(t *testing.T) {
	_, fresh := real(t)
	src := sitetest.CopySite(t)
	dest := build(t, src)
	staging := publish.Staging(dest)
	// A leftover file of a name the build writes too, like the
	// fingerprinted stylesheet, is replaced, not kept.
	for name := range fresh {
		if strings.HasPrefix(name, "css/") {
			sitetest.Apply(t, staging, "-- "+name+" --\nstale css\n")
		}
	}
	sitetest.Apply(t, staging, `-- index.html --
changed
-- es/index.html --
half writ
-- deleted-page.html --
<p>Call (405) 555-0100</p>
-- old/folder/page.html --
stale
-- icons/icon-192.png --
not a png
-- sw.js --
const PRECACHE = ['deleted-page.html'];
`)
	os.MkdirAll(filepath.Join(staging, "empty", "folder"), 0o755)
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	got := sitetest.ReadTree(t, dest)
	if diff := cmp.Diff(names(fresh), names(got)); diff != "" {
		t.Errorf("files (-fresh +over an old tree):\n%s", diff)
	}
	for name, data := range fresh {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs from a fresh build's", name)
		}
	}
	for _, dir := range []string{"old", "empty"} {
		if _, err := os.Stat(filepath.Join(dest, dir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the old tree's folder %s/ is still there", dir)
		}
	}
}

func names(tree map[string][]byte) []string {
	var out []string
	for name := range tree {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Builds in one process leave nothing running: a build that fails the
// content check (Hugo's site was made alongside it and is thrown away), one
// that fails in render and one that succeeds each close Hugo's site, whose
// caches keep a goroutine each until then. Preview runs a build on every
// save, for hours.
func TestBuildsLeaveNothingRunning(t *testing.T) {
	good := sitetest.CopySite(t)
	badContent := sitetest.CopySite(t)
	sitetest.Edit(t, badContent, "content/community.md", "---\n\n", "---\n\n{{< phone \"fire\" >}}\n\n")
	badTemplate := sitetest.CopySite(t)
	sitetest.Edit(t, badTemplate, "layouts/page.html", `{{ define "main" }}`, `{{ define "main" }}{{ .Nope }}`)
	dest := filepath.Join(t.TempDir(), "public")
	builds := func() {
		for _, src := range []string{good, badContent, badTemplate} {
			_, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest})
			if (err == nil) != (src == good) {
				t.Fatalf("build of %s: %v", filepath.Base(src), err)
			}
		}
	}
	// A closed cache's goroutine ends soon after, not at once: count once
	// the count has held for a while.
	settled := func() int {
		n := runtime.NumGoroutine()
		for still, deadline := 0, time.Now().Add(5*time.Second); still < 5 && time.Now().Before(deadline); still++ {
			time.Sleep(50 * time.Millisecond)
			if m := runtime.NumGoroutine(); m != n {
				n, still = m, 0
			}
		}
		return n
	}
	builds() // what Hugo starts once per process
	before := settled()
	const rounds = 3
	for range rounds {
		builds()
	}
	after := settled()
	if after > before {
		t.Errorf("%d goroutines before %d rounds of three builds, %d after: the builds left Hugo's sites open", before, rounds, after)
	}
}

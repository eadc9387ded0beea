package cli_test

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/cli"
	"github.com/okcguide/guide/internal/sitetest"
)

// i18n returns the site's translation of key in each language, read from
// i18n/<lang>.toml.
func i18n(t *testing.T, key string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sitetest.RepoRoot(t), "i18n", "*.toml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("want the i18n files of two languages at least: %v", err)
	}
	out := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".toml")] = m[key]
	}
	return out
}

// factsParagraphs returns, for each HTML page of a built tree, its lang and
// the text of each place that says where the facts come from: the footer
// and the print card, and the About page's section.
func factsParagraphs(t *testing.T, tree map[string][]byte) map[string][]*html.Node {
	t.Helper()
	out := map[string][]*html.Node{}
	for name, data := range tree {
		if path.Ext(name) != ".html" {
			continue
		}
		doc := sitetest.ParseHTML(t, name, data)
		out[name] = sitetest.FindAll(doc, func(n *html.Node) bool {
			return n.Data == "p" && (sitetest.Attr(n, "class") == "facts" || sitetest.Attr(n, "class") == "print-small")
		})
		if len(out[name]) != 2 {
			t.Errorf("%s: %d places say where the facts come from, want the footer and the print card", name, len(out[name]))
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d pages built", len(out))
	}
	return out
}

func pageLang(t *testing.T, name string, data []byte) string {
	doc := sitetest.ParseHTML(t, name, data)
	return sitetest.Attr(sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "html" })[0], "lang")
}

// A fresh clone has no recorded check of its contact facts: the build warns,
// naming data/contacts.toml, and every page in every language says the
// facts are not yet confirmed, with no date of any check.
func TestUnconfirmedFacts(t *testing.T) {
	tree, stderr := buildTree(t, sitetest.CopySite(t))
	if !strings.Contains(stderr, "data/contacts.toml:") || !strings.Contains(stderr, "unconfirmed: warning: nobody has confirmed the contact facts") {
		t.Errorf("the build does not warn that the facts are unconfirmed:\n%s", stderr)
	}
	unconfirmed := i18n(t, "factsUnconfirmed")
	for name, ps := range factsParagraphs(t, tree) {
		lang := pageLang(t, name, tree[name])
		for _, p := range ps {
			text := sitetest.Text(p)
			if unconfirmed[lang] == "" || !strings.Contains(text, unconfirmed[lang]) {
				t.Errorf("%s (%s): %q does not say %q", name, lang, text, unconfirmed[lang])
			}
			if len(sitetest.FindAll(p, func(n *html.Node) bool { return n.Data == "time" })) > 0 {
				t.Errorf("%s: a date where no check was made: %q", name, text)
			}
		}
	}
	about := sitetest.Text(sitetest.ParseHTML(t, "about.html", tree["about.html"]))
	if !strings.Contains(about, unconfirmed["en"]) {
		t.Errorf("the About page does not say the facts are unconfirmed")
	}
}

// buildTree runs guide build on the site in src, which must succeed, and
// returns the built files and what the build printed on stderr.
func buildTree(t *testing.T, src string) (map[string][]byte, string) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	code, _, stderr := run("build", "-source", src, "-destination", dest)
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	return sitetest.ReadTree(t, dest), stderr
}

// Once a person records a check, the warning stops and every page says
// what was checked, against what, and when.
func TestRecordedCheck(t *testing.T) {
	src := sitetest.CopySite(t)
	f, err := os.OpenFile(filepath.Join(src, "data", "contacts.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n[check]\nby = \"The Northeast Neighborhood Office\"\nagainst = \"Oklahoma City Police Department, official website\"\ndate = 2026-11-20\n")
	f.Close()
	tree, stderr := buildTree(t, src)
	if strings.Contains(stderr, "unconfirmed") {
		t.Errorf("the build still warns:\n%s", stderr)
	}
	unconfirmed := i18n(t, "factsUnconfirmed")
	for name, ps := range factsParagraphs(t, tree) {
		lang := pageLang(t, name, tree[name])
		for _, p := range ps {
			text := sitetest.Text(p)
			if strings.Contains(text, unconfirmed[lang]) {
				t.Errorf("%s: still says %q", name, unconfirmed[lang])
			}
			times := sitetest.FindAll(p, func(n *html.Node) bool { return n.Data == "time" })
			if len(times) != 1 || sitetest.Attr(times[0], "datetime") != "2026-11-20" ||
				!strings.Contains(text, "The Northeast Neighborhood Office") || !strings.Contains(text, "Oklahoma City Police Department, official website") {
				t.Errorf("%s: %q does not say who checked, against what and when", name, text)
			}
		}
	}
}

// A check without its date, or a key the guide does not read, fails the
// build at its line: a check is only shown when it is whole.
func TestIncompleteCheck(t *testing.T) {
	dest, before := goodBuild(t)
	for _, tc := range []struct{ add, want string }{
		{"\n[check]\nby = \"A. Editor\"\nagainst = \"The department's website\"\n", "[check] needs date"},
		{"\nlastVerified = 2026-11-25\n", "lastVerified is not read any more"},
		{"\n[check]\nby = \"A. Editor\"\nagainst = \"The department's website\"\ndate = 2999-01-01\n", "[check] date is in the future"},
	} {
		src := sitetest.CopySite(t)
		data, err := os.ReadFile(filepath.Join(src, "data", "contacts.toml"))
		if err != nil {
			t.Fatal(err)
		}
		// A top-level key must come before the first table.
		edited := string(data) + tc.add
		if !strings.Contains(tc.add, "[") {
			edited = strings.TrimPrefix(tc.add, "\n") + string(data)
		}
		if err := os.WriteFile(filepath.Join(src, "data", "contacts.toml"), []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run("build", "-source", src, "-destination", dest)
		if code != cli.ExitFailed || !strings.Contains(stderr, "data/contacts.toml:") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr:\n%s", tc.add, code, stderr)
		}
		if !sameTree(t, dest, before) {
			t.Errorf("%q: the destination changed", tc.add)
		}
	}
}

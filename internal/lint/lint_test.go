package lint

import (
	"bytes"
	"flag"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar from what the linter reports")

// testClock is the date the rule tests run on, unless an archive's comment
// sets another with a line "now: 2026-11-25".
var testClock = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// fixtureSite makes a site from the real one (hugo.toml, layouts, data)
// with content/ emptied and no decision guide (it names pages), then
// writes the archive's files over it.
func fixtureSite(t *testing.T, a *txtar.Archive) string {
	t.Helper()
	dir := sitetest.CopySite(t)
	if err := os.RemoveAll(filepath.Join(dir, "content")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "data", "decision.toml")); err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		if f.Name == "want" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	nowLine  = regexp.MustCompile(`(?m)^now: (\d{4}-\d\d-\d\d)$`)
	ruleLine = regexp.MustCompile(`(?m)^rule: (\S+)$`)
)

// runOn reads the settings of the site in src, as a build does, and lints
// it with the clock at now (zero: time.Now()).
func runOn(src string, now time.Time) (*Result, error) {
	site, err := settings.Load(settings.Options{Source: src})
	if err != nil {
		return nil, err
	}
	return Run(Options{Site: site, Now: now})
}

// TestFixtures lints the site in each testdata/NAME.txtar and compares
// every reported line with the archive's "want" file (-update rewrites
// it). The rule under test is NAME, or the one a "rule: RULE" line of the
// comment names; a "now: DATE" line sets the clock. Lines of the page-wide
// and site-wide rules (stale, grade and unconfirmed) are only compared
// when they are the rule under test, so other fixtures need no dates and
// may be short and odd.
//
// sitetest.Fixtures checks what the fixture's file names promise: each
// content/bad*.md gets at least one problem from the rule, and each
// content/good*.md gets no problem at all.
func TestFixtures(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "*.txtar"), *update, func(t *testing.T, comment []byte, files *txtar.Archive) string {
		rule := ruleOf(path.Base(t.Name()), comment)
		now := testClock
		if m := nowLine.FindSubmatch(comment); m != nil {
			now, _ = time.Parse(time.DateOnly, string(m[1]))
		}
		res, err := runOn(fixtureSite(t, files), now)
		if err != nil {
			t.Fatalf("the linter failed: %v", err)
		}
		all := append(append(diag.List{}, res.Errors...), res.Warnings...)
		all.Sort()
		var got []string
		for _, e := range all {
			if (e.Rule == "stale" || e.Rule == "grade" || e.Rule == "unconfirmed") && e.Rule != rule {
				continue
			}
			got = append(got, e.Error())
		}
		if len(got) == 0 {
			return ""
		}
		return strings.Join(got, "\n") + "\n"
	}, sitetest.RuleOf(ruleOf))
}

// ruleOf is the rule a fixture tests: the one its comment names on a
// "rule: RULE" line, or else its name.
func ruleOf(name string, comment []byte) string {
	if m := ruleLine.FindSubmatch(comment); m != nil {
		return string(m[1])
	}
	return name
}

// The file rule needs bytes a txtar file cannot hold well.
func TestFileRule(t *testing.T) {
	dir := fixtureSite(t, &txtar.Archive{})
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "content", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bad-latin1.md", []byte("---\ntitle: Caf\xe9\ndescription: Talks.\n---\n"))
	write("bad-binary.md", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	write("good.md", []byte("\ufeff---\ntitle: \"Café\"\ndescription: \"Talks.\"\n---\n\nHi.\n"))
	if err := os.Symlink(filepath.Join(dir, "nowhere.md"), filepath.Join(dir, "content", "bad-link.md")); err != nil {
		t.Fatal(err)
	}
	res, err := runOn(dir, testClock)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"content/bad-binary.md:3:1: file: this is not a text file (it has a zero byte here); pages must be markdown text",
		"content/bad-latin1.md:2:11: file: the text is not UTF-8: save the file as UTF-8",
		"content/bad-link.md: file: cannot read the file: it is a link to a file that does not exist",
	}
	if got := res.Errors.Error(); got != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if res.Pages != 4 {
		t.Errorf("checked %d pages, want 4", res.Pages)
	}
}

// The real guide passes every rule. While nobody has recorded a check of
// its contact facts, the one warning is that they are unconfirmed.
func TestRealContentIsClean(t *testing.T) {
	src := sitetest.CopySite(t)
	book, err := loadPhones(src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := runOn(src, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Errorf("the real content has problems:\n%v", res.Errors)
	}
	for _, w := range res.Warnings {
		_, checked := book.facts.Checked()
		if checked || w.Rule != "unconfirmed" {
			t.Errorf("unexpected warning: %v", w)
		}
	}
	if _, checked := book.facts.Checked(); !checked && len(res.Warnings) != 1 {
		t.Errorf("got %d warnings, want the one that says the facts are unconfirmed", len(res.Warnings))
	}
	if res.Pages < 9 {
		t.Errorf("checked %d pages, want the 9 English pages at least", res.Pages)
	}
}

func TestOutputIsDeterministic(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "link-target.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := fixtureSite(t, a)
	var first []byte
	for i := range 5 {
		res, err := runOn(dir, testClock)
		if err != nil {
			t.Fatal(err)
		}
		out := []byte(res.Errors.Error() + "\n" + res.Warnings.Error())
		if i == 0 {
			first = out
		} else if !bytes.Equal(out, first) {
			t.Fatalf("run %d differs:\n%s\nfirst:\n%s", i, out, first)
		}
	}
}

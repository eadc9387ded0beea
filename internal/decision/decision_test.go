package decision_test

import (
	"context"
	"flag"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/contacts"
	"github.com/okcguide/guide/internal/decision"
	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/load/*.txtar from what Load reports")

func TestMain(m *testing.M) { os.Exit(sitetest.RunWithTempUserCache(m)) }

// siteOf is what the site in src gives Load: its languages (the keys of
// [languages] in hugo.toml) and the numbers in data/contacts.toml.
func siteOf(t *testing.T, src string) decision.Site {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(src, "hugo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Languages map[string]any `toml:"languages"`
	}
	if err := toml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	site := decision.Site{Source: src, Calls: map[string]bool{}}
	for lang := range cfg.Languages {
		site.Langs = append(site.Langs, lang)
	}
	sort.Strings(site.Langs)
	c, err := contacts.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	for name := range c.Numbers() {
		site.Calls[name] = true
	}
	return site
}

func realGuide(t *testing.T) (*decision.Guide, decision.Site) {
	t.Helper()
	site := siteOf(t, sitetest.RepoRoot(t))
	g, err := decision.Load(site)
	if err != nil {
		t.Fatalf("the real decision guide: %v", err)
	}
	if g == nil {
		t.Fatalf("the real site has no %s", decision.File)
	}
	return g, site
}

// scenario is one row of testdata/scenarios.toml.
type scenario struct {
	Situation string   `toml:"situation"`
	Answers   []string `toml:"answers"`
	Outcome   string   `toml:"outcome"`
}

func scenarios(t *testing.T) []scenario {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "scenarios.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Scenario []scenario `toml:"scenario"`
	}
	dec := toml.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		t.Fatalf("testdata/scenarios.toml: %v", err)
	}
	if len(file.Scenario) < 20 {
		t.Errorf("testdata/scenarios.toml has %d situations; keep at least 20", len(file.Scenario))
	}
	return file.Scenario
}

func steps(t *testing.T, s scenario) []decision.Step {
	t.Helper()
	var out []decision.Step
	for _, a := range s.Answers {
		st, err := decision.ParseStep(a)
		if err != nil {
			t.Fatalf("%q: %v", s.Situation, err)
		}
		out = append(out, st)
	}
	return out
}

// Every situation in testdata/scenarios.toml reaches its outcome in
// data/decision.toml.
func TestScenarios(t *testing.T) {
	g, _ := realGuide(t)
	for _, s := range scenarios(t) {
		o, err := g.Walk(steps(t, s))
		switch {
		case err != nil:
			t.Errorf("%q: %v", s.Situation, err)
		case o.ID != s.Outcome:
			t.Errorf("%q: the answers %v lead to %s, want %s", s.Situation, s.Answers, o.ID, s.Outcome)
		}
	}
}

// The safety rules, over every path through the guide: a reader reaches an
// outcome other than 911 only after saying that nobody is or could be hurt,
// and, for a crime, that it is not happening now and the person who did it
// is gone. "Not sure" counts as danger. Only a matter that is over may end
// at reporting online.
func TestOnlyNoDangerLeavesFor911(t *testing.T) {
	g, _ := realGuide(t)
	paths := g.Paths()
	if len(paths) < 10 {
		t.Fatalf("only %d paths through the guide", len(paths))
	}
	t.Logf("%d paths through the guide", len(paths))
	for _, p := range paths {
		o, err := g.Walk(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if o.Call == "emergency" {
			continue
		}
		said := func(s string) bool { return slices.Contains(p, must(decision.ParseStep(s))) }
		if !said("danger: no") {
			t.Errorf("%v reaches %s without the reader saying nobody is in danger", p, o.ID)
		}
		if said("what: crime") && !said("now: no") {
			t.Errorf("%v reaches %s for a crime without the reader saying it is over and the person is gone", p, o.ID)
		}
		// Reporting online, with nobody to talk to, is only for what is
		// over: a crime that already happened, or lost property. What may
		// be going on now (noise, suspicious activity) goes to a person.
		if o.Link != "" && !said("now: no") && !said("what: lost") {
			t.Errorf("%v reaches %s, reporting online, for a matter that may be going on now", p, o.ID)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The built pages, in every language, follow the data: starting at the
// first question shown, choosing each scenario's answers by their text
// leads to the section of the scenario's outcome, and that section offers
// the outcome's number to call.
func TestPagesFollowTheData(t *testing.T) {
	g, site := realGuide(t)
	c, err := contacts.Load(site.Source)
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: sitetest.CopySite(t), Dest: dest}); err != nil {
		t.Fatal(err)
	}
	tree := sitetest.ReadTree(t, dest)
	for _, lang := range site.Langs {
		name := "is-it-an-emergency.html"
		if lang != "en" {
			name = path.Join(lang, name)
		}
		doc := sitetest.ParseHTML(t, name, tree[name])
		sections := map[string]*html.Node{}
		var first *html.Node
		for _, s := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "section" }) {
			sections[sitetest.Attr(s, "id")] = s
			if first == nil {
				first = s
			}
		}
		if first == nil || sitetest.Attr(first, "id") != g.Start {
			t.Fatalf("%s: the first section is not the first question, %s", name, g.Start)
		}
		for _, s := range scenarios(t) {
			at := first
			for _, st := range steps(t, s) {
				want := answerText(g, st, lang)
				var next *html.Node
				for _, a := range sitetest.FindAll(at, func(n *html.Node) bool { return n.Data == "a" && sitetest.Text(n) == want }) {
					next = sections[strings.TrimPrefix(sitetest.Attr(a, "href"), "#")]
				}
				if next == nil {
					t.Errorf("%s, %q: section %s has no answer %q that leads to a section", name, s.Situation, sitetest.Attr(at, "id"), want)
					break
				}
				at = next
			}
			if got := sitetest.Attr(at, "id"); got != s.Outcome {
				t.Errorf("%s, %q: the answers lead to #%s, want #%s", name, s.Situation, got, s.Outcome)
				continue
			}
			tel := c.NonEmergency.Tel
			if g.Outcome(s.Outcome).Call == "emergency" {
				tel = c.Emergency.Tel
			}
			if len(sitetest.FindAll(at, func(n *html.Node) bool { return sitetest.Attr(n, "href") == "tel:"+tel })) == 0 {
				t.Errorf("%s, #%s offers no call to %s", name, s.Outcome, tel)
			}
		}
	}
}

func answerText(g *decision.Guide, st decision.Step, lang string) string {
	for _, q := range g.Questions {
		for _, a := range q.Answers {
			if q.ID == st.Question && a.ID == st.Answer {
				return a.Text[lang]
			}
		}
	}
	return ""
}

// Each testdata/load/*.txtar holds a data/decision.toml (and any content
// it names) and, in its want file, every problem Load reports. The file
// names are promises: bad-*.txtar reports at least one problem, good-*.txtar
// none. go test -update rewrites the want files.
func TestLoad(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "load", "*.txtar"), *update, func(t *testing.T, _ []byte, files *txtar.Archive) string {
		src := sitetest.Site(t, string(txtar.Format(files)))
		got := ""
		if _, err := decision.Load(siteOf(t, src)); err != nil {
			got = diag.AsList(err).Error() + "\n"
		}
		name := path.Base(t.Name())
		if strings.HasPrefix(name, "bad") && got == "" {
			t.Error("a bad guide loaded without a problem")
		}
		if strings.HasPrefix(name, "good") && got != "" {
			t.Error("a good guide reported problems")
		}
		return got
	})
}

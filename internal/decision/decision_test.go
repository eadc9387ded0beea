package decision_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// testdata/paths.txt lists every path through the real guide, each answer
// with what it says (its marks) and the outcome it reaches, so a change to
// where any path leads shows in review. go test -update rewrites it.
func TestPaths(t *testing.T) {
	g, _ := realGuide(t)
	var b strings.Builder
	b.WriteString("# Every path through data/decision.toml: go test ./internal/decision -run TestPaths -update\n")
	for _, p := range g.Paths() {
		o, err := g.Walk(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		for _, st := range p {
			a := answer(g, st)
			b.WriteString(st.String())
			var marks []string
			for _, m := range []struct {
				on   bool
				name string
			}{{a.Safe, "safe"}, {a.Over, "over"}, {a.Informational, "informational"}, {a.Noise, "noise"}, {a.Violence, "violence"}} {
				if m.on {
					marks = append(marks, m.name)
				}
			}
			if len(marks) > 0 {
				b.WriteString(" [" + strings.Join(marks, " ") + "]")
			}
			b.WriteString(" → ")
		}
		b.WriteString(o.ID + "\n")
	}
	golden := filepath.Join("testdata", "paths.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(b.String(), "\n")); d != "" {
		t.Errorf("the paths through the guide changed (go test -update rewrites %s once you have read them):\n%s", golden, d)
	}
}

// The safety rule holds on every path whatever the topics are: sending
// any answer of the real guide straight to an outcome other than 911,
// where the reader has not yet said that it is over (or that the matter
// is informational or noise), or has said there was violence, makes Load
// fail at that answer's line, naming the path.
func TestSafetyRuleOnEveryAnswer(t *testing.T) {
	g, site := realGuide(t)
	data, err := os.ReadFile(filepath.Join(site.Source, filepath.FromSlash(decision.File)))
	if err != nil {
		t.Fatal(err)
	}
	// Each answer has one next, so the n-th "next = " line is the n-th
	// answer's, in the order of the file.
	var nextLines []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "next = ") {
			nextLines = append(nextLines, i+1)
		}
	}
	lineOf := map[decision.Step]int{}
	for _, q := range g.Questions {
		for _, a := range q.Answers {
			lineOf[decision.Step{Question: q.ID, Answer: a.ID}] = nextLines[len(lineOf)]
		}
	}
	tried := 0
	for _, p := range g.Paths() {
		for i, st := range p {
			prefix := p[:i+1]
			var safe, over, violence bool
			for _, s := range prefix {
				a := answer(g, s)
				safe = safe || a.Safe
				over = over || a.Over || a.Informational || a.Noise
				violence = violence || a.Violence
			}
			if safe && over && !violence {
				continue
			}
			for _, o := range g.Outcomes {
				if o.Call == contacts.EmergencyName || answer(g, st).Next == o.ID {
					continue
				}
				tried++
				src := sitetest.CopySite(t)
				mutated := strings.Split(string(data), "\n")
				mutated[lineOf[st]-1] = fmt.Sprintf("next = %q", o.ID)
				if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(decision.File)), []byte(strings.Join(mutated, "\n")), 0o644); err != nil {
					t.Fatal(err)
				}
				site.Source = src
				_, err := decision.Load(site)
				if err == nil {
					t.Errorf("%v → %s: Load accepts the guide with %s leading to %s", prefix, o.ID, st, o.ID)
					continue
				}
				var named []string
				for _, s := range prefix {
					named = append(named, s.String())
				}
				want := strings.Join(append(named, o.ID), " → ")
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s leading to %s: Load's error does not name the path %q:\n%v", st, o.ID, want, err)
				}
			}
		}
	}
	if tried < 10 {
		t.Errorf("only %d unsafe redirections tried", tried)
	}
	t.Logf("%d unsafe redirections, each refused", tried)
}

// Reporting online, with nobody to talk to, is only for what is over: a
// crime that already happened, or lost property. What may be going on now
// (noise) goes to a person.
func TestOnlineOnlyForWhatIsOver(t *testing.T) {
	g, _ := realGuide(t)
	for _, p := range g.Paths() {
		o, err := g.Walk(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if o.Link == "" {
			continue
		}
		over := false
		for _, st := range p {
			a := answer(g, st)
			over = over || a.Over || a.Informational
		}
		if !over {
			t.Errorf("%v reaches %s, reporting online, for a matter that may be going on now", p, o.ID)
		}
	}
}

func answer(g *decision.Guide, st decision.Step) *decision.Answer {
	for i := range g.Questions {
		for j := range g.Questions[i].Answers {
			if g.Questions[i].ID == st.Question && g.Questions[i].Answers[j].ID == st.Answer {
				return &g.Questions[i].Answers[j]
			}
		}
	}
	panic("no answer " + st.String())
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
			// The number is not yet confirmed (the real data records no
			// check), so right under its button the outcome says so.
			if _, checked := c.Checked(); !checked && tel != c.Emergency.Tel {
				caveat := sitetest.FindAll(at, func(n *html.Node) bool { return n.Data == "p" && sitetest.Attr(n, "class") == "caveat" })
				if len(caveat) == 0 || sitetest.Text(caveat[0]) == "" {
					t.Errorf("%s, #%s offers %s with no caveat next to it", name, s.Outcome, tel)
				}
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
// names are promises, which sitetest.Fixtures keeps: bad-*.txtar reports
// at least one problem, good-*.txtar none. go test -update rewrites the
// want files.
func TestLoad(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "load", "*.txtar"), *update, func(t *testing.T, _ []byte, files *txtar.Archive) string {
		src := sitetest.Site(t, string(txtar.Format(files)))
		if _, err := decision.Load(siteOf(t, src)); err != nil {
			return diag.AsList(err).Error() + "\n"
		}
		return ""
	})
}

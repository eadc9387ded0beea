// Package decision reads and checks data/decision.toml, the "Is it an
// emergency?" guide: questions, their answers, and the outcomes the
// answers lead to (call 911, call the non-emergency line, report online),
// in every language of the site. The guide's decision pages are rendered
// from that file alone (by Hugo's templates, not by this package).
//
// Load is the whole of it: package lint runs it in the content check of
// `guide check` and `guide build`. It reports, each at its line of the
// file: TOML it cannot read or keys it does not know, ids that are not
// well formed or are used twice, a text missing in a language, a
// question with fewer than two answers, a start or an answer that leads
// nowhere, an outcome that names a number not in
// data/contacts.toml or a page not in content/, answers that loop, a
// question or outcome nothing leads to, and any path that breaks the
// safety rule (safety.go). Following a reader's answers through the guide
// (Walk, Paths, Step) is the tests' own, in export_test.go.
package decision

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/okcguide/guide/internal/diag"
)

// File is where the decision guide lives, relative to the site's source.
const File = "data/decision.toml"

// Text is one piece of text in each language, by language code.
type Text map[string]string

// Answer is one choice under a question.
type Answer struct {
	ID   string `toml:"id"`
	Text Text   `toml:"text"`
	// Next is the id of the question or outcome this answer leads to.
	Next string `toml:"next"`
	// What the reader says by choosing the answer, which the safety rule
	// (safety.go) reads instead of the answer's words.
	//
	// Safe: nobody is hurt or could get hurt. Over: it is not happening
	// now, and the person is gone. Informational: a question, an update
	// on a case, or lost property. Noise: a noise complaint. Violence:
	// someone was attacked, threatened or robbed, or there was a weapon.
	Safe          bool `toml:"safe"`
	Over          bool `toml:"over"`
	Informational bool `toml:"informational"`
	Noise         bool `toml:"noise"`
	Violence      bool `toml:"violence"`
}

// Question is one step of the guide.
type Question struct {
	ID      string   `toml:"id"`
	Text    Text     `toml:"text"`
	Help    Text     `toml:"help"`
	Answers []Answer `toml:"answer"`
}

// Outcome is where a path ends.
type Outcome struct {
	ID string `toml:"id"`
	// Call names the number in data/contacts.toml the outcome offers.
	Call  string `toml:"call"`
	Title Text   `toml:"title"`
	Text  Text   `toml:"text"`
	// Link names a page of the guide (its content file without .md), and
	// LinkText is the link's text.
	Link     string `toml:"link"`
	LinkText Text   `toml:"linkText"`
}

// Guide is the whole file.
type Guide struct {
	// Start is the id of the first question.
	Start     string     `toml:"start"`
	Questions []Question `toml:"question"`
	Outcomes  []Outcome  `toml:"outcome"`
}

// Site is what Load checks the guide against.
type Site struct {
	Source string
	// Langs are the site's language codes; every text needs each one.
	Langs []string
	// Calls are the names of the numbers in data/contacts.toml.
	Calls map[string]bool
}

// Load reads and checks the decision guide of the site. It returns nil and
// no error when the site has no decision guide.
func Load(site Site) (*Guide, error) {
	data, err := os.ReadFile(filepath.Join(site.Source, filepath.FromSlash(File)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &diag.Error{File: File, Msg: "cannot read the decision guide: " + diag.Cause(err).Error()}
	}
	var g Guide
	if err := diag.DecodeTOML(File, data, &g, "decision", nil); err != nil {
		return nil, err
	}
	c := &checker{site: site, lines: tableLines(data)}
	c.check(&g)
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	return &g, nil
}

// id is what a question, answer or outcome id may be: it is also the
// anchor of its section on the page.
var id = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

type checker struct {
	site  Site
	lines lines
	errs  diag.List
}

func (c *checker) errorf(line int, format string, args ...any) {
	c.errs = append(c.errs, &diag.Error{File: File, Line: line, Col: 1, Rule: "decision", Msg: fmt.Sprintf(format, args...)})
}

// text checks that t, the key of owner, has every language.
func (c *checker) text(line int, t Text, owner, key string, optional bool) {
	if len(t) == 0 && optional {
		return
	}
	for _, lang := range c.site.Langs {
		if strings.TrimSpace(t[lang]) == "" {
			c.errorf(line, "%s needs %s.%s, its %s in that language", owner, key, lang, key)
		}
	}
}

func (c *checker) check(g *Guide) {
	nodes := map[string]int{} // id → line of its table
	add := func(nodeID string, line int, kind string) {
		switch {
		case !id.MatchString(nodeID):
			c.errorf(line, "%s id %q must be lowercase letters, digits and dashes, like call-911", kind, nodeID)
		case nodes[nodeID] != 0:
			c.errorf(line, "%s id %q is used twice (first at line %d)", kind, nodeID, nodes[nodeID])
		default:
			nodes[nodeID] = max(line, 1)
		}
	}
	for i, q := range g.Questions {
		add(q.ID, c.lines.question(i), "question")
	}
	for i, o := range g.Outcomes {
		add(o.ID, c.lines.outcome(i), "outcome")
	}
	if len(g.Questions) == 0 {
		c.errorf(1, "no questions: add a [[question]]")
		return
	}
	if g.Start == "" || g.question(g.Start) == nil {
		c.errorf(c.lines.start, "start = %q must name a question", g.Start)
	}
	for i, q := range g.Questions {
		line := c.lines.question(i)
		c.text(line, q.Text, "question "+q.ID, "text", false)
		c.text(line, q.Help, "question "+q.ID, "help", true)
		if len(q.Answers) < 2 {
			c.errorf(line, "question %s needs at least two answers", q.ID)
		}
		seen := map[string]bool{}
		for j, a := range q.Answers {
			aline := c.lines.answer(i, j)
			switch {
			case !id.MatchString(a.ID):
				c.errorf(aline, "answer id %q must be lowercase letters, digits and dashes, like not-sure", a.ID)
			case seen[a.ID]:
				c.errorf(aline, "question %s has two answers with id %q", q.ID, a.ID)
			}
			seen[a.ID] = true
			c.text(aline, a.Text, "answer "+q.ID+": "+a.ID, "text", false)
			if nodes[a.Next] == 0 {
				c.errorf(aline, "answer %s: %s leads to %q, which is no question or outcome", q.ID, a.ID, a.Next)
			}
		}
	}
	for i, o := range g.Outcomes {
		line := c.lines.outcome(i)
		c.text(line, o.Title, "outcome "+o.ID, "title", false)
		c.text(line, o.Text, "outcome "+o.ID, "text", false)
		if !c.site.Calls[o.Call] {
			c.errorf(line, "outcome %s: call = %q must name a number in data/contacts.toml (%s)", o.ID, o.Call, strings.Join(slices.Sorted(maps.Keys(c.site.Calls)), ", "))
		}
		if o.Link != "" {
			if _, err := os.Stat(filepath.Join(c.site.Source, "content", filepath.FromSlash(o.Link)+".md")); err != nil {
				c.errorf(line, "outcome %s: link = %q names no page in content/", o.ID, o.Link)
			}
			c.text(line, o.LinkText, "outcome "+o.ID, "linkText", false)
		}
	}
	if len(c.errs) > 0 {
		return
	}
	// Every question and outcome is reached from the start, and no path
	// comes back to a question it has passed.
	reached := map[string]bool{}
	loops := false
	var visit func(n string, path []string)
	visit = func(n string, path []string) {
		for _, p := range path {
			if p == n {
				c.errorf(nodes[n], "the answers loop: %s → %s", strings.Join(path, " → "), n)
				loops = true
				return
			}
		}
		reached[n] = true
		if q := g.question(n); q != nil {
			for _, a := range q.Answers {
				visit(a.Next, append(path[:len(path):len(path)], n))
			}
		}
	}
	visit(g.Start, nil)
	for n, line := range nodes {
		if !reached[n] {
			c.errorf(line, "no answer leads to %s", n)
		}
	}
	if !loops {
		c.safety(g)
	}
}

func (g *Guide) question(id string) *Question {
	if i := g.questionIndex(id); i >= 0 {
		return &g.Questions[i]
	}
	return nil
}

// lines records where each table of the file starts, so that problems are
// reported at the question, answer or outcome they are about.
type lines struct {
	start     int
	questions []int   // line of each [[question]]
	answers   [][]int // line of each [[question.answer]], by question
	outcomes  []int   // line of each [[outcome]]
}

func tableLines(data []byte) lines {
	l := lines{start: diag.TOMLLine(data, "start")}
	for _, t := range diag.TOMLTables(data) {
		switch strings.Join(t.Path, ".") {
		case "question":
			l.questions = append(l.questions, t.Line)
			l.answers = append(l.answers, nil)
		case "question.answer":
			if n := len(l.answers); n > 0 {
				l.answers[n-1] = append(l.answers[n-1], t.Line)
			}
		case "outcome":
			l.outcomes = append(l.outcomes, t.Line)
		}
	}
	return l
}

func at(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}

func (l lines) question(i int) int { return at(l.questions, i) }
func (l lines) outcome(i int) int  { return at(l.outcomes, i) }
func (l lines) answer(i, j int) int {
	if i < len(l.answers) {
		return at(l.answers[i], j)
	}
	return 0
}

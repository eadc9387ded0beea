package decision

import (
	"fmt"
	"strings"
)

// What follows walks the guide the way a reader does, for the tests of
// the guide's scenarios and paths; the build needs none of it.

// Outcome returns the outcome with the id, or nil.
func (g *Guide) Outcome(id string) *Outcome { return g.outcome(id) }

// Step is one answer a reader gives: the question's id and the answer's.
type Step struct {
	Question, Answer string
}

func (s Step) String() string { return s.Question + ": " + s.Answer }

// ParseStep reads a step written "question: answer".
func ParseStep(s string) (Step, error) {
	q, a, ok := strings.Cut(s, ":")
	if !ok {
		return Step{}, fmt.Errorf("%q is not written question: answer", s)
	}
	return Step{strings.TrimSpace(q), strings.TrimSpace(a)}, nil
}

// Walk follows the reader's answers from the first question and returns
// the outcome they reach. Each step must answer the question the reader is
// at, and the answers must end at an outcome.
func (g *Guide) Walk(steps []Step) (*Outcome, error) {
	at := g.Start
	for i, s := range steps {
		q := g.question(at)
		if q == nil {
			return nil, fmt.Errorf("step %d (%s): the reader is already at outcome %s", i+1, s, at)
		}
		if s.Question != q.ID {
			return nil, fmt.Errorf("step %d (%s): the reader is at question %s", i+1, s, q.ID)
		}
		next := ""
		for _, a := range q.Answers {
			if a.ID == s.Answer {
				next = a.Next
			}
		}
		if next == "" {
			return nil, fmt.Errorf("step %d (%s): question %s has no answer %q", i+1, s, q.ID, s.Answer)
		}
		at = next
	}
	o := g.Outcome(at)
	if o == nil {
		return nil, fmt.Errorf("the answers stop at question %s, before an outcome", at)
	}
	return o, nil
}

// Paths returns every way through the guide, each as the steps taken, in
// the order of the file.
func (g *Guide) Paths() [][]Step {
	var out [][]Step
	var walk func(at string, path []Step)
	walk = func(at string, path []Step) {
		q := g.question(at)
		if q == nil {
			out = append(out, path)
			return
		}
		for _, a := range q.Answers {
			walk(a.Next, append(path[:len(path):len(path)], Step{q.ID, a.ID}))
		}
	}
	walk(g.Start, nil)
	return out
}

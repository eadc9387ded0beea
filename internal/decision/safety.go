package decision

import (
	"strings"

	"github.com/okcguide/guide/internal/contacts"
)

// The safety rule, over every path from the first question to an outcome:
//
//   - A path that passes an answer marked violence ends at 911.
//   - A path may end at an outcome other than 911 only if one of its
//     answers is marked safe (nobody is hurt or could get hurt), and one is
//     marked over (it is not happening now, and the person is gone), or
//     informational or noise (matters the source puts on the line whether
//     or not they are going on).
//
// The rule reads the marks, not the words, so it holds whatever the topics
// are. A path that breaks it is reported at the answer that ends it.

// step is one answer on a path, with the line of its table.
type step struct {
	question string
	answer   *Answer
	line     int
}

func (c *checker) safety(g *Guide) {
	reported := map[int]bool{}
	var walk func(at string, path []step)
	walk = func(at string, path []step) {
		qi := g.questionIndex(at)
		if qi < 0 {
			if msg := unsafe(g.outcome(at), path); msg != "" {
				last := path[len(path)-1]
				if !reported[last.line] {
					reported[last.line] = true
					c.errorf(last.line, "%s: %s", describe(path, at), msg)
				}
			}
			return
		}
		q := &g.Questions[qi]
		for j := range q.Answers {
			a := &q.Answers[j]
			walk(a.Next, append(path[:len(path):len(path)], step{q.ID, a, c.lines.answer(qi, j)}))
		}
	}
	walk(g.Start, nil)
}

// unsafe says how the path to o breaks the safety rule, or "" when it
// keeps it.
func unsafe(o *Outcome, path []step) string {
	var safe, over, violence bool
	for _, s := range path {
		safe = safe || s.answer.Safe
		over = over || s.answer.Over || s.answer.Informational || s.answer.Noise
		violence = violence || s.answer.Violence
	}
	switch {
	case o.Call == contacts.EmergencyName:
		return ""
	case violence:
		return "violence against a person must end at 911, even when it is over"
	case !safe:
		return "only 911 may follow unless the reader says nobody is hurt or could get hurt (an answer marked safe = true)"
	case !over:
		return "only 911 may follow unless the reader says it is not happening now and the person is gone (an answer marked over = true), or the matter is informational or noise"
	}
	return ""
}

// describe writes a path as the reader takes it: "danger: no → what: other → call-line".
func describe(path []step, outcome string) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteString(s.question + ": " + s.answer.ID + " → ")
	}
	return b.String() + outcome
}

func (g *Guide) questionIndex(id string) int {
	for i := range g.Questions {
		if g.Questions[i].ID == id {
			return i
		}
	}
	return -1
}

func (g *Guide) outcome(id string) *Outcome {
	for i := range g.Outcomes {
		if g.Outcomes[i].ID == id {
			return &g.Outcomes[i]
		}
	}
	return nil
}

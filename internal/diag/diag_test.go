package diag_test

import (
	"testing"

	"github.com/okcguide/guide/internal/diag"
)

// Error prints the problems sorted by file, line and column, and leaves
// the list as it was: printing a list must not change it.
func TestListError(t *testing.T) {
	b := &diag.Error{File: "b.md", Line: 1, Msg: "b"}
	a2 := &diag.Error{File: "a.md", Line: 2, Col: 1, Rule: "r", Msg: "a2"}
	a1 := &diag.Error{File: "a.md", Line: 1, Msg: "a1"}
	l := diag.List{b, a2, a1}
	want := "a.md:1: a1\na.md:2:1: r: a2\nb.md:1: b"
	if got := l.Error(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if l[0] != b || l[1] != a2 || l[2] != a1 {
		t.Errorf("Error reordered the list: %v, %v, %v", l[0], l[1], l[2])
	}
}

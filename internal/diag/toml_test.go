package diag_test

import (
	"testing"

	"github.com/okcguide/guide/internal/diag"
)

func TestTOMLLine(t *testing.T) {
	doc := []byte(`title = "Guide"
[params.guide]
  "quoted" = 2
[params.guide.budgets]
# a comment
pageGzip = 3
nested.key = 4
[[sources]]
name = 'x'
[nonEmergency]
tel = "+14052971212"
`)
	for _, tc := range []struct {
		path []string
		want int
	}{
		{[]string{"title"}, 1},
		{[]string{"params", "guide"}, 2},
		{[]string{"params", "guide", "quoted"}, 3},
		{[]string{"Params", "Guide", "Budgets", "PAGEGZIP"}, 6},
		{[]string{"params", "guide", "budgets", "nested", "key"}, 7},
		{[]string{"sources"}, 8},
		{[]string{"sources", "name"}, 9},
		{[]string{"nonEmergency", "tel"}, 11},
		{[]string{"tel"}, 0},
		{[]string{"params", "guide", "budgets", "jsGzip"}, 0},
		{[]string{"params"}, 2},                    // made by [params.guide]
		{[]string{"params", "guide", "nested"}, 0}, // a key of budgets, not of guide
		{[]string{"params", "guide", "budgets", "nested"}, 7},
	} {
		if got := diag.TOMLLine(doc, tc.path...); got != tc.want {
			t.Errorf("TOMLLine(%q) = %d, want %d", tc.path, got, tc.want)
		}
	}
	if got := diag.TOMLLine([]byte("a = \n"), "a"); got != 0 {
		t.Errorf("a document that does not parse: %d, want 0", got)
	}
}

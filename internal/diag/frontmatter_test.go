package diag

import "testing"

func TestFrontMatterLine(t *testing.T) {
	for _, tc := range []struct {
		page string
		want int
	}{
		{"---\ntitle: A\nWeight: 3\n---\nText\n", 3},
		{"\n\n+++\ntitle = 'A'\n\nweight = 3\n+++\n", 6},
		{"{\n  \"title\": \"A\",\n  \"weight\": 3\n}\n", 3},
		{"---\ntitle: A\n---\n", 2}, // missing: the front matter's first line
		{"Just text.\n", 1},         // no front matter
	} {
		if got := FrontMatterLine([]byte(tc.page), "weight"); got != tc.want {
			t.Errorf("%q: line %d, want %d", tc.page, got, tc.want)
		}
	}
}

package lint

import "testing"

func TestFrontMatterKeyLine(t *testing.T) {
	for _, tc := range []struct {
		format, text string
		want         int
	}{
		{"yaml", "title: A\nWeight: 3\n", 11},
		{"toml", "title = 'A'\n\nweight = 3\n", 12},
		{"json", "{\n  \"title\": \"A\",\n  \"weight\": 3\n}\n", 12},
		{"yaml", "title: A\n", 10}, // missing: the front matter's first line
	} {
		p := &page{fmFormat: tc.format, fmText: tc.text, fmLine: 10}
		if got := p.fmKeyLine("weight"); got != tc.want {
			t.Errorf("%s %q: line %d, want %d", tc.format, tc.text, got, tc.want)
		}
	}
}

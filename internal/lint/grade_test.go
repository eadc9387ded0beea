package lint

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Syllable counts from a dictionary, for words the guide uses and a few
// classic traps. The heuristic must get nearly all of them right.
var dictionarySyllables = map[string]int{
	"call": 1, "police": 2, "emergency": 4, "non-emergency": 5, "line": 1,
	"danger": 2, "someone": 2, "dispatcher": 3, "decide": 2, "connection": 3,
	"online": 2, "report": 2, "incidents": 3, "website": 2, "official": 3,
	"community": 4, "neighborhood": 3, "safety": 2, "events": 2, "theft": 1,
	"vandalism": 4, "complaint": 2, "general": 3, "question": 2, "programs": 2,
	"burglary": 3, "suspect": 2, "suspicious": 3, "activity": 4, "property": 3,
	"status": 2, "already": 3, "happened": 2, "minor": 2, "people": 2,
	"response": 2, "better": 2, "choosing": 2, "number": 2, "guide": 1,
	"device": 2, "information": 4, "address": 2, "nearest": 2, "streets": 1,
	"plates": 1, "case": 1, "calm": 1, "questions": 2, "comes": 1,
	"checklist": 2, "advice": 2, "faster": 2, "ready": 2, "qualify": 3,
	"matters": 2, "reported": 3, "small": 1, "city": 2, "department": 3,
	"facts": 1, "checked": 1, "saved": 1, "opens": 2, "visit": 2,
	"choose": 1, "between": 2, "button": 2, "page": 1, "screen": 1,
	"anything": 3, "sure": 1, "urgent": 2, "threatening": 3, "free": 1,
	"agree": 2, "value": 2, "going": 2, "saying": 2, "area": 3,
	"radio": 3, "actual": 3, "dial": 2, "safely": 2, "statement": 2,
	"needed": 2, "wanted": 2, "used": 1, "called": 1, "makes": 1,
	"boxes": 2, "changes": 2, "the": 1, "table": 2, "while": 1,
	"hours": 1, "twenty-four": 3, "translation": 3, "translations": 3,
	"happening": 3, "answer": 2, "tap": 1, "home": 1, "screen's": 1,
	"wait": 1, "waits": 1, "times": 1, "everyone": 3, "shorter": 2,
	"talk": 1, "tip": 1, "share": 1, "open": 2, "case's": 1,
}

func TestSyllables(t *testing.T) {
	wrong := 0
	for w, want := range dictionarySyllables {
		if got := countSyllables(w); got != want {
			wrong++
			t.Logf("%s: %d syllables, the dictionary says %d", w, got, want)
		}
	}
	// A heuristic, but a good one: at most 3% wrong.
	if limit := len(dictionarySyllables) * 3 / 100; wrong > limit {
		t.Errorf("%d of %d words wrong, want at most %d", wrong, len(dictionarySyllables), limit)
	}
	for w, want := range map[string]int{"911": 2, "24": 2, "2026": 2, "24/7": 2, "297-1212": 2, "x": 1, "": 1, "2nd": 1} {
		if got := countSyllables(w); got != want {
			t.Errorf("Syllables(%q) = %d, want %d", w, got, want)
		}
	}
}

func TestGradeFormula(t *testing.T) {
	// 0.39 × words/sentences + 11.8 × syllables/words − 15.59
	for _, tc := range []struct {
		s    textStats
		want float64
	}{
		{textStats{words: 100, sentences: 5, syllables: 150}, 0.39*20 + 11.8*1.5 - 15.59},
		{textStats{words: 6, sentences: 1, syllables: 7}, 0.39*6 + 11.8*7/6 - 15.59},
		{textStats{words: 30, sentences: 1, syllables: 60}, 0.39*30 + 11.8*2 - 15.59},
	} {
		if got := tc.s.grade(); math.Abs(got-tc.want) > 0.05+1e-9 {
			t.Errorf("%+v: grade %.2f, want %.1f", tc.s, got, tc.want)
		}
	}
	if g := (textStats{}).grade(); g != 0 {
		t.Errorf("no words: grade %v, want 0", g)
	}
}

// How prose is counted: each block ends a sentence; full stops inside a
// block end sentences too, but not after abbreviations; a shortcode is one
// word; lines with no letters are skipped.
func TestProseCounting(t *testing.T) {
	for _, tc := range []struct {
		text                       string
		words, sentences, syllable int
	}{
		{"The cat sat on the mat.", 6, 1, 6},
		{"Call now. Stay on the line!", 6, 2, 6},
		{"Go to the police e.g. at night", 7, 1, 8},
		{"Call \x01 today", 3, 1, 5},
		{"2019", 0, 0, 0},
		{"— a list item without a stop", 6, 1, 8},
	} {
		var s textStats
		s.addBlock(tc.text)
		if s.words != tc.words || s.sentences != tc.sentences || s.syllables != tc.syllable {
			t.Errorf("%q: %d words, %d sentences, %d syllables; want %d, %d, %d", tc.text, s.words, s.sentences, s.syllables, tc.words, tc.sentences, tc.syllable)
		}
	}
}

// hugo.toml's [params.guide.lint] sets the limits, as settings reads
// them (settings' own tests check their values).
func TestConfig(t *testing.T) {
	// The grade and stale fixtures together: 3 pages above grade 8; 3 stale
	// warnings at 365 days (1 page too old, 1 in the future, and the data
	// file's check), 2 more at 1 day (the pages checked 365 days and this
	// month ago).
	var a txtar.Archive
	for _, name := range []string{"grade", "stale"} {
		b, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
		if err != nil {
			t.Fatal(err)
		}
		a.Files = append(a.Files, b.Files...)
	}
	src := fixtureSite(t, &a)
	data, err := os.ReadFile(filepath.Join(src, "hugo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	// setConfig writes hugo.toml with one line changed.
	setConfig := func(old, new string) {
		t.Helper()
		if !strings.Contains(cfg, old) {
			t.Fatalf("hugo.toml has no %q", old)
		}
		if err := os.WriteFile(filepath.Join(src, "hugo.toml"), []byte(strings.Replace(cfg, old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	count := func(rule string) int {
		t.Helper()
		res, err := runOn(src, testClock)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range append(res.Errors, res.Warnings...) {
			if e.Rule == rule {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		old, new string
		rule     string
		want     int
	}{
		{"maxGrade = 8.0", "maxGrade = 8.0", "grade", 3},
		{"maxGrade = 8.0", "maxGrade = 40", "grade", 0},
		{"maxGrade = 8.0", "maxgrade = 36", "grade", 2}, // keys ignore case, as in Hugo
		{"maxAgeDays = 365", "maxAgeDays = 365", "stale", 3},
		{"maxAgeDays = 365", "maxAgeDays = 1", "stale", 5},
	} {
		setConfig(tc.old, tc.new)
		if n := count(tc.rule); n != tc.want {
			t.Errorf("%s: %d %s problems, want %d", tc.new, n, tc.rule, tc.want)
		}
	}
}

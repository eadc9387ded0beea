package lint

import (
	"math"
	"strings"
	"sync"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"github.com/okcguide/guide/internal/decision"
)

// checkGrade reports an English page whose prose reads above the grade
// limit. The Flesch-Kincaid formula and the syllable counter are built for
// English, so pages in other languages (about.es.md) are skipped.
//
// What counts as prose: paragraphs, list items, table cells and quotes.
// Headings are left out: they are short labels, not sentences, and counting
// each as a sentence would pull the grade down and hide hard paragraphs.
// Code is left out, and so are list items with no letters (like "1." or
// "2026"). A shortcode counts as one word of two syllables: it stands for a
// name or a number the reader sees as one unit.
func (l *linter) checkGrade(p *page) {
	if !strings.HasPrefix(p.lang, "en") {
		return
	}
	s := proseStats(p)
	if s.words == 0 {
		return
	}
	if g := s.grade(); g > l.cfg.MaxGrade+1e-9 {
		l.errorAt(p.rel, 1, 1, "grade", "reading grade %.1f is above %g (%d words in %d sentences, %.2f syllables a word): use shorter sentences and plainer words", g, l.cfg.MaxGrade, s.words, s.sentences, float64(s.syllables)/float64(s.words))
	}
}

// checkDecisionGrade reports English text in data/decision.toml that reads
// above the grade limit, counted as one page: each question, its help, each
// answer and each outcome's text is a block. Outcome titles are headings.
func (l *linter) checkDecisionGrade(g *decision.Guide) {
	var s textStats
	for _, q := range g.Questions {
		s.addBlock(q.Text["en"])
		s.addBlock(q.Help["en"])
		for _, a := range q.Answers {
			s.addBlock(a.Text["en"])
		}
	}
	for _, o := range g.Outcomes {
		s.addBlock(o.Text["en"])
	}
	if gr := s.grade(); gr > l.cfg.MaxGrade+1e-9 {
		l.errorAt(decision.File, 1, 1, "grade", "reading grade %.1f of the English text is above %g (%d words in %d sentences, %.2f syllables a word): use shorter sentences and plainer words", gr, l.cfg.MaxGrade, s.words, s.sentences, float64(s.syllables)/float64(s.words))
	}
}

// textStats counts what the Flesch-Kincaid grade needs.
type textStats struct {
	words, sentences, syllables int
}

// grade is the Flesch-Kincaid grade level, rounded to one decimal.
func (s textStats) grade() float64 {
	if s.words == 0 || s.sentences == 0 {
		return 0
	}
	g := 0.39*float64(s.words)/float64(s.sentences) + 11.8*float64(s.syllables)/float64(s.words) - 15.59
	return math.Round(g*10) / 10
}

// proseStats counts the words, sentences and syllables of a page's prose.
func proseStats(p *page) textStats {
	var s textStats
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Heading, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		if n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
			for _, r := range textRuns(p, n, true) {
				s.addBlock(string(r.text))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return s
}

// addBlock counts one block of text. The end of a block ends a sentence,
// so list items without a full stop count as sentences.
func (s *textStats) addBlock(text string) {
	if !strings.ContainsFunc(text, unicode.IsLetter) && !strings.ContainsRune(text, shortcodeMark) {
		return // only numbers or marks, like a list of years
	}
	open := false
	for _, f := range strings.Fields(text) {
		core := strings.TrimFunc(f, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != shortcodeMark
		})
		switch {
		case strings.ContainsRune(core, shortcodeMark):
			s.words++
			s.syllables += 2
		case core != "":
			s.words++
			s.syllables += cachedSyllables(core)
		default:
			continue // a dash or a bullet on its own
		}
		open = true
		if endsSentence(f) && !abbreviations[strings.ToLower(core)] {
			s.sentences++
			open = false
		}
	}
	if open {
		s.sentences++
	}
}

// syllableCache remembers countSyllables by word: a site repeats its words far
// more often than it adds new ones.
var syllableCache sync.Map

func cachedSyllables(word string) int {
	if n, ok := syllableCache.Load(word); ok {
		return n.(int)
	}
	n := countSyllables(word)
	syllableCache.Store(word, n)
	return n
}

// endsSentence reports whether a word ends with . ! ? or …, maybe followed
// by closing quotes, brackets or emphasis marks.
func endsSentence(word string) bool {
	w := strings.TrimRight(word, "\"')]»”’*_")
	return strings.HasSuffix(w, ".") || strings.HasSuffix(w, "!") || strings.HasSuffix(w, "?") || strings.HasSuffix(w, "…")
}

// abbreviations end with a full stop but not a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"st": true, "ave": true, "vs": true, "jr": true, "sr": true,
	"a.m": true, "p.m": true, "approx": true, "dept": true,
}

// countSyllables estimates how many syllables an English word has. It is a
// heuristic (vowel groups, silent endings, common suffixes and a short list
// of exceptions), right for most everyday words. Hyphenated words add up
// their parts. A number with no letters ("911", "24/7", "297-1212") counts
// as two syllables: readers take it in as one unit, however long it is.
func countSyllables(word string) int {
	word = strings.ToLower(word)
	if !strings.ContainsFunc(word, unicode.IsLetter) && strings.ContainsFunc(word, unicode.IsDigit) {
		return 2
	}
	for _, s := range []string{"'s", "’s"} {
		word = strings.TrimSuffix(word, s) // possessive: "case's" says like "case"
	}
	total := 0
	for _, part := range strings.FieldsFunc(word, func(r rune) bool { return r == '-' || r == '/' || r == '–' || r == '—' }) {
		var letters, digits strings.Builder
		for _, r := range part {
			switch {
			case r >= 'a' && r <= 'z':
				letters.WriteRune(r)
			case unicode.IsLetter(r):
				letters.WriteRune(foldAccent(r))
			case unicode.IsDigit(r):
				digits.WriteRune(r)
			}
		}
		switch {
		case letters.Len() > 0:
			total += syllablesOf(letters.String())
		case digits.Len() > 0:
			total += 2
		}
	}
	return max(total, 1)
}

func foldAccent(r rune) rune {
	switch r {
	case 'á', 'à', 'â', 'ä':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'í', 'ì', 'î', 'ï':
		return 'i'
	case 'ó', 'ò', 'ô', 'ö':
		return 'o'
	case 'ú', 'ù', 'û', 'ü':
		return 'u'
	}
	return 'x'
}

// syllableExceptions are common words the rules below get wrong.
var syllableExceptions = map[string]int{
	"people": 2, "business": 2, "someone": 2, "anyone": 3, "everyone": 3,
	"area": 3, "idea": 3, "create": 2, "created": 3, "creates": 2,
	"real": 1, "really": 2, "every": 2, "everything": 3, "different": 3,
	"evening": 2, "interest": 3, "interesting": 4, "usually": 4, "quiet": 2,
	"science": 2, "poem": 2, "lion": 2, "being": 2, "seeing": 2,
	"answer": 2, "answers": 2, "answered": 2, "whole": 1, "sometimes": 2,
	"somewhere": 2, "something": 2, "lives": 1, "themselves": 2, "maybe": 2,
	"okay": 2, "oklahoma": 4, "fire": 1, "hour": 1, "hours": 1, "our": 1,
	"violence": 3, "violent": 3, "serious": 3, "period": 3, "video": 3,
}

func syllablesOf(w string) int {
	if n, ok := syllableExceptions[w]; ok {
		return n
	}
	if len(w) <= 3 {
		return 1
	}
	for _, suf := range []string{"ly", "ty", "ful", "ment", "ness", "less"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			stem := w[:len(w)-len(suf)]
			if _, ok := syllableExceptions[stem]; ok || countVowelGroups(stem) > 0 {
				return syllablesOf(stem) + 1
			}
		}
	}
	n := countVowelGroups(w)
	last := len(w) - 1
	consonantAt := func(i int) bool { return i >= 0 && i < len(w) && !isVowel(w, i) }
	switch {
	case strings.HasSuffix(w, "le") && consonantAt(last-2):
		// "people", "table": the -le is a syllable of its own.
	case strings.HasSuffix(w, "e") && consonantAt(last-1):
		n-- // silent e: "make", "police"
	case strings.HasSuffix(w, "es") && len(w) > 4 && !strings.ContainsRune("sxzcg", rune(w[last-2])) &&
		!strings.HasSuffix(w, "ches") && !strings.HasSuffix(w, "shes"):
		n-- // "makes", "lines", "goes"
	case strings.HasSuffix(w, "ed") && consonantAt(last-2) && w[last-2] != 't' && w[last-2] != 'd':
		n-- // "called", "used"
	}
	// Vowel pairs said as two syllables: "dial", "radio", "actual", "video".
	for i := 1; i < len(w); i++ {
		pair := w[i-1 : i+1]
		before := byte(0)
		if i >= 2 {
			before = w[i-2]
		}
		switch pair {
		case "ia":
			if !strings.ContainsRune("cts", rune(before)) {
				n++
			}
		case "io":
			if !strings.ContainsRune("ctsx", rune(before)) {
				n++
			}
		case "ua":
			if !strings.ContainsRune("qg", rune(before)) {
				n++
			}
		case "iu", "eo":
			n++
		}
	}
	// "-ism" is two: "vandalism".
	if strings.HasSuffix(w, "ism") {
		n++
	}
	// "-ing" after a vowel: "going", "saying".
	if strings.HasSuffix(w, "ing") && len(w) > 4 && isVowel(w, len(w)-4) {
		n++
	}
	return max(n, 1)
}

func countVowelGroups(w string) int {
	n := 0
	prev := false
	for i := range len(w) {
		v := isVowel(w, i)
		if v && !prev {
			n++
		}
		prev = v
	}
	return n
}

// isVowel: a, e, i, o, u, and y when it is not the first letter.
func isVowel(w string, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	case 'y':
		return i > 0
	}
	return false
}

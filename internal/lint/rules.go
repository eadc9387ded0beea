package lint

import (
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// checkPage runs every rule on one page that was read and split.
func (l *linter) checkPage(p *page) {
	if p.doc == nil {
		return // read already reported why
	}
	l.checkFrontMatterPhones(p)
	l.checkStale(p)
	l.checkHeadings(p)
	l.checkBody(p)
	l.checkGrade(p)
}

// checkHeadings: the page title is the page's one h1, so markdown headings
// start at ##, and no level is skipped on the way down.
func (l *linter) checkHeadings(p *page) {
	prev := 1 // the title
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		line, col := p.pos(headingStart(p, h))
		switch {
		case h.Level == 1:
			l.errorAt(p.rel, line, col, "headings", "more than one top heading: the title is the page's h1; start headings in the text at ##")
		case h.Level > prev+1:
			l.errorAt(p.rel, line, col, "headings", "heading level skips from h%d to h%d; use h%d", prev, h.Level, prev+1)
		}
		prev = h.Level
		return ast.WalkSkipChildren, nil
	})
}

// headingStart is where a heading's line starts (the # marks), not its text.
func headingStart(p *page, h *ast.Heading) int {
	off := nodePos(h)
	if h.Lines().Len() > 0 {
		off = h.Lines().At(0).Start
	}
	line, _ := p.pos(off)
	start := p.lines[line-1]
	for start < len(p.body) && (p.body[start] == ' ' || p.body[start] == '>') {
		start++
	}
	if h.Lines().Len() > 0 && start > off {
		return off
	}
	return start
}

// checkBody walks the markdown: typed and mismatched numbers, link text,
// link targets and raw HTML.
func (l *linter) checkBody(p *page) {
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				r := &mappedText{}
				r.add(seg.Value(p.body), seg.Start)
				l.checkCodePhones(p, r)
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			r := &mappedText{}
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					r.add(t.Segment.Value(p.body), t.Segment.Start)
				}
			}
			l.checkCodePhones(p, r)
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if n.HTMLBlockType == ast.HTMLBlockType2 {
				return ast.WalkSkipChildren, nil // a comment: Hugo drops it, as meant
			}
			first := n.Lines().At(0)
			line, col := p.pos(first.Start)
			l.errorAt(p.rel, line, col, "raw-html", "the HTML block %s is left out of the built page: write it in markdown instead", tagName(first.Value(p.body)))
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if n.Segments.Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			seg := n.Segments.At(0)
			if v := string(seg.Value(p.body)); strings.HasPrefix(v, "<!--") || strings.HasPrefix(v, "</") {
				// A comment, dropped as meant; or an end tag, whose start
				// tag is reported already.
				return ast.WalkSkipChildren, nil
			}
			line, col := p.pos(seg.Start)
			l.errorAt(p.rel, line, col, "raw-html", "the HTML tag %s is left out of the built page: write it in markdown instead", tagName(seg.Value(p.body)))
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			l.checkLink(p, n, string(n.Destination), plainText(n, p.body), false)
		case *ast.Image:
			l.checkLink(p, n, string(n.Destination), plainText(n, p.body), true)
		case *ast.AutoLink:
			if u := string(n.URL(p.body)); isTel(u) {
				l.checkTel(p, nodePos(n), u)
			}
		}
		if n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
			for _, r := range textRuns(p, n, false) {
				l.checkPlainPhones(p, r)
			}
		}
		return ast.WalkContinue, nil
	})
}

// tagName is the tag a piece of raw HTML starts with, like <b>, for
// messages.
func tagName(b []byte) string {
	s := strings.TrimSpace(string(b))
	end := strings.IndexAny(s[min(len(s), 1):], " \t\n>") + 1
	if end <= 0 || end > 20 {
		end = min(len(s), 20)
	}
	return strings.TrimSuffix(s[:end], "/") + ">"
}

// vagueLinkText are link texts that do not say where a link goes (English
// and Spanish), compared after trimming, lower-casing and dropping end
// punctuation.
var vagueLinkText = map[string]bool{
	"here": true, "click here": true, "click": true, "read more": true, "more": true,
	"link": true, "this link": true, "this": true, "go": true,
	"aquí": true, "aqui": true, "haga clic aquí": true, "haga clic aqui": true,
	"clic aquí": true, "pulse aquí": true, "leer más": true, "leer mas": true,
	"más": true, "enlace": true, "este enlace": true,
}

// checkLink: link text that says where the link goes, image alt text, a
// tel: number from the data, and a target that is there.
func (l *linter) checkLink(p *page, n ast.Node, dest, text string, image bool) {
	off := nodePos(n)
	line, col := p.pos(off)
	words := strings.ToLower(strings.Join(strings.Fields(text), " "))
	words = strings.TrimRight(words, ".:!?…,;»\"'")
	words = strings.TrimLeft(words, "«\"'¡¿")
	switch {
	case image && words == "":
		l.errorAt(p.rel, line, col, "link-text", "the image has no alt text: describe it between the [ ] for people who cannot see it")
	case !image && words == "" && !hasImageWithAlt(n, p.body):
		l.errorAt(p.rel, line, col, "link-text", "the link has no text: say where it goes between the [ ]")
	case !image && vagueLinkText[words]:
		l.errorAt(p.rel, line, col, "link-text", "the link text %q does not say where the link goes: use words like \"how to report online\"", strings.TrimSpace(text))
	}
	if isTel(dest) {
		l.checkTel(p, off, dest)
		return
	}
	l.checkTarget(p, off, dest)
}

func hasImageWithAlt(n ast.Node, src []byte) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := c.(*ast.Image); ok && entering && strings.TrimSpace(plainText(img, src)) != "" {
			found = true
		}
		return ast.WalkContinue, nil
	})
	return found
}

// checkTarget checks what the source alone can say of a link's or an
// image's target: that it is there and reads as a URL. Where it leads is
// checked on what Hugo makes of it: the link render hook fails the build
// on a page that does not exist, the structure stage checks each
// #fragment against the target's headings, and verify checks that each
// image a built page shows is there, where the page is published (a
// relative image of a Spanish page is looked for under es/).
func (l *linter) checkTarget(p *page, off int, dest string) {
	line, col := p.pos(off)
	if strings.TrimSpace(dest) == "" {
		l.errorAt(p.rel, line, col, "link-target", "the link has no target")
		return
	}
	if _, err := url.Parse(dest); err != nil {
		l.errorAt(p.rel, line, col, "link-target", "cannot read the link %q: %v", dest, err)
	}
}

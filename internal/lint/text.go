package lint

import (
	"bytes"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// mappedText is a stretch of a block's text with where each byte came from in the
// file, so a match found in the text can be reported at its place. Places
// are kept per piece of text added (a span), not per byte.
type mappedText struct {
	text  []byte
	spans []span
}

// span says that text[at:] (up to the next span) came from the file at off:
// byte for byte, or, when fixed, all of it from that one place.
type span struct {
	at, off int
	fixed   bool
}

func (r *mappedText) add(b []byte, off int) {
	if len(b) == 0 {
		return
	}
	r.spans = append(r.spans, span{at: len(r.text), off: off})
	r.text = append(r.text, b...)
}

// addAt adds text that has no place of its own in the file (a line break,
// a typographer's quote), at offset off.
func (r *mappedText) addAt(s string, off int) {
	if len(s) == 0 {
		return
	}
	r.spans = append(r.spans, span{at: len(r.text), off: off, fixed: true})
	r.text = append(r.text, s...)
}

func (r *mappedText) last() int {
	if len(r.text) == 0 {
		return 0
	}
	return r.offset(len(r.text)-1) + 1
}

// offset is the file offset of byte i of the run's text.
func (r *mappedText) offset(i int) int {
	if len(r.text) == 0 {
		return 0
	}
	if i >= len(r.text) {
		return r.last()
	}
	k := sort.Search(len(r.spans), func(k int) bool { return r.spans[k].at > i }) - 1
	sp := r.spans[k]
	if sp.fixed {
		return sp.off
	}
	return sp.off + i - sp.at
}

// shortcodeMark stands for a shortcode in prose: one word.
const shortcodeMark = '\x01'

// textRuns flattens the inline content of block into runs of text.
//
// With prose false (for finding typed phone numbers) a run stops at code,
// raw HTML, autolinks, images and tel: links, and shortcodes stay masked.
// With prose true (for the reading grade) code and images are left out,
// everything else is kept in one run, and each shortcode becomes one
// shortcodeMark.
func textRuns(p *page, block ast.Node, prose bool) []*mappedText {
	var runs []*mappedText
	cur := &mappedText{}
	flush := func() {
		if len(cur.text) > 0 {
			runs = append(runs, cur)
			cur = &mappedText{}
		}
	}
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				seg := c.Segment
				if prose {
					addProse(p, cur, seg.Start, seg.Stop)
				} else {
					cur.add(seg.Value(p.body), seg.Start)
				}
				if c.SoftLineBreak() || c.HardLineBreak() {
					cur.addAt(" ", seg.Stop)
				}
			case *ast.String:
				cur.addAt(string(util.ResolveEntityNames(c.Value)), cur.last())
			case *ast.CodeSpan, *ast.RawHTML, *ast.AutoLink, *ast.Image:
				if !prose {
					flush()
				} else if _, code := c.(*ast.CodeSpan); code {
					cur.addAt(" ", cur.last())
				}
			case *ast.Link:
				if isTel(string(c.Destination)) && !prose {
					flush()
					continue
				}
				walk(c)
			default:
				walk(c)
			}
		}
	}
	walk(block)
	flush()
	return runs
}

// addProse adds body[a:z] to r, with each shortcode in it as one mark.
func addProse(p *page, r *mappedText, a, z int) {
	scs := p.shortcodes
	k := sort.Search(len(scs), func(k int) bool { return scs[k].end > a })
	for a < z {
		if k >= len(scs) || scs[k].start >= z {
			r.add(p.body[a:z], a)
			return
		}
		sc := scs[k]
		if sc.start > a {
			r.add(p.body[a:sc.start], a)
			a = sc.start
		}
		r.addAt(string(rune(shortcodeMark)), a)
		a = sc.end
		k++
	}
}

func isTel(dest string) bool {
	return len(dest) >= 4 && strings.EqualFold(dest[:4], "tel:")
}

// plainText is the text of an inline node and its children, as a reader
// sees it: link text, image alt text, code span text.
func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(util.ResolveEntityNames(c.Value))
			case *ast.AutoLink:
				b.Write(c.Label(src))
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// nodePos is the file offset where node n starts, as near as goldmark
// records it.
func nodePos(n ast.Node) int {
	for m := n; m != nil; m = m.Parent() {
		if t, ok := m.(*ast.Text); ok {
			return t.Segment.Start
		}
		if pos := m.Pos(); pos >= 0 {
			return pos
		}
		if m.Type() == ast.TypeBlock && m.Lines().Len() > 0 {
			return m.Lines().At(0).Start
		}
		if c := m.FirstChild(); c != nil {
			if t, ok := c.(*ast.Text); ok {
				return t.Segment.Start
			}
		}
	}
	return 0
}

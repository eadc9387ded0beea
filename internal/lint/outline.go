package lint

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// Outline is the shape of one page, taken from the tree Hugo's markdown
// converter made of it (the one parse of each page), for the rules that
// run later on Hugo's model of the whole site (package structure):
// translation parity and #fragment targets. Every line is the file's.
type Outline struct {
	Headings   []Heading
	Shortcodes []string // each shortcode tag's text without {{< >}}, spacing normalised, in order
	ListItems  int
	Links      []Link // links and images, reference links included
}

// Heading is one markdown heading: ATX (## Title) or setext (Title over
// a line of - or =).
type Heading struct {
	Level int
	Title string // the text a reader sees, shortcodes as written
	Line  int    // the line its text is on
	Size  int    // non-blank lines after it, up to the next heading
}

// Link is one link or image: its destination as written, and the line and
// column where it starts (its [, or an image's !).
type Link struct {
	Dest      string
	Line, Col int
}

// outline reads p's shape from its tree. It is nil for a page that could
// not be parsed.
func (p *page) outline() *Outline {
	if p.doc == nil {
		return nil
	}
	o := &Outline{}
	for _, s := range p.shortcodes {
		tag := string(p.src[s.start:s.end])
		tag = tag[3 : len(tag)-3] // {{< and >}}, or {{% and %}}
		o.Shortcodes = append(o.Shortcodes, strings.Join(strings.Fields(tag), " "))
	}
	var ends []int // each heading's last line
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			line, _ := p.pos(headingStart(p, n))
			end := line
			if n.Lines().Len() > 0 {
				end, _ = p.pos(n.Lines().At(n.Lines().Len() - 1).Start)
				if !bytes.HasPrefix(bytes.TrimLeft(p.body[p.lines[line-1]:], " >"), []byte("#")) {
					end++ // a setext heading's underline
				}
			}
			o.Headings = append(o.Headings, Heading{Level: n.Level, Title: strings.TrimSpace(plainText(n, p.src)), Line: line})
			ends = append(ends, end)
		case *ast.ListItem:
			o.ListItems++
		case *ast.Link, *ast.Image:
			dest := ""
			if l, ok := n.(*ast.Link); ok {
				dest = string(l.Destination)
			} else {
				dest = string(n.(*ast.Image).Destination)
			}
			line, col := p.pos(nodePos(n)) // goldmark's position of the [ (or the ! of an image)
			o.Links = append(o.Links, Link{Dest: dest, Line: line, Col: col})
		}
		return ast.WalkContinue, nil
	})
	for i := range o.Headings {
		next := len(p.lines) + 1 // past the last line
		if i+1 < len(o.Headings) {
			next = o.Headings[i+1].Line
		}
		for line := ends[i] + 1; line < next && line <= len(p.lines); line++ {
			if len(bytes.TrimSpace(p.lineText(line))) > 0 {
				o.Headings[i].Size++
			}
		}
	}
	return o
}

// lineText is the body's text of a 1-based line, without its line break.
func (p *page) lineText(line int) []byte {
	start, end := p.lines[line-1], len(p.body)
	if line < len(p.lines) {
		end = p.lines[line] - 1
	}
	return p.body[start:end]
}

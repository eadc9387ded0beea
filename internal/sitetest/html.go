package sitetest

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// ParseHTML parses a built page; the test fails if it was not built.
func ParseHTML(t testing.TB, name string, data []byte) *html.Node {
	t.Helper()
	if data == nil {
		t.Fatalf("%s was not built", name)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// FindAll returns the elements under n that match, in document order.
func FindAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// Attr is the value of n's attribute key, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasAttr reports whether n has the attribute key.
func HasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// Text is the text under n with runs of white space made one space.
func Text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Indent renders the HTML page data one element, text or comment per
// line, indented by depth, so a golden copy of a minified page reads
// like source and a change shows as a line diff. Text is trimmed; an
// element's attributes stay in the order the page has them.
func Indent(t testing.TB, name string, data []byte) string {
	t.Helper()
	doc := ParseHTML(t, name, data)
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		pad := strings.Repeat("  ", depth)
		switch n.Type {
		case html.DoctypeNode:
			b.WriteString("<!doctype " + n.Data + ">\n")
		case html.TextNode:
			s := strings.TrimSpace(n.Data)
			if p := n.Parent; p == nil || (p.Data != "script" && p.Data != "style") {
				s = textEscaper.Replace(s)
			}
			if s != "" {
				b.WriteString(pad + s + "\n")
			}
		case html.CommentNode:
			b.WriteString(pad + "<!--" + n.Data + "-->\n")
		case html.ElementNode:
			b.WriteString(pad + "<" + n.Data)
			for _, a := range n.Attr {
				b.WriteString(" " + a.Key + `="` + attrEscaper.Replace(a.Val) + `"`)
			}
			b.WriteString(">\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			d := depth + 1
			if n.Type == html.DocumentNode {
				d = 0
			}
			walk(c, d)
		}
	}
	walk(doc, 0)
	return b.String()
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", `"`, "&quot;")
)

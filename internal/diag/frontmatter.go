package diag

import (
	"bytes"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/gohugoio/hugo/parser/pageparser"
)

// FrontMatterLine is the line of a page's file, whose bytes are page, that
// sets the top-level front matter key (in any case, as Hugo matches keys).
// It is the front matter's first line when the key is not there, and 1
// when the page has no front matter. The page is split by Hugo's own page
// lexer.
func FrontMatterLine(page []byte, key string) int {
	items, _ := pageparser.ParseBytes(page, pageparser.Config{})
	for _, it := range items {
		if !it.IsFrontMatter() {
			continue
		}
		first := 1 + bytes.Count(page[:it.Pos()], []byte("\n"))
		n := 0
		switch it.Type {
		case pageparser.TypeFrontMatterTOML:
			n = TOMLLine(it.Val(page), key)
		case pageparser.TypeFrontMatterYAML, pageparser.TypeFrontMatterJSON: // JSON is YAML too, for the parser
			n = yamlLine(it.Val(page), key)
		}
		if n > 0 {
			return first + n - 1
		}
		return first
	}
	return 1
}

// yamlLine is the 1-based line where the YAML mapping in data sets the
// top-level key (any case), or 0.
func yamlLine(data []byte, key string) int {
	f, err := parser.ParseBytes(data, 0)
	if err != nil || len(f.Docs) == 0 {
		return 0
	}
	var values []*ast.MappingValueNode
	switch m := f.Docs[0].Body.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	}
	for _, v := range values {
		if tok := v.Key.GetToken(); tok != nil && strings.EqualFold(tok.Value, key) && tok.Position != nil {
			return tok.Position.Line
		}
	}
	return 0
}

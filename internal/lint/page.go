package lint

import (
	"bytes"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gohugoio/hugo/parser/pageparser"
	"github.com/yuin/goldmark/ast"

	"github.com/okcguide/guide/internal/diag"
)

// page is one markdown file, read and parsed.
type page struct {
	rel  string // path relative to the source, like "content/about.md"
	lang string // "en" for about.md, "es" for about.es.md

	src   []byte // the file as it is
	body  []byte // src with the front matter blanked and shortcodes masked
	lines []int  // byte offset of each line's start

	fm       map[string]any // front matter; nil when there is none
	fmFormat string         // "yaml", "toml" or "json"
	fmText   string         // the front matter between its delimiters
	fmLine   int            // the file line of the front matter's first line

	shortcodes []shortcode
	doc        ast.Node // nil when the file could not be parsed
}

// shortcode is one {{< name ... >}} or {{% name ... %}} in a page.
type shortcode struct {
	start, end int // byte offsets of the whole tag
	name       string
	closing    bool     // {{< /name >}}
	inline     bool     // {{< name.inline >}}
	params     []string // positional and named values, in order
}

// read loads, splits and parses one file. Problems that stop the body from
// being checked (unreadable file, bad front matter, broken shortcodes) are
// reported here, and the page comes back with a nil doc.
func (l *linter) read(rel string) *page {
	p := &page{rel: rel}
	p.lang = l.pageLang(rel)
	data, err := os.ReadFile(filepath.Join(l.src, filepath.FromSlash(rel)))
	if err != nil {
		msg := "cannot read the file: " + diag.Cause(err).Error()
		if fi, lerr := os.Lstat(filepath.Join(l.src, filepath.FromSlash(rel))); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			msg = "cannot read the file: it is a link to a file that does not exist"
		}
		l.errorAt(rel, 0, 0, "file", "%s", msg)
		return p
	}
	p.src = data
	p.lines = lineStarts(data)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := p.pos(i)
		l.errorAt(rel, line, col, "file", "this is not a text file (it has a zero byte here); pages must be markdown text")
		return p
	}
	if !utf8.Valid(data) {
		off := firstInvalidUTF8(data)
		line, col := p.pos(off)
		l.errorAt(rel, line, col, "file", "the text is not UTF-8: save the file as UTF-8")
		return p
	}
	if !l.splitPage(p) {
		return p
	}
	doc, err := l.cfg.parse(p.body)
	if err != nil {
		l.errorAt(rel, 0, 0, "file", "%v", err)
		return p
	}
	p.doc = doc
	return p
}

// pageLang is a file's language: the default, or the one its name ends
// in, like about.es.md.
func (l *linter) pageLang(rel string) string {
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if i := strings.LastIndexByte(base, '.'); i > 0 && l.cfg.Langs[strings.ToLower(base[i+1:])] {
		return strings.ToLower(base[i+1:])
	}
	return l.cfg.DefaultLang
}

// splitPage runs Hugo's page lexer over the file: it finds the front
// matter exactly as Hugo does, and every shortcode. It fills p.body with
// the text goldmark will parse: the front matter turned into blank lines
// and each shortcode into a run of letters of the same length, so every
// offset, line and column in the body is the file's own.
func (l *linter) splitPage(p *page) bool {
	items, lexErr := pageparser.ParseBytes(p.src, pageparser.Config{})
	body := make([]byte, len(p.src))
	copy(body, p.src)
	blank := func(a, z int) {
		for i := a; i < z && i < len(body); i++ {
			if body[i] != '\n' {
				body[i] = ' '
			}
		}
	}
	mask := func(a, z int) {
		for i := a; i < z && i < len(body); i++ {
			if body[i] != '\n' && body[i] != '\r' {
				body[i] = 'x'
			}
		}
	}
	ok := true
	intro := true // no item yet but a byte-order mark
	var sc *shortcode
	for i, it := range items {
		if it.IsError() {
			at := it.Pos()
			if sc != nil {
				at = sc.start // where the broken shortcode starts, not where the lexer gave up
			}
			line, col := p.pos(at)
			if intro {
				l.errorAt(p.rel, line, col, "front-matter", "%s: a page starts with front matter between two --- lines", it.Err)
			} else {
				l.errorAt(p.rel, line, col, "shortcode", "%s", it.Err)
			}
			ok = false
			continue
		}
		if it.Type != pageparser.TypeIgnore {
			intro = false
		}
		switch {
		case it.IsFrontMatter():
			val := it.Val(p.src)
			p.fmText = string(val)
			p.fmLine, _ = p.pos(it.Pos())
			end := len(p.src)
			if i+1 < len(items) {
				end = items[i+1].Pos()
			}
			blank(0, end)
			switch it.Type {
			case pageparser.TypeFrontMatterYAML:
				p.fmFormat = "yaml"
			case pageparser.TypeFrontMatterTOML:
				p.fmFormat = "toml"
			case pageparser.TypeFrontMatterJSON:
				p.fmFormat = "json"
			default:
				p.fmFormat = "org"
			}
			if !l.decodeFrontMatter(p) {
				ok = false
			}
		case it.IsLeftShortcodeDelim():
			sc = &shortcode{start: it.Pos()}
		case sc != nil && it.IsShortcodeClose():
			sc.closing = true
		case sc != nil && (it.IsShortcodeName() || it.IsInlineShortcodeName()):
			sc.name = it.ValStr(p.src)
			sc.inline = it.IsInlineShortcodeName()
		case sc != nil && (it.IsShortcodeParam() || it.IsShortcodeParamVal()):
			sc.params = append(sc.params, it.ValStr(p.src))
		case sc != nil && it.IsRightShortcodeDelim():
			sc.end = it.Pos() + len(it.Val(p.src))
			mask(sc.start, sc.end)
			p.shortcodes = append(p.shortcodes, *sc)
			sc = nil
		}
	}
	if lexErr != nil && ok {
		l.errorAt(p.rel, 0, 0, "shortcode", "%s", lexErr)
		ok = false
	}
	p.body = body
	for _, s := range p.shortcodes {
		l.checkShortcode(p, s)
	}
	return ok
}

// checkShortcode reports a shortcode the site does not define, and a phone
// shortcode that names no contact.
func (l *linter) checkShortcode(p *page, s shortcode) {
	if s.closing {
		return
	}
	line, col := p.pos(s.start)
	switch {
	case s.inline:
		l.errorAt(p.rel, line, col, "shortcode", "inline shortcode %q: inline shortcodes are turned off; add a file in layouts/_shortcodes/ instead", s.name)
	case !l.shortcodes[s.name]:
		l.errorAt(p.rel, line, col, "shortcode", "unknown shortcode %q: there is no file for it in layouts/_shortcodes/ (known: %s)", s.name, strings.Join(slices.Sorted(maps.Keys(l.shortcodes)), ", "))
	case s.name == "phone":
		if len(s.params) == 0 {
			l.errorAt(p.rel, line, col, "shortcode", `the phone shortcode needs a contact name, like {{< phone "nonEmergency" >}}`)
		} else if !l.phones.tables[s.params[0]] {
			l.errorAt(p.rel, line, col, "shortcode", "the phone shortcode names %q, which is not a number in data/contacts.toml (%s)", s.params[0], strings.Join(slices.Sorted(maps.Keys(l.phones.tables)), ", "))
		}
	}
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// pos turns a byte offset into a 1-based line and column; the column
// counts characters, not bytes.
func (p *page) pos(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(p.src) {
		off = len(p.src)
	}
	i := sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off }) - 1
	start := p.lines[i]
	seg := p.src[start:off]
	if utf8.Valid(seg) {
		return i + 1, utf8.RuneCount(seg) + 1
	}
	return i + 1, len(seg) + 1
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// Package structure checks rules about the site's structure on Hugo's own
// page model, after render and before the offline stage: what Hugo parsed
// and rendered is what is checked, with no second markdown parser.
//
// Its rules: every page has a title and a description in its front matter,
// as text (from the page's Params, as Hugo decoded them); every #fragment
// in a link names a heading of the page it links to (the ids Hugo gave the
// headings, from Fragments); and
// translation parity: a page's translation keeps the shape of the default
// language's page: the same headings at the same levels (from Hugo's
// Fragments), the same shortcodes (so numbers come from the data, never
// typed) and as many list items. A difference is an error at the twin's
// file and line.
package structure

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/hugolib"
	"github.com/gohugoio/hugo/markup/tableofcontents"
	"github.com/gohugoio/hugo/resources/page"

	"github.com/okcguide/guide/internal/diag"
)

const rule = "translation"

// Check runs the structural rules on the built sites; src is the site's
// source folder, for paths and lines in the errors.
func Check(sites *hugolib.HugoSites, src string) diag.List {
	ctx := context.Background()
	var errs diag.List
	for _, s := range sites.Sites {
		for _, p := range s.Pages() {
			if p.File() != nil {
				errs = append(errs, checkFrontMatter(src, p)...)
				errs = append(errs, checkFragments(ctx, src, p)...)
			}
		}
	}
	for _, p := range sites.Sites[0].Pages() {
		if p.File() == nil || !(p.IsPage() || p.IsSection() || p.IsHome()) {
			continue
		}
		for _, tr := range p.Translations() {
			if tr.File() != nil {
				errs = append(errs, compare(ctx, src, p, tr)...)
			}
		}
	}
	return errs
}

// checkFrontMatter: every page needs a title (its h1) and a description
// (for search results and link previews). Hugo keeps both as text: a
// number is its digits, and a value that is not text at all is empty.
func checkFrontMatter(src string, p page.Page) diag.List {
	var errs diag.List
	file := diag.Rel(src, p.File().Filename())
	var data []byte // the file, read for the first problem's line
	problem := func(key, format string) {
		if data == nil {
			data, _ = os.ReadFile(p.File().Filename())
		}
		errs = append(errs, &diag.Error{File: file, Line: diag.FrontMatterLine(data, key), Col: 1, Rule: "front-matter", Msg: fmt.Sprintf(format, key)})
	}
	for _, key := range []string{"title", "description"} {
		v, ok := p.Params()[key]
		switch {
		case !ok || v == nil:
			problem(key, "no %[1]s: add a %[1]s line to the front matter, between two --- lines at the top of the page")
		case strings.TrimSpace(fmt.Sprint(v)) == "":
			problem(key, "%s is empty or is not text: write it as text, in quotes")
		}
	}
	return errs
}

// heading is one heading of a page's content: its level and title, from
// Hugo's Fragments, and its line in the source file.
type heading struct {
	level int
	title string
	line  int
	size  int // non-blank lines from the heading to the next one
}

func compare(ctx context.Context, src string, en, tr page.Page) diag.List {
	var errs diag.List
	enFile, trFile := diag.Rel(src, en.File().Filename()), diag.Rel(src, tr.File().Filename())
	enH, trH := headings(ctx, en), headings(ctx, tr)
	if e := compareHeadings(enFile, trFile, enH, trH); e != nil {
		errs = append(errs, e)
	}
	if a, b := shortcodes(en.RawContent()), shortcodes(tr.RawContent()); !slices.Equal(a, b) {
		errs = append(errs, &diag.Error{File: trFile, Line: 1, Rule: rule,
			Msg: fmt.Sprintf("the shortcodes differ from %s: %q here, %q there", enFile, b, a)})
	}
	if a, b := len(listItemRe.FindAllString(prose(en.RawContent()), -1)), len(listItemRe.FindAllString(prose(tr.RawContent()), -1)); a != b {
		errs = append(errs, &diag.Error{File: trFile, Line: 1, Rule: rule,
			Msg: fmt.Sprintf("%d list items where %s has %d", b, enFile, a)})
	}
	return errs
}

// compareHeadings reports the first way the translation's headings differ
// from the page's. When the translation has one heading fewer (or more),
// the one missing (or extra) is found by lining up the rest: the same
// levels, and sections of about the same length.
func compareHeadings(enFile, trFile string, enH, trH []heading) *diag.Error {
	at := func(hs []heading, i int) int {
		if i < len(hs) {
			return hs[i].line
		}
		if len(hs) > 0 {
			return hs[len(hs)-1].line
		}
		return 1
	}
	switch len(enH) - len(trH) {
	case 1:
		if k := odd(enH, trH); k >= 0 {
			where := "before this heading"
			if k == len(trH) {
				where = "after this heading"
			}
			return &diag.Error{File: trFile, Line: at(trH, k), Rule: rule,
				Msg: fmt.Sprintf("missing a heading %s: %s has %q (level %d) at line %d", where, enFile, enH[k].title, enH[k].level, enH[k].line)}
		}
	case -1:
		if k := odd(trH, enH); k >= 0 {
			return &diag.Error{File: trFile, Line: trH[k].line, Rule: rule,
				Msg: fmt.Sprintf("the heading %q has no twin in %s", trH[k].title, enFile)}
		}
	}
	for i := range max(len(enH), len(trH)) {
		switch {
		case i >= len(trH):
			return &diag.Error{File: trFile, Line: at(trH, i), Rule: rule,
				Msg: fmt.Sprintf("%d headings where %s has %d; the first without a twin is %q at line %d", len(trH), enFile, len(enH), enH[i].title, enH[i].line)}
		case i >= len(enH):
			return &diag.Error{File: trFile, Line: trH[i].line, Rule: rule,
				Msg: fmt.Sprintf("%d headings where %s has %d; the first without a twin is this one", len(trH), enFile, len(enH))}
		case enH[i].level != trH[i].level:
			return &diag.Error{File: trFile, Line: trH[i].line, Rule: rule,
				Msg: fmt.Sprintf("the heading %q is level %d where %s has %q at level %d (line %d)", trH[i].title, trH[i].level, enFile, enH[i].title, enH[i].level, enH[i].line)}
		}
	}
	return nil
}

// odd returns which heading of long (one longer than short) short lacks:
// of the choices that leave the same levels in the same order, the one
// whose sections are closest in length. A heading can be missing with its
// section (the text went too) or without (the text joined the section
// before). It is -1 when no choice leaves the same levels.
func odd(long, short []heading) int {
	best, bestCost := -1, 0
	for k := range long {
		for _, merge := range []bool{false, true} {
			rest := append(append([]heading{}, long[:k]...), long[k+1:]...)
			cost := 0
			switch {
			case !merge:
				cost = long[k].size
			case k > 0:
				rest[k-1].size += long[k].size
			default:
				continue // nothing above the first heading to join
			}
			same := true
			for i := range rest {
				if rest[i].level != short[i].level {
					same = false
					break
				}
				cost += abs(rest[i].size - short[i].size)
			}
			if same && (best < 0 || cost < bestCost) {
				best, bestCost = k, cost
			}
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// checkFragments checks each link in p's markdown that has a #fragment:
// the page it names (found with Hugo's GetPage, as the link render hook
// finds it; p itself for "#id") has a heading with that id in Hugo's
// Fragments. A page that does not exist is the render hook's to report.
func checkFragments(ctx context.Context, src string, p page.Page) diag.List {
	var errs diag.List
	raw := p.RawContent()
	first := firstLine(p, raw)
	for _, m := range linkRe.FindAllStringSubmatchIndex(prose(raw), -1) {
		dest := raw[m[2]:m[3]]
		u, err := url.Parse(dest)
		if err != nil || u.Fragment == "" || u.Scheme != "" || u.Host != "" {
			continue
		}
		target := p
		if u.Path != "" {
			if target, err = p.GetPage(u.Path); err != nil || target == nil {
				continue
			}
		}
		f := target.Fragments(ctx)
		if f != nil && f.Identifiers.Contains(u.Fragment) {
			continue
		}
		ids := "none"
		if f != nil && len(f.Identifiers) > 0 {
			ids = strings.Join(f.Identifiers, ", ")
		}
		what := "this page"
		if target != p && target.File() != nil {
			what = diag.Rel(src, target.File().Filename())
		}
		line := first + strings.Count(raw[:m[0]], "\n")
		col := m[0] - strings.LastIndexByte(raw[:m[0]], '\n')
		errs = append(errs, &diag.Error{File: diag.Rel(src, p.File().Filename()), Line: line, Col: col, Rule: "link-target",
			Msg: fmt.Sprintf("%s has no heading with the id %q (its ids: %s)", what, u.Fragment, ids)})
	}
	return errs
}

// firstLine is the line of p's source file where its content (raw, after
// the front matter) starts.
func firstLine(p page.Page, raw string) int {
	data, err := os.ReadFile(p.File().Filename())
	if err != nil {
		return 1
	}
	if i := strings.Index(string(data), raw); i >= 0 {
		return 1 + strings.Count(string(data[:i]), "\n")
	}
	return 1
}

var (
	// A markdown inline link or image: [text](dest) or [text](dest "title").
	linkRe        = regexp.MustCompile(`\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	shortcodeRe   = regexp.MustCompile(`\{\{[<%]\s*([^>%]*?)\s*[>%]\}\}`)
	listItemRe    = regexp.MustCompile(`(?m)^\s*(?:[-*+]|\d+\.) `)
	headingLineRe = regexp.MustCompile(`(?m)^ {0,3}#{1,6}(?:[ \t]|$)`)
	codeSpanRe    = regexp.MustCompile("`+[^`]*`+")
)

// headings lists p's content headings in order, from Hugo's Fragments,
// each with the line of the source file its markdown heading is on.
func headings(ctx context.Context, p page.Page) []heading {
	var out []heading
	var walk func(hs tableofcontents.Headings)
	walk = func(hs tableofcontents.Headings) {
		for _, h := range hs {
			if !h.IsZero() {
				out = append(out, heading{level: h.Level, title: h.Title})
			}
			walk(h.Headings)
		}
	}
	if f := p.Fragments(ctx); f != nil {
		walk(f.Headings)
	}
	// Hugo's model has no source lines; the n-th heading line of the
	// markdown is the n-th heading.
	raw := prose(p.RawContent())
	first := firstLine(p, p.RawContent())
	ms := headingLineRe.FindAllStringIndex(raw, -1)
	for i, m := range ms {
		if i >= len(out) {
			break
		}
		out[i].line = first + strings.Count(raw[:m[0]], "\n")
		end := len(raw)
		if i+1 < len(ms) {
			end = ms[i+1][0]
		}
		for _, l := range strings.Split(raw[m[1]:end], "\n")[1:] {
			if strings.TrimSpace(l) != "" {
				out[i].size++
			}
		}
	}
	return out
}

// prose is raw with the text of its code blocks and code spans blanked
// out, line breaks kept, so that the scans for links, headings and list
// items see only what markdown reads as such: a "# comment" in a fenced
// shell example is not a heading. Shortcodes are left, as Hugo runs them
// in code too.
func prose(raw string) string {
	lines := strings.SplitAfter(raw, "\n")
	fence := "" // the open fence's run of ` or ~, or ""
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if len(l)-len(t) <= 3 {
			if run := fenceRun(t); run != "" && (fence == "" || strings.HasPrefix(run, fence) && strings.TrimSpace(t[len(run):]) == "") {
				if fence == "" {
					fence = run
				} else {
					fence = ""
				}
				lines[i] = blank(l)
				continue
			}
		}
		if fence != "" {
			lines[i] = blank(l)
			continue
		}
		lines[i] = codeSpanRe.ReplaceAllStringFunc(l, func(span string) string { return strings.Repeat(" ", len(span)) })
	}
	return strings.Join(lines, "")
}

// fenceRun is the run of three or more backticks or tildes that starts
// line, or "".
func fenceRun(line string) string {
	if line == "" || line[0] != '`' && line[0] != '~' {
		return ""
	}
	n := len(line) - len(strings.TrimLeft(line, line[:1]))
	if n < 3 {
		return ""
	}
	return line[:n]
}

// blank is line with every character but its line break made a space.
func blank(line string) string {
	body := strings.TrimRight(line, "\r\n")
	return strings.Repeat(" ", len(body)) + line[len(body):]
}

// shortcodes lists the shortcode calls in raw, sorted, spacing normalised.
func shortcodes(raw string) []string {
	var out []string
	for _, m := range shortcodeRe.FindAllStringSubmatch(raw, -1) {
		out = append(out, strings.Join(strings.Fields(m[1]), " "))
	}
	slices.Sort(out)
	return out
}

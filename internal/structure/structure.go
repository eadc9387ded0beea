// Package structure checks rules about the site as a whole on Hugo's own
// page model, after render and before the offline stage. The markdown is
// not parsed again: each page's headings, shortcodes, list items and
// links, with their lines, come from the tree package lint made of it with
// Hugo's own converter (lint.Outline).
//
// Its rules: every page has a title and a description in its front matter,
// as text (from the page's Params, as Hugo decoded them); every #fragment
// in a link names a heading of the page it links to (found with Hugo's
// GetPage, against the ids Hugo gave the headings, from Fragments); and
// translation parity: a page's translation (as Hugo pairs them) keeps the
// shape of the default language's page: the same headings at the same
// levels, the same shortcodes (so numbers come from the data, never typed)
// and as many list items. A difference is an error at the twin's file and
// line. And every page params.shortcuts names (the installed app's
// shortcuts, in each language's web app manifest) is a page of each
// language's site: one that is not is an error at its line of hugo.toml.
package structure

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/hugolib"
	"github.com/gohugoio/hugo/resources/page"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/lint"
	"github.com/okcguide/guide/internal/settings"
)

const rule = "translation"

// Check runs the structural rules on the built sites of the site cfg
// describes; outlines are the pages' shapes from lint's run
// (lint.Result.Outlines). A page with no outline (one lint could not
// parse, and so reported) is not compared.
func Check(sites *hugolib.HugoSites, cfg *settings.Site, outlines map[string]*lint.Outline) diag.List {
	ctx := context.Background()
	src := cfg.Source
	outline := func(p page.Page) *lint.Outline {
		return outlines[filepath.ToSlash(diag.Rel(src, p.File().Filename()))]
	}
	var errs diag.List
	for _, s := range sites.Sites {
		errs = append(errs, checkShortcuts(s, cfg)...)
		for _, p := range s.Pages() {
			if p.File() != nil {
				errs = append(errs, checkFrontMatter(src, p)...)
				if o := outline(p); o != nil {
					errs = append(errs, checkFragments(ctx, src, p, o)...)
				}
			}
		}
	}
	for _, p := range sites.Sites[0].Pages() {
		if p.File() == nil || !(p.IsPage() || p.IsSection() || p.IsHome()) || outline(p) == nil {
			continue
		}
		for _, tr := range p.Translations() {
			if tr.File() != nil && outline(tr) != nil {
				errs = append(errs, compare(src, p, tr, outline(p), outline(tr))...)
			}
		}
	}
	return errs
}

// checkShortcuts: every page params.shortcuts names is a page of the
// language's site, as Hugo's GetPage finds it.
func checkShortcuts(s *hugolib.Site, cfg *settings.Site) diag.List {
	var errs diag.List
	lang := s.Language().Lang
	refs, _ := s.Params()["shortcuts"].([]any)
	for _, r := range refs {
		ref, _ := r.(string)
		if p, err := s.GetPage(ref); err == nil && p != nil && p != page.NilPage { // NilPage: Hugo's "no such page"
			continue
		}
		line := cfg.Line("languages", lang, "params", "shortcuts")
		if line == 0 {
			line = cfg.Line("params", "shortcuts")
		}
		errs = append(errs, &diag.Error{File: settings.File, Line: line, Msg: fmt.Sprintf("params.shortcuts: %q is not a page of the %s site", ref, lang)})
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

func compare(src string, en, tr page.Page, enO, trO *lint.Outline) diag.List {
	var errs diag.List
	enFile, trFile := diag.Rel(src, en.File().Filename()), diag.Rel(src, tr.File().Filename())
	if e := compareHeadings(enFile, trFile, enO.Headings, trO.Headings); e != nil {
		errs = append(errs, e)
	}
	if a, b := slices.Sorted(slices.Values(enO.Shortcodes)), slices.Sorted(slices.Values(trO.Shortcodes)); !slices.Equal(a, b) {
		errs = append(errs, &diag.Error{File: trFile, Line: 1, Rule: rule,
			Msg: fmt.Sprintf("the shortcodes differ from %s: %q here, %q there", enFile, b, a)})
	}
	if a, b := enO.ListItems, trO.ListItems; a != b {
		errs = append(errs, &diag.Error{File: trFile, Line: 1, Rule: rule,
			Msg: fmt.Sprintf("%d list items where %s has %d", b, enFile, a)})
	}
	return errs
}

// compareHeadings reports the first way the translation's headings differ
// from the page's. When the translation has one heading fewer (or more),
// the one missing (or extra) is found by lining up the rest: the same
// levels, and sections of about the same length.
func compareHeadings(enFile, trFile string, enH, trH []lint.Heading) *diag.Error {
	at := func(hs []lint.Heading, i int) int {
		if i < len(hs) {
			return hs[i].Line
		}
		if len(hs) > 0 {
			return hs[len(hs)-1].Line
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
				Msg: fmt.Sprintf("missing a heading %s: %s has %q (level %d) at line %d", where, enFile, enH[k].Title, enH[k].Level, enH[k].Line)}
		}
	case -1:
		if k := odd(trH, enH); k >= 0 {
			return &diag.Error{File: trFile, Line: trH[k].Line, Rule: rule,
				Msg: fmt.Sprintf("the heading %q has no twin in %s", trH[k].Title, enFile)}
		}
	}
	for i := range max(len(enH), len(trH)) {
		switch {
		case i >= len(trH):
			return &diag.Error{File: trFile, Line: at(trH, i), Rule: rule,
				Msg: fmt.Sprintf("%d headings where %s has %d; the first without a twin is %q at line %d", len(trH), enFile, len(enH), enH[i].Title, enH[i].Line)}
		case i >= len(enH):
			return &diag.Error{File: trFile, Line: trH[i].Line, Rule: rule,
				Msg: fmt.Sprintf("%d headings where %s has %d; the first without a twin is this one", len(trH), enFile, len(enH))}
		case enH[i].Level != trH[i].Level:
			return &diag.Error{File: trFile, Line: trH[i].Line, Rule: rule,
				Msg: fmt.Sprintf("the heading %q is level %d where %s has %q at level %d (line %d)", trH[i].Title, trH[i].Level, enFile, enH[i].Title, enH[i].Level, enH[i].Line)}
		}
	}
	return nil
}

// odd returns which heading of long (one longer than short) short lacks:
// of the choices that leave the same levels in the same order, the one
// whose sections are closest in length. A heading can be missing with its
// section (the text went too) or without (the text joined the section
// before). It is -1 when no choice leaves the same levels.
func odd(long, short []lint.Heading) int {
	best, bestCost := -1, 0
	for k := range long {
		for _, merge := range []bool{false, true} {
			rest := append(append([]lint.Heading{}, long[:k]...), long[k+1:]...)
			cost := 0
			switch {
			case !merge:
				cost = long[k].Size
			case k > 0:
				rest[k-1].Size += long[k].Size
			default:
				continue // nothing above the first heading to join
			}
			same := true
			for i := range rest {
				if rest[i].Level != short[i].Level {
					same = false
					break
				}
				cost += abs(rest[i].Size - short[i].Size)
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
func checkFragments(ctx context.Context, src string, p page.Page, o *lint.Outline) diag.List {
	var errs diag.List
	for _, l := range o.Links {
		u, err := url.Parse(l.Dest)
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
		errs = append(errs, &diag.Error{File: diag.Rel(src, p.File().Filename()), Line: l.Line, Col: l.Col, Rule: "link-target",
			Msg: fmt.Sprintf("%s has no heading with the id %q (its ids: %s)", what, u.Fragment, ids)})
	}
	return errs
}

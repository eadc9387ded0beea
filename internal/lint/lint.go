// Package lint is the content check of `guide check` and `guide build`
// (package pipeline runs it: before render in guide check, which renders
// only when it finds no error; alongside render in guide build, which
// stops render and fails when it finds one). It reads every markdown page
// under content/ the way Hugo will (front matter split off by Hugo's own
// page lexer, shortcodes kept as opaque tokens, the body parsed by Hugo's
// own markdown converter as [markup] in hugo.toml sets it up, which
// settings makes) and reports what would make the guide wrong or hard to
// use:
//
//	file         a page that cannot be read, is not UTF-8, or is binary
//	front-matter front matter Hugo cannot read (that every page has a
//	             title and a description is checked on Hugo's model, by
//	             package structure)
//	shortcode    a shortcode with no file in layouts/_shortcodes/, or a
//	             phone shortcode naming a contact that is not in the data
//	phone-text   a phone number typed as plain text instead of the
//	             {{< phone >}} shortcode or a tel: link
//	phone-mismatch a number anywhere in a page that is not in
//	             data/contacts.toml
//	headings     a # heading (the title is the page's one h1), or a
//	             skipped level
//	link-text    links that say "click here" or nothing; images with no alt
//	link-target  links and images with no target, or one that is not a
//	             URL (links to pages and #headings are checked on Hugo's
//	             model, by render and structure; that an image's file is
//	             there is checked in the built guide, by verify, which
//	             sees where the page and the image are published)
//	raw-html     HTML in markdown, which Hugo drops (unsafe = false);
//	             comments are fine, since dropping them is the point
//	grade        English prose above the Flesch-Kincaid grade limit
//	decision     a data/decision.toml that does not hold together (see
//	             package decision)
//	contacts     data/contacts.toml without [source] text for a language
//	unconfirmed  contact facts nobody has confirmed (a warning)
//	stale        a person's recorded check, or a page's lastVerified
//	             review date, that is too old; a lastVerified date in the
//	             future (warnings; a check dated in the future is an error
//	             of package contacts, found when the data is loaded)
//
// Its limits come from [params.guide.lint] in hugo.toml, which package
// settings reads and checks.
//
// Every problem is a *diag.Error with the path relative to the site source.
// Errors stop the build; warnings do not. Warnings' messages start with
// "warning: ".
//
// That tree is the one parse of each page: Run also returns each page's
// outline from it (headings, shortcodes, list items and links, with their
// lines), which package structure checks on Hugo's model of the site after
// render: translation parity and #fragment targets.
package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/okcguide/guide/internal/decision"
	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
)

// warningPrefix starts the message of every warning.
const warningPrefix = "warning: "

// Options configures one run of the linter.
type Options struct {
	// Site is the site's settings, read once for the whole build.
	Site *settings.Site
	// Now is the clock for the stale rule; zero means time.Now().
	Now time.Time
}

// Result is what one run found, each list sorted by file, line and column.
type Result struct {
	Pages    int // markdown files checked
	Errors   diag.List
	Warnings diag.List
	// Outlines holds each page's shape, by its path relative to the
	// source ("content/about.md"), for the rules on Hugo's model of the
	// site (package structure). A page that could not be parsed has none.
	Outlines map[string]*Outline
}

// Run lints the site described by opts.
func Run(opts Options) (*Result, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	site := opts.Site
	src := site.Source
	cfg := lintConfig(site)
	data, err := loadPhones(src)
	if err != nil {
		return nil, err
	}
	guide, decisionErr := decision.Load(decision.Site{Source: src, Langs: site.Langs, Calls: data.tables})
	shortcodes, err := loadShortcodes(src)
	if err != nil {
		return nil, err
	}
	files, err := contentFiles(src)
	if err != nil {
		return nil, err
	}
	l := &linter{
		src:        src,
		cfg:        cfg,
		now:        now,
		phones:     data,
		shortcodes: shortcodes,
	}
	if decisionErr != nil {
		l.errs = append(l.errs, diag.AsList(decisionErr)...)
	}
	if guide != nil {
		l.checkDecisionGrade(guide)
	}
	// Pages are read and checked on all cores, each page whole, and only
	// its outline is kept: checking a page changes only the shared problem
	// lists, which errorAt and warnAt guard. The lists are sorted at the
	// end, so the output does not depend on the order of work.
	shapes := make([]*Outline, len(files))
	parallel(len(files), func(i int) {
		p := l.read(files[i])
		l.checkPage(p)
		shapes[i] = p.outline()
	})
	l.checkFacts()
	l.errs.Sort()
	l.warns.Sort()
	outlines := map[string]*Outline{}
	for i, o := range shapes {
		if o != nil {
			outlines[files[i]] = o
		}
	}
	return &Result{Pages: len(files), Errors: l.errs, Warnings: l.warns, Outlines: outlines}, nil
}

// parallel calls f(0) … f(n-1) on all cores and waits for them.
func parallel(n int, f func(int)) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := 0; i < n; i++ {
		g.Go(func() error { f(i); return nil })
	}
	g.Wait()
}

// linter holds what every rule needs while checking one site.
type linter struct {
	mu         sync.Mutex // guards errs and warns
	src        string
	cfg        config
	now        time.Time
	phones     *phoneBook
	shortcodes map[string]bool
	errs       diag.List
	warns      diag.List
}

func (l *linter) errorAt(file string, line, col int, rule, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, &diag.Error{File: file, Line: line, Col: col, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

func (l *linter) warnAt(file string, line, col int, rule, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warns = append(l.warns, &diag.Error{File: file, Line: line, Col: col, Rule: rule, Msg: warningPrefix + fmt.Sprintf(format, args...)})
}

// contentFiles lists every markdown file under content/, as slash paths
// relative to src, sorted.
func contentFiles(src string) ([]string, error) {
	root := filepath.Join(src, "content")
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, &diag.Error{File: "content", Msg: "no content folder"}
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			// An unreadable folder: report it like an unreadable page.
			files = append(files, filepath.ToSlash(diag.Rel(src, p)))
			return fs.SkipDir
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") || !strings.EqualFold(path.Ext(name), ".md") {
			return nil
		}
		files = append(files, filepath.ToSlash(diag.Rel(src, p)))
		return nil
	})
	if err != nil {
		return nil, &diag.Error{File: "content", Msg: "cannot read the content folder: " + diag.Cause(err).Error()}
	}
	sort.Strings(files)
	return files, nil
}

// loadShortcodes returns the names of the shortcodes the site defines:
// each file under layouts/_shortcodes/, named by its path without the
// extensions ("phone.html" and "phone.en.html" are both "phone").
func loadShortcodes(src string) (map[string]bool, error) {
	names := map[string]bool{}
	root := filepath.Join(src, "layouts", "_shortcodes")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		dir, base := path.Split(rel)
		if i := strings.IndexByte(base, '.'); i > 0 {
			base = base[:i]
		}
		names[dir+base] = true
		return nil
	})
	if err != nil {
		return nil, &diag.Error{File: "layouts/_shortcodes", Msg: "cannot read the shortcodes folder: " + diag.Cause(err).Error()}
	}
	return names, nil
}

// Package verify is the last check before the guide is published. It reads
// the finished site, the output tree in memory that publish then writes
// out, as a browser would, and fails the build when:
//
//   - a link or asset reference does not resolve to a file (or to an id in
//     that file, for a #fragment);
//   - a page references its own site by an absolute or root-relative URL,
//     which would break hosting under a sub-path or from a folder;
//   - a page loads anything from another origin, or links out without
//     rel="noopener noreferrer";
//   - a web app manifest's start_url, scope, icon or shortcut does not
//     resolve to a file;
//   - a page lacks its Content-Security-Policy (the policy itself is
//     params.csp, which package settings checks), lang, title or single
//     h1;
//   - a canonical or hreflang link, og:url or og:image is not under the
//     build's base URL, names a file that is not there, or is written by
//     a build that has no base URL;
//   - a page with its CSS, the JavaScript pages load, or the precache list
//     is over its byte budget (gzip sizes for the first two), as
//     [params.guide.budgets] sets them (settings.Budgets).
//
// It is the one check that every file a page references is there,
// images included: it sees where each page and file is published, which
// the markdown source does not say.
package verify

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/sync/errgroup"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/settings"
)

// Report is what verify measured.
type Report struct {
	Pages         int
	Files         int
	TotalBytes    int64
	LargestPage   string
	LargestGzip   int64 // the largest page with its CSS, gzip
	JSGzip        int64
	PrecacheBytes int64
}

type page struct {
	path  string
	elems []elem
}

// elem is one start tag of a page, in document order; a <title> also keeps
// its text. A flat list is all the checks need, and tokenizing is much
// cheaper than building a tree.
type elem struct {
	Data string
	Attr []attribute
	Text string
}

// attribute is an attribute of a start tag, its name lowercased and its
// value unescaped.
type attribute struct{ Key, Val string }

// checked lists the tags the checks look at besides those in refAttrs.
var checked = map[string]bool{"html": true, "h1": true, "title": true, "meta": true}

// kept reports whether the checks look at a tag; any other tag is kept
// only for its id.
func kept(tag []byte) bool {
	return checked[string(tag)] || refAttrs[string(tag)] != nil
}

// name returns a tag or attribute name as a string, without a copy for
// the names HTML defines.
func name(b []byte) string {
	if s := atom.Lookup(b).String(); s != "" {
		return s
	}
	return string(b)
}

// tokenize reads a page's start tags with the HTML5 tokenizer: every
// tag the checks look at, and any other tag only for its id. r's scratch
// lists collect them, so that the page's own lists are made once, at
// their size.
func tokenize(data []byte, r *reader) ([]elem, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	elems, attrs := r.elems[:0], r.attrs[:0]
	ends := r.ends[:0] // each elem's end in attrs
	title := -1
	for {
		switch z.Next() {
		case html.ErrorToken:
			r.elems, r.attrs, r.ends = elems, attrs, ends
			if z.Err() != io.EOF {
				return nil, z.Err()
			}
			out := slices.Clone(elems)
			all := slices.Clone(attrs)
			start := 0
			for i, end := range ends {
				out[i].Attr = all[start:end:end]
				start = end
			}
			clear(elems) // let go of the strings
			clear(attrs)
			return out, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			title = -1
			tag, more := z.TagName()
			keep := kept(tag)
			n := len(attrs)
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if keep || string(k) == "id" {
					attrs = append(attrs, attribute{Key: name(k), Val: string(v)})
				}
			}
			if !keep && len(attrs) == n {
				continue
			}
			elems = append(elems, elem{Data: name(tag)})
			ends = append(ends, len(attrs))
			if string(tag) == "title" {
				title = len(elems) - 1
			}
		case html.TextToken:
			if title >= 0 {
				elems[title].Text += string(z.Text())
			}
		case html.EndTagToken:
			title = -1
		}
	}
}

// Check verifies the tree at the root of fsys, which must be safe for
// concurrent use (as os.DirFS is). precache lists the precached paths;
// base is the guide's public address, or "" when the build has none.
func Check(fsys fs.FS, precache []string, b settings.Budgets, base string) (*Report, error) {
	r := &Report{}
	var errs diag.List
	pages := map[string]*page{}
	files := map[string]int64{}
	err := fs.WalkDir(fsys, ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files[rel] = info.Size()
		r.Files++
		r.TotalBytes += info.Size()
		if path.Ext(rel) == ".html" {
			pages[rel] = &page{path: rel}
			r.Pages++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := readPages(fsys, pages); err != nil {
		return nil, err
	}

	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	gz := newGzipSizer(fsys)
	// Compressing every page would be the costliest part of the check. A
	// page whose raw bytes fit in the budget with room for gzip's
	// worst-case overhead cannot be over it, so only pages that might be
	// are compressed, plus the largest page, whose gzip size the summary
	// reports.
	largestRaw := int64(-1)
	refs := &refChecker{pages: pages, files: files, memo: map[refKey][]problem{}, base: base}
	for _, n := range names {
		pg := pages[n]
		errs = append(errs, checkPage(pg, refs)...)
		raw, worst := files[n], gzipWorst(files[n])
		for _, css := range stylesheets(pg) {
			raw += files[css]
			worst += gzipWorst(files[css])
		}
		if raw > largestRaw {
			largestRaw, r.LargestPage = raw, n
		}
		if b.PageGzip <= 0 || worst <= b.PageGzip {
			continue
		}
		if size := gz.pageSize(pg); size > b.PageGzip {
			errs = append(errs, &diag.Error{File: n, Rule: "budget", Msg: fmt.Sprintf("page with its CSS is %d bytes gzip, over the budget of %d (params.guide.budgets.pageGzip)", size, b.PageGzip)})
		}
	}
	if r.LargestPage != "" {
		r.LargestGzip = gz.pageSize(pages[r.LargestPage])
	}
	// The JS budget covers the scripts pages load. The service worker is
	// not on a page's path to first render; its size is the precache list's,
	// which has its own budget.
	jsSet := map[string]bool{}
	for _, n := range names {
		for _, js := range scripts(pages[n]) {
			jsSet[js] = true
		}
	}
	var jsNames []string
	for f := range jsSet {
		jsNames = append(jsNames, f)
	}
	sort.Strings(jsNames)
	for _, f := range jsNames {
		r.JSGzip += gz.size(f)
	}
	if b.JSGzip > 0 && r.JSGzip > b.JSGzip {
		errs = append(errs, &diag.Error{File: strings.Join(jsNames, ", "), Rule: "budget", Msg: fmt.Sprintf("JavaScript is %d bytes gzip in all, over the budget of %d (params.guide.budgets.jsGzip)", r.JSGzip, b.JSGzip)})
	}
	for _, p := range precache {
		size, ok := files[p]
		if !ok {
			errs = append(errs, &diag.Error{File: "sw.js", Rule: "precache", Msg: "lists " + p + ", which is not in the output"})
		}
		r.PrecacheBytes += size
	}
	errs = append(errs, checkManifests(fsys, files)...)
	if b.Precache > 0 && r.PrecacheBytes > b.Precache {
		errs = append(errs, &diag.Error{File: "sw.js", Rule: "budget", Msg: fmt.Sprintf("the precache list is %d bytes, over the budget of %d (params.guide.budgets.precache)", r.PrecacheBytes, b.Precache)})
	}
	if len(errs) > 0 {
		errs.Sort()
		return r, errs
	}
	return r, nil
}

// gzipWorst is the most gzip can make of n bytes: stored blocks of at most
// 65535 bytes with 5 bytes of framing each, plus gzip's header and trailer.
func gzipWorst(n int64) int64 { return n + 5*(n/65535+1) + 18 }

// gzipSizer measures files' gzip sizes at compress/gzip's best level (9),
// the size the budgets are in. A faster level gives a few percent more
// bytes, which would move every size the budgets and the summary report;
// and few files are measured (see Check), so the level's cost does not
// matter. Each file is compressed once, however many pages load it, by
// one compressor that is reset between files rather than made anew, as
// making one allocates its tables.
type gzipSizer struct {
	fsys  fs.FS
	cache map[string]int64
	w     *gzip.Writer
	out   byteCounter
}

func newGzipSizer(fsys fs.FS) *gzipSizer {
	g := &gzipSizer{fsys: fsys, cache: map[string]int64{}}
	g.w, _ = gzip.NewWriterLevel(&g.out, gzip.BestCompression)
	return g
}

// byteCounter is an io.Writer that counts what is written to it.
type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

func (g *gzipSizer) size(rel string) int64 {
	if n, ok := g.cache[rel]; ok {
		return n
	}
	data, err := fs.ReadFile(g.fsys, rel)
	if err != nil {
		return 0
	}
	g.out = 0
	g.w.Reset(&g.out)
	g.w.Write(data)
	g.w.Close()
	g.cache[rel] = int64(g.out)
	return int64(g.out)
}

// pageSize is a page's gzip size plus that of the CSS it loads.
func (g *gzipSizer) pageSize(pg *page) int64 {
	n := g.size(pg.path)
	for _, css := range stylesheets(pg) {
		n += g.size(css)
	}
	return n
}

// readPages reads and tokenizes every page, on all cores.
func readPages(fsys fs.FS, pages map[string]*page) error {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for rel, pg := range pages {
		g.Go(func() error {
			r := readers.Get().(*reader)
			defer readers.Put(r)
			data, err := r.read(fsys, rel)
			if err != nil {
				return err
			}
			if pg.elems, err = tokenize(data, r); err != nil {
				return &diag.Error{File: rel, Msg: "cannot read HTML: " + err.Error()}
			}
			return nil
		})
	}
	return g.Wait()
}

// reader holds one worker's file buffer and scratch lists of tags,
// reused from page to page; the tags read from a page are copied out of
// them.
type reader struct {
	file  bytes.Buffer
	elems []elem
	attrs []attribute
	ends  []int
}

var readers = sync.Pool{New: func() any { return new(reader) }}

// read returns the file name in fsys, in r's buffer.
func (r *reader) read(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r.file.Reset()
	_, err = r.file.ReadFrom(f)
	return r.file.Bytes(), err
}

// hasID reports whether a #fragment names an element of the page: one
// with that id, or a link with that name. Scanning the page's tags when
// a link asks costs less than building a set of ids for every page.
func hasID(pg *page, id string) bool {
	for i := range pg.elems {
		n := &pg.elems[i]
		if attr(n, "id") == id || n.Data == "a" && attr(n, "name") == id {
			return true
		}
	}
	return false
}

func walk(elems []elem, f func(*elem)) {
	for i := range elems {
		f(&elems[i])
	}
}

func attr(n *elem, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *elem, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// stylesheets lists the site files a page loads with <link rel=stylesheet>.
func stylesheets(pg *page) []string {
	var out []string
	walk(pg.elems, func(n *elem) {
		if n.Data == "link" && attr(n, "rel") == "stylesheet" {
			if t, ok := resolve(pg.path, attr(n, "href")); ok {
				out = append(out, t)
			}
		}
	})
	return out
}

// scripts lists the site files a page loads with <script src>.
func scripts(pg *page) []string {
	var out []string
	walk(pg.elems, func(n *elem) {
		if n.Data == "script" && attr(n, "src") != "" {
			if t, ok := resolve(pg.path, attr(n, "src")); ok {
				out = append(out, t)
			}
		}
	})
	return out
}

// resolve turns a reference in page into a path under the site's root.
func resolve(page, ref string) (string, bool) {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	if u.Path == "" {
		return page, true
	}
	p := path.Join(path.Dir(page), u.Path)
	if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == ".." {
		p = path.Join(p, "index.html")
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// refAttrs lists the attributes that reference other files.
var refAttrs = map[string][]string{
	"a":      {"href"},
	"link":   {"href"},
	"script": {"src"},
	"img":    {"src"},
	"source": {"src"},
	"iframe": {"src"},
	"video":  {"src", "poster"},
	"audio":  {"src"},
	"form":   {"action"},
}

func checkPage(pg *page, refs *refChecker) diag.List {
	var errs diag.List
	add := func(rule, format string, args ...any) {
		errs = append(errs, &diag.Error{File: pg.path, Rule: rule, Msg: fmt.Sprintf(format, args...)})
	}
	var h1, titles int
	var csp, lang bool
	walk(pg.elems, func(n *elem) {
		switch n.Data {
		case "html":
			lang = attr(n, "lang") != ""
		case "h1":
			h1++
		case "title":
			if strings.TrimSpace(n.Text) != "" {
				titles++
			}
		case "meta":
			if strings.EqualFold(attr(n, "http-equiv"), "content-security-policy") {
				csp = true
			}
			if strings.EqualFold(attr(n, "http-equiv"), "refresh") {
				add("links", "has a meta refresh")
			}
			if p := attr(n, "property"); p == "og:url" || p == "og:image" {
				for _, msg := range refs.absolute(attr(n, "content")) {
					add("base", "<meta property=%q>: %s", p, msg)
				}
			}
		}
		for _, key := range refAttrs[n.Data] {
			if !hasAttr(n, key) {
				continue
			}
			ref := strings.TrimSpace(attr(n, key))
			errs = append(errs, refs.check(pg, n, key, ref)...)
		}
	})
	if !lang {
		add("page", "<html> has no lang attribute")
	}
	if titles != 1 {
		add("page", "has %d <title> elements with text, want 1", titles)
	}
	if h1 != 1 {
		add("page", "has %d <h1> headings, want 1", h1)
	}
	if !csp {
		add("csp", "has no Content-Security-Policy meta tag")
	}
	return errs
}

// refChecker checks references, remembering each answer: the header, nav
// and footer repeat the same links on every page, and a reference's answer
// depends only on the folder of the page it is in (a bare #fragment, which
// depends on the page itself, is not remembered).
type refChecker struct {
	pages map[string]*page
	files map[string]int64
	memo  map[refKey][]problem
	base  string
}

// absolute checks an address that must be absolute: the build has a base
// URL, the address is under it, and it names a file of the site.
func (c *refChecker) absolute(ref string) []string {
	switch {
	case c.base == "":
		return []string{fmt.Sprintf("%q needs an absolute address, and the build has no base URL", ref)}
	case !strings.HasPrefix(ref, c.base):
		return []string{fmt.Sprintf("%q is not under the base URL %s", ref, c.base)}
	}
	u, err := url.Parse(strings.TrimPrefix(ref, c.base))
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
		return []string{fmt.Sprintf("%q is not a page of the guide", ref)}
	}
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	if _, ok := c.files[path.Clean(p)]; !ok {
		return []string{fmt.Sprintf("%q: %s does not exist", ref, path.Clean(p))}
	}
	return nil
}

type problem struct{ rule, msg string }

// refKey is what a reference's answer depends on: the folder of the page
// it is in, its tag, attribute and value, and the tag's rel.
type refKey struct{ dir, tag, key, ref, rel string }

func (c *refChecker) check(pg *page, n *elem, key, ref string) diag.List {
	var ps []problem
	if strings.HasPrefix(ref, "#") {
		ps = c.checkRef(pg.path, n, key, ref)
	} else {
		k := refKey{path.Dir(pg.path), n.Data, key, ref, attr(n, "rel")}
		var ok bool
		if ps, ok = c.memo[k]; !ok {
			ps = c.checkRef(pg.path, n, key, ref)
			c.memo[k] = ps
		}
	}
	var errs diag.List
	for _, p := range ps {
		errs = append(errs, &diag.Error{File: pg.path, Rule: p.rule, Msg: p.msg})
	}
	return errs
}

func (c *refChecker) checkRef(pagePath string, n *elem, key, ref string) []problem {
	pages, files := c.pages, c.files
	var errs []problem
	add := func(rule, format string, args ...any) {
		errs = append(errs, problem{rule, fmt.Sprintf(format, args...)})
	}
	if ref == "" {
		add("links", "<%s %s> is empty", n.Data, key)
		return errs
	}
	u, err := url.Parse(ref)
	if err != nil {
		add("links", "<%s %s=%q> is not a valid URL", n.Data, key, ref)
		return errs
	}
	if rel := attr(n, "rel"); n.Data == "link" && (rel == "canonical" || rel == "alternate") && u.Scheme != "http" && u.Scheme != "https" {
		add("base", "<link rel=%q href=%q> must be absolute; search engines ignore a relative one", rel, ref)
		return errs
	}
	switch u.Scheme {
	case "tel", "mailto", "sms":
		if n.Data != "a" {
			add("links", "<%s %s=%q>: only links may use %s:", n.Data, key, ref, u.Scheme)
		}
		return errs
	case "http", "https":
		if rel := attr(n, "rel"); n.Data == "link" && (rel == "canonical" || rel == "alternate") {
			for _, msg := range c.absolute(ref) {
				add("base", "<link rel=%q>: %s", rel, msg)
			}
			return errs
		}
		if n.Data != "a" {
			add("origin", "<%s %s=%q> loads from another origin; every file must come from the site itself", n.Data, key, ref)
			return errs
		}
		rel := strings.Fields(attr(n, "rel"))
		if !contains(rel, "noopener") || !contains(rel, "noreferrer") {
			add("links", "the link to %s needs rel=\"noopener noreferrer\"", ref)
		}
		return errs
	case "":
	default:
		add("links", "<%s %s=%q> uses the %s: scheme", n.Data, key, ref, u.Scheme)
		return errs
	}
	if u.Host != "" || strings.HasPrefix(u.Path, "/") {
		add("links", "<%s %s=%q> is root-relative; links must be relative so the guide works under a sub-path", n.Data, key, ref)
		return errs
	}
	target, ok := resolve(pagePath, ref)
	if !ok {
		add("links", "<%s %s=%q> points outside the site", n.Data, key, ref)
		return errs
	}
	if _, ok := files[target]; !ok {
		add("links", "<%s %s=%q>: %s does not exist", n.Data, key, ref, target)
		return errs
	}
	if u.Fragment != "" {
		if tp, ok := pages[target]; ok && !hasID(tp, u.Fragment) {
			add("links", "<%s %s=%q>: %s has no element with id %q", n.Data, key, ref, target, u.Fragment)
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

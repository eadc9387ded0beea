package pipeline_test

// These tests check what the guide says, on a real build of the site:
//
//   - every English page has a Spanish translation (content/<name>.es.md)
//     with the same front matter keys and the same phone shortcodes, built
//     to es/<name>.html with <html lang="es">; the two link to each other
//     with hreflang alternates and with the footer's language switch, and
//     links inside a Spanish page stay in Spanish;
//   - okcpd-non-emergency.vcf, the contact card both home pages link to, is
//     a strict vCard 4.0 whose number, organization, URL and hours come
//     from data/contacts.toml (card_test.go);
//   - each home page carries schema.org JSON-LD built from the same data.

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// facts is what the tests read from data/contacts.toml and i18n/en.toml,
// so no number or name is written twice.
type facts struct {
	NonEmergency struct {
		Name    string `toml:"name"`
		Display string `toml:"display"`
		Tel     string `toml:"tel"`
		Hours   string `toml:"hours"`
	} `toml:"nonEmergency"`
	Emergency struct {
		Display string `toml:"display"`
	} `toml:"emergency"`
	Organization struct {
		Name       string `toml:"name"`
		AreaServed string `toml:"areaServed"`
	} `toml:"organization"`
	Website struct {
		URL string `toml:"url"`
	} `toml:"website"`
	// Check is a person's recorded check of the facts, if any.
	Check *struct {
		By string `toml:"by"`
	} `toml:"check"`
	// Hours247 is i18n/en.toml's hours247, how "24/7" is written out.
	Hours247 string `toml:"-"`
	// Unconfirmed is i18n/en.toml's contactUnconfirmed, what the contact
	// card says until a check is recorded.
	Unconfirmed string `toml:"-"`
}

func readFacts(t *testing.T, src string) facts {
	t.Helper()
	var f facts
	data, err := os.ReadFile(filepath.Join(src, "data", "contacts.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.Unmarshal(data, &f); err != nil {
		t.Fatalf("data/contacts.toml: %v", err)
	}
	if f.NonEmergency.Tel == "" || f.Organization.Name == "" {
		t.Fatalf("data/contacts.toml: no nonEmergency.tel or organization.name: %+v", f)
	}
	var i18n struct {
		Hours247    string `toml:"hours247"`
		Unconfirmed string `toml:"contactUnconfirmed"`
	}
	data, err = os.ReadFile(filepath.Join(src, "i18n", "en.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.Unmarshal(data, &i18n); err != nil {
		t.Fatalf("i18n/en.toml: %v", err)
	}
	f.Hours247, f.Unconfirmed = i18n.Hours247, i18n.Unconfirmed
	if f.Unconfirmed == "" {
		t.Fatal("i18n/en.toml: no contactUnconfirmed")
	}
	return f
}

var baseTree map[string][]byte

// withBase builds the repository's own site with the base URL testBase,
// once per test binary.
func withBase(t *testing.T) map[string][]byte {
	t.Helper()
	if baseTree == nil {
		dest := filepath.Join(t.TempDir(), "public")
		if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: sitetest.CopySite(t), Dest: dest, BaseURL: testBase}); err != nil {
			t.Fatalf("build failed:\n%v", err)
		}
		baseTree = sitetest.ReadTree(t, dest)
	}
	return baseTree
}

// absTo returns the page an absolute address under testBase names,
// failing the test if it is not under testBase or was not built.
func absTo(t *testing.T, tree map[string][]byte, from, href string) string {
	t.Helper()
	if !strings.HasPrefix(href, testBase) {
		t.Errorf("%s: %q is not under the base URL %s", from, href, testBase)
		return ""
	}
	p := strings.TrimPrefix(href, testBase)
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	if _, ok := tree[p]; !ok {
		t.Errorf("%s: %q: %s was not built", from, href, p)
	}
	return p
}

// translation is one English page and its Spanish translation, as source
// files and as built pages.
type translation struct {
	name         string // content/<name>.md
	enSrc, esSrc string // source paths relative to the repository root
	en, es       string // built pages, relative to the site root
}

// translations lists every English page in content/ with the paths its
// Spanish translation must have.
func translations(t *testing.T) []translation {
	t.Helper()
	root := sitetest.RepoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "content", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []translation
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasSuffix(base, ".es.md") {
			continue
		}
		name := strings.TrimSuffix(base, ".md")
		page := name + ".html"
		if name == "_index" {
			page = "index.html"
		}
		out = append(out, translation{
			name:  name,
			enSrc: "content/" + base,
			esSrc: "content/" + name + ".es.md",
			en:    page,
			es:    "es/" + page,
		})
	}
	if len(out) < 9 {
		t.Fatalf("only %d English pages in content/", len(out))
	}
	return out
}

func htmlLang(doc *html.Node) string {
	for _, h := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "html" }) {
		return sitetest.Attr(h, "lang")
	}
	return ""
}

// resolve turns a link on page from into a path under the site root, the
// way a browser would from a plain folder; ok is false for links that are
// not to a file of the site.
func resolve(from, href string) (string, bool) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	p := path.Join(path.Dir(from), u.Path)
	if strings.HasSuffix(u.Path, "/") {
		p = path.Join(p, "index.html")
	}
	return p, true
}

// linkTo returns the page a link element on from points to, failing the
// test if it does not resolve to a built file.
func linkTo(t *testing.T, tree map[string][]byte, from string, n *html.Node) string {
	t.Helper()
	target, ok := resolve(from, sitetest.Attr(n, "href"))
	if !ok {
		t.Errorf("%s: <%s href=%q> is not a link to a file of the site", from, n.Data, sitetest.Attr(n, "href"))
		return ""
	}
	if _, ok := tree[target]; !ok {
		t.Errorf("%s: <%s href=%q>: %s was not built", from, n.Data, sitetest.Attr(n, "href"), target)
	}
	return target
}

// Every English page has a Spanish page in Spanish, and each names the
// other as its translation: in the footer's language switch and, when the
// build has a base URL, in an absolute hreflang alternate in the head.
// Without a base URL there is no hreflang alternate at all: search engines
// ignore relative ones.
func TestEveryPageHasSpanish(t *testing.T) {
	_, tree := real(t)
	based := withBase(t)
	for _, tr := range translations(t) {
		t.Run(tr.name, func(t *testing.T) {
			for _, page := range []string{tr.en, tr.es} {
				doc := sitetest.ParseHTML(t, page, tree[page])
				if alts := sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && sitetest.HasAttr(n, "hreflang") }); len(alts) > 0 {
					t.Errorf("%s: built without a base URL, it has an hreflang link to %q", page, sitetest.Attr(alts[0], "href"))
				}
			}
			en, es := sitetest.ParseHTML(t, tr.en, tree[tr.en]), sitetest.ParseHTML(t, tr.es, tree[tr.es])
			enB, esB := sitetest.ParseHTML(t, tr.en, based[tr.en]), sitetest.ParseHTML(t, tr.es, based[tr.es])
			if got := htmlLang(en); got != "en" {
				t.Errorf("%s: <html lang=%q>, want en", tr.en, got)
			}
			if got := htmlLang(es); got != "es" {
				t.Errorf("%s: <html lang=%q>, want es", tr.es, got)
			}
			h1 := func(doc *html.Node) string {
				for _, h := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "h1" }) {
					return sitetest.Text(h)
				}
				return ""
			}
			if a, b := h1(en), h1(es); a == "" || b == "" || a == b {
				t.Errorf("the headings should be translated: %s has %q, %s has %q", tr.en, a, tr.es, b)
			}
			for _, p := range []struct {
				page, other, lang string
				doc, based        *html.Node
			}{{tr.en, tr.es, "es", en, enB}, {tr.es, tr.en, "en", es, esB}} {
				alts := map[string]string{}
				for _, l := range sitetest.FindAll(p.based, func(n *html.Node) bool {
					return n.Data == "link" && sitetest.Attr(n, "rel") == "alternate" && sitetest.HasAttr(n, "hreflang")
				}) {
					alts[sitetest.Attr(l, "hreflang")] = absTo(t, based, p.page, sitetest.Attr(l, "href"))
				}
				if alts["x-default"] != tr.en {
					t.Errorf("%s: hreflang=x-default alternate points to %q, want the English page %s", p.page, alts["x-default"], tr.en)
				}
				if alts[p.lang] != p.other {
					t.Errorf("%s: hreflang=%s alternate points to %q, want %s", p.page, p.lang, alts[p.lang], p.other)
				}
				self := map[string]string{"es": "en", "en": "es"}[p.lang]
				if alts[self] != p.page {
					t.Errorf("%s: hreflang=%s alternate points to %q, want the page itself", p.page, self, alts[self])
				}
				var switches []*html.Node
				for _, f := range sitetest.FindAll(p.doc, func(n *html.Node) bool { return n.Data == "footer" }) {
					switches = append(switches, sitetest.FindAll(f, func(n *html.Node) bool { return n.Data == "a" && sitetest.Attr(n, "hreflang") == p.lang })...)
				}
				if len(switches) != 1 {
					t.Errorf("%s: %d language switch links to %s in the footer, want 1", p.page, len(switches), p.lang)
					continue
				}
				if got := linkTo(t, tree, p.page, switches[0]); got != p.other {
					t.Errorf("%s: the language switch goes to %s, want %s", p.page, got, p.other)
				}
				if sitetest.Attr(switches[0], "lang") != p.lang {
					t.Errorf("%s: the language switch link has lang=%q, want %s", p.page, sitetest.Attr(switches[0], "lang"), p.lang)
				}
			}
		})
	}
}

// frontMatter returns the top-level keys of a page's YAML front matter,
// each with its raw value (the rest of its line and any indented lines).
func frontMatter(t *testing.T, name, src string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		t.Fatalf("%s: no front matter", name)
	}
	fm, _, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		t.Fatalf("%s: front matter does not end", name)
	}
	out := map[string]string{}
	key := ""
	for _, l := range strings.Split(fm, "\n") {
		if l != "" && l[0] != ' ' && l[0] != '\t' {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				t.Fatalf("%s: front matter line %q is not key: value", name, l)
			}
			key = k
			out[key] = strings.TrimSpace(v)
			continue
		}
		if key == "" {
			t.Fatalf("%s: front matter starts indented", name)
		}
		out[key] += "\n" + l
	}
	return out
}

// A translation has the same front matter keys, with the same values for
// all but title and description, which are translated. (Its headings,
// shortcodes and lists are checked by the build: internal/structure.)
func TestTranslationsKeepTheShape(t *testing.T) {
	root := sitetest.RepoRoot(t)
	for _, tr := range translations(t) {
		t.Run(tr.name, func(t *testing.T) {
			read := func(p string) string {
				data, err := os.ReadFile(filepath.Join(root, p))
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				return string(data)
			}
			en, es := read(tr.enSrc), read(tr.esSrc)
			fmEn, fmEs := frontMatter(t, tr.enSrc, en), frontMatter(t, tr.esSrc, es)
			for _, k := range []string{"title", "description"} {
				if fmEs[k] == "" || fmEs[k] == fmEn[k] {
					t.Errorf("%s: %s %q should be a Spanish translation of %q", tr.esSrc, k, fmEs[k], fmEn[k])
				}
			}
			for k, v := range fmEn {
				if _, ok := fmEs[k]; !ok {
					t.Errorf("%s: front matter has no %s (the English page has %q)", tr.esSrc, k, v)
				} else if k != "title" && k != "description" && fmEs[k] != v {
					t.Errorf("%s: %s is %q, the English page has %q", tr.esSrc, k, fmEs[k], v)
				}
			}
			for k := range fmEs {
				if _, ok := fmEn[k]; !ok {
					t.Errorf("%s: front matter has %s, which the English page does not", tr.esSrc, k)
				}
			}
		})
	}
}

// Links inside a Spanish page's content lead to Spanish pages, and its
// in-page links (the decision steps) land on the ids Hugo gave the Spanish
// headings.
func TestSpanishLinksStayInSpanish(t *testing.T) {
	_, tree := real(t)
	fragments := map[string]int{}
	for _, tr := range translations(t) {
		for _, p := range []string{tr.en, tr.es} {
			doc := sitetest.ParseHTML(t, p, tree[p])
			ids := map[string]bool{}
			for _, n := range sitetest.FindAll(doc, func(n *html.Node) bool { return sitetest.Attr(n, "id") != "" }) {
				ids[sitetest.Attr(n, "id")] = true
			}
			for _, main := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "main" }) {
				for _, a := range sitetest.FindAll(main, func(n *html.Node) bool { return n.Data == "a" && sitetest.HasAttr(n, "href") }) {
					href := sitetest.Attr(a, "href")
					u, err := url.Parse(href)
					if err != nil {
						t.Errorf("%s: bad link %q", p, href)
						continue
					}
					switch {
					case u.Scheme != "":
					case u.Path == "" && u.Fragment != "":
						if !ids[u.Fragment] {
							t.Errorf("%s: the link %q has no element with id %q on the page", p, href, u.Fragment)
						}
						fragments[p]++
					case sitetest.HasAttr(a, "download"):
					case strings.HasPrefix(p, "es/"):
						if target := linkTo(t, tree, p, a); !strings.HasPrefix(target, "es/") {
							t.Errorf("%s: the link %q (%s) leaves the Spanish pages", p, href, sitetest.Text(a))
						}
					}
				}
			}
		}
	}
	if fragments["is-it-an-emergency.html"] < 6 || fragments["es/is-it-an-emergency.html"] != fragments["is-it-an-emergency.html"] {
		t.Errorf("in-page links in the decision steps: %d in English, %d in Spanish", fragments["is-it-an-emergency.html"], fragments["es/is-it-an-emergency.html"])
	}
	// The link from the last step to the report-online page, in Spanish.
	doc := sitetest.ParseHTML(t, "es/is-it-an-emergency.html", tree["es/is-it-an-emergency.html"])
	found := false
	for _, a := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" }) {
		if target, ok := resolve("es/is-it-an-emergency.html", sitetest.Attr(a, "href")); ok && target == "es/report-online.html" {
			found = true
		}
	}
	if !found {
		t.Error("es/is-it-an-emergency.html does not link to es/report-online.html")
	}
}

// The About pages say the Spanish pages are translations and that the
// English version is the one to follow.
func TestTranslationNotice(t *testing.T) {
	_, tree := real(t)
	es := strings.ToLower(sitetest.Text(sitetest.ParseHTML(t, "es/about.html", tree["es/about.html"])))
	for _, want := range []string{"traducción", "versión en inglés"} {
		if !strings.Contains(es, want) {
			t.Errorf("es/about.html does not say %q", want)
		}
	}
	en := strings.ToLower(sitetest.Text(sitetest.ParseHTML(t, "about.html", tree["about.html"])))
	for _, want := range []string{"spanish pages", "translations", "english version"} {
		if !strings.Contains(en, want) {
			t.Errorf("about.html does not say %q", want)
		}
	}
}

// Spanish pages are in the sitemap (unless their front matter leaves them
// out) and in the service worker's precache list. The sitemaps list
// absolute addresses, so only a build with a base URL writes them.
func TestSpanishInSitemapAndPrecache(t *testing.T) {
	_, tree := real(t)
	for name := range tree {
		if strings.HasSuffix(name, "sitemap.xml") {
			t.Errorf("%s was built without a base URL; a sitemap must list absolute addresses", name)
		}
	}
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(withBase(t)["sitemap.xml"], &sm); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	root := sitetest.RepoRoot(t)
	for _, tr := range translations(t) {
		data, err := os.ReadFile(filepath.Join(root, tr.esSrc))
		if err != nil {
			t.Fatal(err)
		}
		listed := slices.ContainsFunc(sm.URLs, func(u struct {
			Loc string `xml:"loc"`
		}) bool {
			return u.Loc == testBase+tr.es
		})
		wantListed := !strings.Contains(frontMatter(t, tr.esSrc, string(data))["sitemap"], "disable: true")
		if listed != wantListed {
			t.Errorf("sitemap.xml lists %s: %v, want %v", tr.es, listed, wantListed)
		}
		if !bytes.Contains(tree["sw.js"], []byte(`"`+tr.es+`"`)) {
			t.Errorf("sw.js does not precache %s", tr.es)
		}
	}
}

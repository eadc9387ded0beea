package pipeline_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"path"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/sitetest"
)

const testBase = "https://example.org/okc/guide/"

// absolutes lists a page's addresses that must be absolute: canonical and
// hreflang links, og:url and og:image, as "kind address".
func absolutes(doc *html.Node) []string {
	var out []string
	for _, n := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" || n.Data == "meta" }) {
		switch {
		case n.Data == "link" && sitetest.Attr(n, "rel") == "canonical":
			out = append(out, "canonical "+sitetest.Attr(n, "href"))
		case n.Data == "link" && sitetest.HasAttr(n, "hreflang"):
			out = append(out, "hreflang="+sitetest.Attr(n, "hreflang")+" "+sitetest.Attr(n, "href"))
		case sitetest.Attr(n, "property") == "og:url" || sitetest.Attr(n, "property") == "og:image":
			out = append(out, sitetest.Attr(n, "property")+" "+sitetest.Attr(n, "content"))
		}
	}
	return out
}

// With a base URL, every canonical link, hreflang alternate, og:url,
// og:image and sitemap entry is absolute under it and names a built file;
// every other link stays relative; robots.txt names the sitemap.
func TestWithBaseURL(t *testing.T) {
	tree := withBase(t)
	target := func(from, u string) string { return absTo(t, tree, from, u) }
	for _, name := range htmlPages(tree) {
		doc := sitetest.ParseHTML(t, name, tree[name])
		kinds := map[string]int{}
		for _, a := range absolutes(doc) {
			kind, u, _ := strings.Cut(a, " ")
			kinds[strings.SplitN(kind, "=", 2)[0]]++
			p := target(name, u)
			switch kind {
			case "canonical", "og:url":
				if p != name {
					t.Errorf("%s: %s is %s, want the page itself", name, kind, u)
				}
			case "og:image":
				img, err := png.DecodeConfig(bytes.NewReader(tree[p]))
				if err != nil || img.Width != 1200 || img.Height != 630 {
					t.Errorf("%s: og:image %s is not a 1200x630 PNG (%v, %dx%d)", name, p, err, img.Width, img.Height)
				}
			}
		}
		want := map[string]int{"canonical": 1, "hreflang": 3, "og:url": 1, "og:image": 1}
		if path.Base(name) == "404.html" {
			want = map[string]int{"og:image": 1}
		}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("%s: %d %s, want %d", name, kinds[k], k, n)
			}
		}
		for _, n := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data != "link" }) {
			for _, k := range []string{"href", "src"} {
				if v := sitetest.Attr(n, k); strings.HasPrefix(v, "/") || strings.HasPrefix(v, testBase) {
					t.Errorf("%s: <%s %s=%q> is not relative", name, n.Data, k, v)
				}
			}
		}
	}
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	for _, name := range []string{"sitemap.xml", "en/sitemap.xml", "es/sitemap.xml"} {
		if err := xml.Unmarshal(tree[name], &sm); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if len(sm.URLs) < 9 {
		t.Errorf("the sitemaps list %d pages", len(sm.URLs))
	}
	for _, u := range sm.URLs {
		target("sitemap.xml", u.Loc)
	}
	if !strings.Contains(string(tree["robots.txt"]), "Sitemap: "+testBase+"sitemap.xml") {
		t.Errorf("robots.txt does not name the sitemap:\n%s", tree["robots.txt"])
	}
	if bytes.Contains(tree["sw.js"], []byte("og/")) {
		t.Error("sw.js precaches the link preview image")
	}
}

// Without a base URL nothing that must be absolute is written: no
// canonical or hreflang link, og:url or og:image, no sitemap and no
// Sitemap line; the Open Graph text tags are still there.
func TestWithoutBaseURL(t *testing.T) {
	_, tree := real(t)
	for _, name := range htmlPages(tree) {
		doc := sitetest.ParseHTML(t, name, tree[name])
		if a := absolutes(doc); len(a) > 0 {
			t.Errorf("%s: built without a base URL, it has %v", name, a)
		}
		props := map[string]bool{}
		for _, m := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
			if sitetest.Attr(m, "content") != "" {
				props[sitetest.Attr(m, "property")+sitetest.Attr(m, "name")] = true
			}
		}
		for _, p := range []string{"og:title", "og:description", "og:locale", "og:site_name", "twitter:card", "twitter:title", "twitter:description"} {
			if !props[p] {
				t.Errorf("%s: no %s", name, p)
			}
		}
	}
	for name := range tree {
		if strings.HasSuffix(name, "sitemap.xml") || strings.HasPrefix(name, "og/") {
			t.Errorf("%s was built without a base URL", name)
		}
	}
	if strings.Contains(string(tree["robots.txt"]), "Sitemap") {
		t.Errorf("robots.txt names a sitemap:\n%s", tree["robots.txt"])
	}
}

// Each language's pages link that language's manifest, which opens its
// home page, has the whole guide as scope and offers the "Is it an
// emergency?" page as a shortcut.
func TestManifestPerLanguage(t *testing.T) {
	_, tree := real(t)
	for _, name := range htmlPages(tree) {
		lang, dir := "en", ""
		if strings.HasPrefix(name, "es/") {
			lang, dir = "es", "es/"
		}
		doc := sitetest.ParseHTML(t, name, tree[name])
		links := sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && sitetest.Attr(n, "rel") == "manifest" })
		if len(links) != 1 {
			t.Fatalf("%s: %d manifest links", name, len(links))
		}
		if got := path.Join(path.Dir(name), sitetest.Attr(links[0], "href")); got != dir+"manifest.webmanifest" {
			t.Errorf("%s links the manifest %s, want %smanifest.webmanifest", name, got, dir)
		}
		var m struct {
			Lang      string `json:"lang"`
			StartURL  string `json:"start_url"`
			Scope     string `json:"scope"`
			Shortcuts []struct {
				Name, URL string
			} `json:"shortcuts"`
		}
		if err := json.Unmarshal(tree[dir+"manifest.webmanifest"], &m); err != nil {
			t.Fatal(err)
		}
		if m.Lang != lang || path.Join(dir, m.StartURL) != path.Clean(dir+".") {
			t.Errorf("%smanifest.webmanifest: lang %q, start_url %q", dir, m.Lang, m.StartURL)
		}
		if path.Clean(path.Join(dir, m.Scope)) != "." {
			t.Errorf("%smanifest.webmanifest: scope %q is not the whole guide", dir, m.Scope)
		}
		if len(m.Shortcuts) != 1 || path.Join(dir, m.Shortcuts[0].URL) != dir+"is-it-an-emergency.html" {
			t.Errorf("%smanifest.webmanifest: shortcuts %+v", dir, m.Shortcuts)
		}
	}
}

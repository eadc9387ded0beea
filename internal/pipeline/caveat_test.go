package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// unconfirmedRe is how the pages say the facts are not yet confirmed, in
// English or Spanish: "not yet confirmed", "have not yet been confirmed",
// "todavía no se han confirmado", "(todavía no confirmado)".
var unconfirmedRe = regexp.MustCompile(`(?i)not yet (been )?confirmed|todavía no (se han? )?confirmad`)

// firstScreen is the text a home page shows first: its <main> from the
// start up to and including the hero with the call buttons (the page's
// own text and the decision content come after it), and the hero.
func firstScreen(t *testing.T, name string, doc *html.Node) (string, *html.Node) {
	t.Helper()
	mains := sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "main" })
	if len(mains) != 1 {
		t.Fatalf("%s: %d <main>", name, len(mains))
	}
	var text []string
	for c := mains[0].FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		text = append(text, sitetest.Text(c))
		if strings.Contains(" "+sitetest.Attr(c, "class")+" ", " hero ") {
			return strings.Join(text, " "), c
		}
	}
	t.Fatalf("%s: no .hero in <main>", name)
	return "", nil
}

// checkCaveats checks every place a reader meets the number, or a page
// or app describing it, against whether a check is recorded: with none,
// each says the facts are not yet confirmed; with one, none does.
func checkCaveats(t *testing.T, tree map[string][]byte, checked bool, website string) {
	t.Helper()
	says := func(where, text string) {
		t.Helper()
		if got := unconfirmedRe.MatchString(text); !checked && !got {
			t.Errorf("%s does not say the facts are not yet confirmed, with no check recorded: %q", where, text)
		} else if checked && got {
			t.Errorf("%s says the facts are not yet confirmed, with a check recorded: %q", where, text)
		}
	}
	for _, home := range []string{"index.html", "es/index.html"} {
		doc := sitetest.ParseHTML(t, home, tree[home])
		text, hero := firstScreen(t, home, doc)
		says(home+": the first screen (the heading and the hero with the number)", text)
		if !checked {
			links := sitetest.FindAll(hero, func(n *html.Node) bool {
				return n.Data == "a" && strings.HasSuffix(sitetest.Attr(n, "href"), "about.html#facts")
			})
			if len(links) != 1 {
				t.Errorf("%s: the hero has %d links to the About page's #facts, want 1", home, len(links))
			}
		} else if unconfirmedRe.Match(tree[home]) {
			t.Errorf("%s still says the facts are not yet confirmed somewhere, with a check recorded", home)
		}
	}
	for _, name := range htmlPages(tree) {
		doc := sitetest.ParseHTML(t, name, tree[name])
		for _, m := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
			switch k := sitetest.Attr(m, "name") + sitetest.Attr(m, "property"); k {
			case "description", "og:description", "twitter:description", "og:image:alt":
				says(name+": "+k, sitetest.Attr(m, "content"))
			}
		}
		for _, b := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "button" && sitetest.Attr(n, "id") == "share" }) {
			says(name+": the share text", sitetest.Attr(b, "data-text"))
		}
		// The header's call buttons: the number, where a reader acts on it.
		for _, h := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "header" }) {
			if len(sitetest.FindAll(h, func(n *html.Node) bool { return strings.HasPrefix(sitetest.Attr(n, "href"), "tel:") })) > 0 {
				says(name+": the header with the call buttons", sitetest.Text(h))
			}
		}
		// The official website's link: the source gives no address for
		// online reports, so the link is an inference, unconfirmed too.
		for _, a := range sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" && sitetest.Attr(n, "href") == website }) {
			next := ""
			if s := a.NextSibling; s != nil && s.Type == html.TextNode {
				next = s.Data
			}
			says(name+": the text right after the link to "+website, next)
		}
	}
	for _, dir := range []string{"", "es/"} {
		var m struct {
			Description string `json:"description"`
		}
		if err := json.Unmarshal(tree[dir+"manifest.webmanifest"], &m); err != nil {
			t.Fatalf("%smanifest.webmanifest: %v", dir, err)
		}
		says(dir+"manifest.webmanifest: description", m.Description)
	}
	for _, name := range []string{"og/en.png", "og/es.png"} {
		img, err := png.Decode(bytes.NewReader(tree[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The caveat's line, between the hours and the red 911 band
		// (assets/og-image.svg: font-size 38, baseline 452).
		n := sitetest.WhitePixels(img, image.Rect(0, 410, 1200, 470))
		if !checked && n < 500 {
			t.Errorf("%s: the caveat's line is not drawn (%d white pixels), with no check recorded", name, n)
		} else if checked && n != 0 {
			t.Errorf("%s: %d white pixels where the caveat's line goes, with a check recorded", name, n)
		}
	}
}

// Until a person records a check, the caveat is where people act on the
// number and wherever it is described: both home pages' first screen,
// with a link to where About explains it, the header's call buttons, the
// meta, Open Graph and Twitter descriptions, the link preview image and
// its alt text, the share text, the web app manifests, and after the link
// to the official website.
func TestCaveatWithoutCheck(t *testing.T) {
	checkCaveats(t, withBase(t), false, readFacts(t, sitetest.RepoRoot(t)).Website.URL)
}

// Once a check is recorded in data/contacts.toml, every one of those
// places drops the caveat, with no other edit.
func TestCaveatGoesWithACheck(t *testing.T) {
	src := sitetest.CopySite(t)
	file := filepath.Join(src, "data", "contacts.toml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "\n[check]\nby = \"A. Editor\"\nagainst = \"The department's website\"\ndate = 2026-11-20\n"...)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest, BaseURL: testBase}); err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	tree := sitetest.ReadTree(t, dest)
	checkCaveats(t, tree, true, readFacts(t, src).Website.URL)
}

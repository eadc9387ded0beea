package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/contacts"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// flyers are the flyer pages, by language, with the address their QR
// code must hold when the guide is built with the base URL testBase.
var flyers = []struct{ lang, page, address string }{
	{"en", "flyer.html", testBase},
	{"es", "es/flyer.html", testBase + "es/"},
}

// byClass finds the elements under n with the class c.
func byClass(n *html.Node, c string) []*html.Node {
	return sitetest.FindAll(n, func(n *html.Node) bool {
		return n.Type == html.ElementNode && strings.Contains(" "+sitetest.Attr(n, "class")+" ", " "+c+" ")
	})
}

// one is the only element under n with the class c.
func one(t *testing.T, page string, n *html.Node, c string) *html.Node {
	t.Helper()
	ns := byClass(n, c)
	if len(ns) != 1 {
		t.Fatalf("%s: %d elements of class %s, want 1", page, len(ns), c)
	}
	return ns[0]
}

// qrOf decodes the QR code an <img> under n shows, from the built SVG,
// with a QR reader the guide does not use to draw it.
func qrOf(t *testing.T, tree map[string][]byte, page string, n *html.Node) string {
	t.Helper()
	imgs := sitetest.FindAll(n, func(n *html.Node) bool { return n.Data == "img" })
	if len(imgs) != 1 {
		t.Fatalf("%s: %d images where the QR code goes, want 1", page, len(imgs))
	}
	src := path.Join(path.Dir(page), sitetest.Attr(imgs[0], "src"))
	svg, ok := tree[src]
	if !ok {
		t.Fatalf("%s: the QR code %s was not built", page, src)
	}
	if sitetest.Attr(imgs[0], "alt") == "" {
		t.Errorf("%s: the QR code has no alt text", page)
	}
	text, err := sitetest.DecodeQR(svg)
	if err != nil {
		t.Fatalf("%s: %s: %v", page, src, err)
	}
	return text
}

// Built with a base URL, each flyer's QR code opens the guide in the
// flyer's language, and the address printed under it is the same. The
// print card of every page carries the code of its page's language. The
// codes and the flyers are kept for offline use.
func TestFlyerQRCode(t *testing.T) {
	tree := withBase(t)
	for _, f := range flyers {
		doc := sitetest.ParseHTML(t, f.page, tree[f.page])
		qr := one(t, f.page, one(t, f.page, doc, "flyer"), "flyer-qr")
		if got := qrOf(t, tree, f.page, qr); got != f.address {
			t.Errorf("%s: the QR code holds %q, want %q", f.page, got, f.address)
		}
		if got := sitetest.Text(one(t, f.page, qr, "flyer-address")); got != f.address {
			t.Errorf("%s: the address under the QR code is %q, want %q", f.page, got, f.address)
		}
	}
	for _, page := range htmlPages(tree) {
		want := flyers[0].address
		if strings.HasPrefix(page, "es/") {
			want = flyers[1].address
		}
		doc := sitetest.ParseHTML(t, page, tree[page])
		card := one(t, page, doc, "print-card")
		if got := qrOf(t, tree, page, one(t, page, card, "print-qr")); got != want {
			t.Errorf("%s: the print card's QR code holds %q, want %q", page, got, want)
		}
		if !strings.Contains(sitetest.Text(card), want) {
			t.Errorf("%s: the print card does not print the address %s", page, want)
		}
	}
	for _, p := range []string{"flyer.html", "es/flyer.html", "qr/en.svg", "qr/es.svg"} {
		if !bytes.Contains(tree["sw.js"], []byte(`"`+p+`"`)) {
			t.Errorf("sw.js does not keep %s for offline use", p)
		}
	}
	for name := range tree {
		if strings.HasSuffix(name, ".txt") && strings.HasPrefix(name, "qr/") {
			t.Errorf("%s was published", name)
		}
	}
}

// i18nText is the site's text for key in lang, from i18n/<lang>.toml.
func i18nText(t *testing.T, lang, key string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "i18n", lang+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := toml.Unmarshal(data, &m); err != nil {
		t.Fatalf("i18n/%s.toml: %v", lang, err)
	}
	if m[key] == "" {
		t.Fatalf("i18n/%s.toml has no %s", lang, key)
	}
	return m[key]
}

// buildLogged builds src, with the base URL base if not "", and returns
// the built tree and what the build printed.
func buildLogged(t *testing.T, src, base string) (map[string][]byte, string) {
	t.Helper()
	var log bytes.Buffer
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest, BaseURL: base, Log: &log}); err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	return sitetest.ReadTree(t, dest), log.String()
}

// flyerText checks what each flyer holds whatever the base URL: both
// numbers, and the same words on where the facts come from and whether
// they are confirmed as the footer (one partial says it). It returns
// each flyer's text about the facts, by language.
func flyerText(t *testing.T, tree map[string][]byte) map[string]string {
	t.Helper()
	c, err := contacts.Load(sitetest.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range flyers {
		doc := sitetest.ParseHTML(t, f.page, tree[f.page])
		flyer := one(t, f.page, doc, "flyer")
		text := sitetest.Text(flyer)
		for _, n := range []string{c.NonEmergency.Display, c.Emergency.Display} {
			if !strings.Contains(text, n) {
				t.Errorf("%s: the flyer does not have %s", f.page, n)
			}
		}
		facts := sitetest.Text(one(t, f.page, flyer, "flyer-facts"))
		if footer := sitetest.Text(one(t, f.page, doc, "facts")); facts != footer {
			t.Errorf("%s: the flyer says of the facts\n%q\nthe footer\n%q", f.page, facts, footer)
		}
		out[f.lang] = facts
	}
	return out
}

// Without a base URL the flyers are built, with both numbers and the
// "not yet confirmed" caveat while no check is recorded, and no QR code;
// the build says so once, as a note, not a warning. The About page and
// the print card link to the flyer.
func TestFlyerWithoutBaseURL(t *testing.T) {
	tree, log := buildLogged(t, sitetest.CopySite(t), "")
	for lang, facts := range flyerText(t, tree) {
		if want := i18nText(t, lang, "factsUnconfirmed"); !strings.Contains(facts, want) {
			t.Errorf("%s flyer: no %q in %q", lang, want, facts)
		}
	}
	for _, f := range flyers {
		doc := sitetest.ParseHTML(t, f.page, tree[f.page])
		if imgs := sitetest.FindAll(one(t, f.page, doc, "flyer"), func(n *html.Node) bool { return n.Data == "img" }); len(imgs) > 0 {
			t.Errorf("%s: built without a base URL, the flyer has an image", f.page)
		}
		about := strings.Replace(f.page, "flyer", "about", 1)
		mains := sitetest.FindAll(sitetest.ParseHTML(t, about, tree[about]), func(n *html.Node) bool { return n.Data == "main" })
		if len(mains) != 1 || !linksTo(mains[0], about, f.page) {
			t.Errorf("%s does not link to %s in its text", about, f.page)
		}
	}
	for _, page := range htmlPages(tree) {
		flyer := flyers[0].page
		if strings.HasPrefix(page, "es/") {
			flyer = flyers[1].page
		}
		card := one(t, page, sitetest.ParseHTML(t, page, tree[page]), "print-card")
		if !linksTo(one(t, page, card, "print-flyer"), page, flyer) {
			t.Errorf("%s: the print card does not link to %s", page, flyer)
		}
	}
	for name := range tree {
		if strings.HasPrefix(name, "qr/") {
			t.Errorf("%s was built without a base URL", name)
		}
	}
	if n := strings.Count(log, pipeline.NoQRNote); n != 1 {
		t.Errorf("the build printed the note on the QR code %d times, want once:\n%s", n, log)
	}
	if !strings.HasPrefix(pipeline.NoQRNote, "note: ") || strings.Contains(pipeline.NoQRNote, "warning") {
		t.Errorf("the note on the QR code does not read as a note: %s", pipeline.NoQRNote)
	}
}

// linksTo reports whether a link under n, on page, leads to target.
func linksTo(n *html.Node, page, target string) bool {
	for _, a := range sitetest.FindAll(n, func(n *html.Node) bool { return n.Data == "a" }) {
		if path.Join(path.Dir(page), sitetest.Attr(a, "href")) == target {
			return true
		}
	}
	return false
}

// Once a person records a check of the facts, each flyer says who checked
// them and when instead of "not yet confirmed", as the footer does; a
// build with a base URL prints no note on the QR code.
func TestFlyerWithCheck(t *testing.T) {
	src := sitetest.CopySite(t)
	f, err := os.OpenFile(filepath.Join(src, "data", "contacts.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	const by = "The Northeast Neighborhood Office"
	f.WriteString("\n[check]\nby = \"" + by + "\"\nagainst = \"Oklahoma City Police Department, official website\"\ndate = 2026-11-20\n")
	f.Close()
	tree, log := buildLogged(t, src, testBase)
	for lang, facts := range flyerText(t, tree) {
		if !strings.Contains(facts, by) || !strings.Contains(facts, "2026") {
			t.Errorf("%s flyer: the check is not there: %q", lang, facts)
		}
		if unconfirmed := i18nText(t, lang, "factsUnconfirmed"); strings.Contains(facts, unconfirmed) {
			t.Errorf("%s flyer: still %q with a check recorded", lang, unconfirmed)
		}
	}
	if strings.Contains(log, pipeline.NoQRNote) {
		t.Errorf("a build with a base URL printed the note on the QR code:\n%s", log)
	}
}

package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/net/html"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// vcard is a contact card as parsed by readVCard.
type vcard []vprop

// vprop is one property of a vCard: its name and parameters (upper case)
// and its raw value.
type vprop struct {
	Name   string
	Params map[string][]string
	Value  string
}

func (c vcard) all(name string) []vprop {
	var out []vprop
	for _, p := range c {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// readVCard parses one vCard 4.0 strictly (RFC 6350): every line ends with
// CRLF, no line is longer than 75 octets or splits a UTF-8 character,
// folded lines continue with one space or tab, BEGIN:VCARD and VERSION:4.0
// come first and END:VCARD last.
func readVCard(t *testing.T, data []byte) vcard {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatal("vCard: the last line does not end with CRLF")
	}
	for i, b := range data {
		if b == '\n' && (i == 0 || data[i-1] != '\r') {
			t.Fatalf("vCard: a line ends with LF alone at byte %d", i)
		}
		if b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			t.Fatalf("vCard: CR without LF at byte %d", i)
		}
	}
	var logical []string
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("vCard line %d is %d octets, over 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("vCard line %d splits a UTF-8 character: %q", i+1, l)
		}
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			if len(logical) == 0 {
				t.Fatal("vCard: the first line is a continuation")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		if l == "" {
			t.Fatalf("vCard line %d is empty", i+1)
		}
		logical = append(logical, l)
	}
	var c vcard
	for _, l := range logical {
		c = append(c, parseProp(t, l))
	}
	if len(c) < 3 || c[0].Name != "BEGIN" || !strings.EqualFold(c[0].Value, "VCARD") {
		t.Fatalf("vCard does not start with BEGIN:VCARD: %q", logical)
	}
	if c[1].Name != "VERSION" || c[1].Value != "4.0" {
		t.Fatalf("vCard's second line is not VERSION:4.0: %q", logical[1])
	}
	if last := c[len(c)-1]; last.Name != "END" || !strings.EqualFold(last.Value, "VCARD") {
		t.Fatalf("vCard does not end with END:VCARD: %q", logical)
	}
	for _, p := range c[1 : len(c)-1] {
		if p.Name == "BEGIN" || p.Name == "END" {
			t.Fatalf("vCard: more than one card, or a stray %s", p.Name)
		}
	}
	if len(c.all("FN")) == 0 {
		t.Error("vCard has no FN")
	}
	return c
}

var propNameRe = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// parseProp splits name;param=value;...:value, minding quoted parameter
// values, which may hold ':' and ';'.
func parseProp(t *testing.T, l string) vprop {
	t.Helper()
	var parts []string
	start, quoted := 0, false
	colon := -1
	for i := 0; i < len(l) && colon < 0; i++ {
		switch l[i] {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				parts = append(parts, l[start:i])
				start = i + 1
			}
		case ':':
			if !quoted {
				parts = append(parts, l[start:i])
				colon = i
			}
		}
	}
	if colon < 0 {
		t.Fatalf("vCard: %q has no ':'", l)
	}
	p := vprop{Name: strings.ToUpper(parts[0]), Params: map[string][]string{}, Value: l[colon+1:]}
	if !propNameRe.MatchString(p.Name) {
		t.Fatalf("vCard: bad property name in %q", l)
	}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !propNameRe.MatchString(k) {
			t.Fatalf("vCard: bad parameter %q in %q", kv, l)
		}
		k = strings.ToUpper(k)
		for _, one := range strings.Split(v, ",") {
			p.Params[k] = append(p.Params[k], strings.ToLower(strings.Trim(one, `"`)))
		}
	}
	return p
}

// unescape reads a vCard text value, split into components at unescaped
// sep (';' for ORG; none for a single text value). A comma or semicolon
// that is not escaped, or an unknown escape, fails the test.
func unescape(t *testing.T, v string, sep byte) []string {
	t.Helper()
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\':
			if i+1 == len(v) {
				t.Fatalf("vCard: %q ends with a backslash", v)
			}
			i++
			switch v[i] {
			case '\\', ',', ';':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				t.Fatalf("vCard: unknown escape \\%c in %q", v[i], v)
			}
		case sep != 0 && c == sep:
			out = append(out, b.String())
			b.Reset()
		case c == ',' || c == ';':
			t.Fatalf("vCard: unescaped %q in the text value %q", c, v)
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

// checkCard checks a built contact card against the data it came from.
func checkCard(t *testing.T, data []byte, f facts) {
	t.Helper()
	c := readVCard(t, data)
	tels := c.all("TEL")
	if len(tels) != 1 {
		t.Fatalf("vCard has %d TEL, want 1", len(tels))
	}
	tel := tels[0]
	if want := "tel:" + f.NonEmergency.Tel; tel.Value != want {
		t.Errorf("TEL is %q, want %q from data/contacts.toml", tel.Value, want)
	}
	if !slices.Equal(tel.Params["VALUE"], []string{"uri"}) {
		t.Errorf("TEL has VALUE=%q, want uri", tel.Params["VALUE"])
	}
	if !slices.Contains(tel.Params["TYPE"], "voice") {
		t.Errorf("TEL has TYPE=%q, want voice", tel.Params["TYPE"])
	}
	one := func(name string) string {
		ps := c.all(name)
		if len(ps) != 1 {
			t.Errorf("vCard has %d %s, want 1", len(ps), name)
			return ""
		}
		return ps[0].Value
	}
	if got := unescape(t, one("FN"), 0)[0]; got != f.NonEmergency.Name {
		t.Errorf("FN is %q, want %q", got, f.NonEmergency.Name)
	}
	if got := unescape(t, one("ORG"), ';'); got[0] != f.Organization.Name {
		t.Errorf("ORG is %q, want %q", got, f.Organization.Name)
	}
	if got := one("URL"); got != f.Website.URL {
		t.Errorf("URL is %q, want %q", got, f.Website.URL)
	}
	hours := f.NonEmergency.Hours
	if hours == "24/7" {
		hours = f.Hours247
	}
	note := unescape(t, one("NOTE"), 0)[0]
	for _, want := range []string{hours, f.Emergency.Display} {
		if want == "" || !strings.Contains(note, want) {
			t.Errorf("NOTE %q does not say %q", note, want)
		}
	}
	if says := strings.Contains(note, f.Unconfirmed); f.Check == nil && !says {
		t.Errorf("NOTE %q does not say %q, with no check recorded", note, f.Unconfirmed)
	} else if f.Check != nil && says {
		t.Errorf("NOTE %q says %q, with a check recorded", note, f.Unconfirmed)
	}
}

// The contact card is a strict vCard 4.0 with the number, name, URL and
// hours from data/contacts.toml, precached for offline use. The Spanish
// card, in es/, has the same facts with the name and note in Spanish.
func TestContactCard(t *testing.T) {
	_, tree := real(t)
	const card = "okcpd-non-emergency.vcf"
	data, ok := tree[card]
	if !ok {
		t.Fatalf("%s was not built", card)
	}
	root := sitetest.RepoRoot(t)
	f := readFacts(t, root)
	checkCard(t, data, f)
	var es struct {
		Hours247    string `toml:"hours247"`
		ContactName string `toml:"contactName"`
		Unconfirmed string `toml:"contactUnconfirmed"`
	}
	i18n, err := os.ReadFile(filepath.Join(root, "i18n", "es.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.Unmarshal(i18n, &es); err != nil || es.Hours247 == "" || es.ContactName == "" || es.Unconfirmed == "" {
		t.Fatalf("i18n/es.toml: no hours247, contactName or contactUnconfirmed (%v)", err)
	}
	esData, ok := tree["es/"+card]
	if !ok {
		t.Fatalf("es/%s was not built", card)
	}
	esFacts := f
	esFacts.Hours247 = es.Hours247
	esFacts.NonEmergency.Name = es.ContactName
	esFacts.Unconfirmed = es.Unconfirmed
	checkCard(t, esData, esFacts)
	for _, name := range []string{card, "es/" + card} {
		if !bytes.Contains(tree["sw.js"], []byte(`"`+name+`"`)) {
			t.Errorf("sw.js does not precache %s", name)
		}
	}
}

// Each home page links to its language's contact card, with download and
// the translated "save the number" text.
func TestHomePagesLinkTheCard(t *testing.T) {
	_, tree := real(t)
	root := sitetest.RepoRoot(t)
	for _, home := range []struct{ page, i18n, card string }{
		{"index.html", "en", "okcpd-non-emergency.vcf"},
		{"es/index.html", "es", "es/okcpd-non-emergency.vcf"},
	} {
		var msgs struct {
			SaveContact string `toml:"saveContact"`
		}
		data, err := os.ReadFile(filepath.Join(root, "i18n", home.i18n+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := toml.Unmarshal(data, &msgs); err != nil || msgs.SaveContact == "" {
			t.Fatalf("i18n/%s.toml: no saveContact (%v)", home.i18n, err)
		}
		doc := sitetest.ParseHTML(t, home.page, tree[home.page])
		links := sitetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasSuffix(sitetest.Attr(n, "href"), ".vcf") })
		if len(links) != 1 {
			t.Errorf("%s: %d links to a .vcf, want 1", home.page, len(links))
			continue
		}
		a := links[0]
		if got := linkTo(t, tree, home.page, a); got != home.card {
			t.Errorf("%s: the card link goes to %s", home.page, got)
		}
		if !sitetest.HasAttr(a, "download") {
			t.Errorf("%s: the card link has no download attribute", home.page)
		}
		if sitetest.Text(a) != msgs.SaveContact {
			t.Errorf("%s: the card link says %q, want %q", home.page, sitetest.Text(a), msgs.SaveContact)
		}
	}
}

// structuredData is the part of the home pages' JSON-LD the tests check.
type structuredData struct {
	Context    string `json:"@context"`
	Type       string `json:"@type"`
	Name       string `json:"name"`
	URL        string `json:"url"`
	AreaServed struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	} `json:"areaServed"`
	ContactPoint struct {
		Type           string `json:"@type"`
		Telephone      string `json:"telephone"`
		ContactType    string `json:"contactType"`
		HoursAvailable *struct {
			Type      string   `json:"@type"`
			DayOfWeek []string `json:"dayOfWeek"`
			Opens     string   `json:"opens"`
			Closes    string   `json:"closes"`
		} `json:"hoursAvailable"`
	} `json:"contactPoint"`
}

// jsonLD returns the one JSON-LD block of a page, parsed.
func jsonLD(t *testing.T, name string, page []byte) structuredData {
	t.Helper()
	doc := sitetest.ParseHTML(t, name, page)
	blocks := sitetest.FindAll(doc, func(n *html.Node) bool {
		return n.Data == "script" && sitetest.Attr(n, "type") == "application/ld+json"
	})
	if len(blocks) != 1 {
		t.Fatalf("%s: %d JSON-LD blocks, want 1", name, len(blocks))
	}
	if sitetest.HasAttr(blocks[0], "src") {
		t.Fatalf("%s: the JSON-LD block loads a file: search engines read only in-page JSON-LD", name)
	}
	var raw string
	if c := blocks[0].FirstChild; c != nil {
		raw = c.Data
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	var sd structuredData
	if err := dec.Decode(&sd); err != nil {
		t.Fatalf("%s: the JSON-LD is not valid JSON: %v\n%s", name, err, raw)
	}
	if dec.More() {
		t.Fatalf("%s: the JSON-LD block has more than one value", name)
	}
	return sd
}

// checkLD checks the structured data against the data it came from.
func checkLD(t *testing.T, name string, sd structuredData, f facts) {
	t.Helper()
	if sd.Context != "https://schema.org" || sd.Type != "GovernmentOrganization" {
		t.Errorf("%s: @context %q, @type %q", name, sd.Context, sd.Type)
	}
	if sd.Name != f.Organization.Name || sd.URL != f.Website.URL {
		t.Errorf("%s: name %q, url %q; want %q, %q", name, sd.Name, sd.URL, f.Organization.Name, f.Website.URL)
	}
	if sd.AreaServed.Name != f.Organization.AreaServed {
		t.Errorf("%s: areaServed %q, want %q", name, sd.AreaServed.Name, f.Organization.AreaServed)
	}
	cp := sd.ContactPoint
	if cp.Type != "ContactPoint" || cp.ContactType != "non-emergency" {
		t.Errorf("%s: contactPoint @type %q, contactType %q", name, cp.Type, cp.ContactType)
	}
	if got := strings.ReplaceAll(cp.Telephone, "-", ""); got != f.NonEmergency.Tel || !strings.HasPrefix(cp.Telephone, "+1-") {
		t.Errorf("%s: telephone %q, want %s written +1-XXX-XXX-XXXX", name, cp.Telephone, f.NonEmergency.Tel)
	}
	h := cp.HoursAvailable
	if f.NonEmergency.Hours != "24/7" {
		if h != nil {
			t.Errorf("%s: hoursAvailable %+v for hours %q", name, *h, f.NonEmergency.Hours)
		}
		return
	}
	if h == nil {
		t.Fatalf("%s: no hoursAvailable for a 24/7 line", name)
	}
	week := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	if h.Type != "OpeningHoursSpecification" || !slices.Equal(h.DayOfWeek, week) || h.Opens != "00:00" || h.Closes != "23:59" {
		t.Errorf("%s: hoursAvailable %+v, want every day 00:00 to 23:59", name, *h)
	}
}

// Structured data tells search engines the number is the department's
// contact, with no way to say it is unconfirmed. Until a person records a
// check, no page carries it; after one, each home page carries the same
// structured data, from the data file, and no other page does.
func TestStructuredData(t *testing.T) {
	_, tree := real(t)
	checkStructuredData(t, tree, readFacts(t, sitetest.RepoRoot(t)))
}

func checkStructuredData(t *testing.T, tree map[string][]byte, f facts) {
	t.Helper()
	homes := []string{"index.html", "es/index.html"}
	for name, data := range tree {
		if !strings.HasSuffix(name, ".html") || !bytes.Contains(data, []byte("application/ld+json")) {
			continue
		}
		if f.Check == nil {
			t.Errorf("%s has JSON-LD, with no check of the facts recorded", name)
		} else if !slices.Contains(homes, name) {
			t.Errorf("%s has JSON-LD; only the home pages should", name)
		}
	}
	if f.Check != nil {
		for _, p := range homes {
			checkLD(t, p, jsonLD(t, p, tree[p]), f)
		}
	}
}

// The card and the structured data follow the data file: with another
// number, other hours, names that need escaping and folding, and a
// recorded check, both say exactly what the file says.
func TestCardAndStructuredDataFollowTheData(t *testing.T) {
	src := sitetest.Site(t, `
-- data/contacts.toml --

[nonEmergency]
name = "Línea de la policía; sin emergencia, con un nombre muy largo para doblar — ñandú"
display = "(405) 555-0123"
tel = "+14055550123"
hours = "8 a.m. to 5 p.m., Monday to Friday"

[emergency]
name = "Emergency"
display = "911"
tel = "911"

[organization]
name = 'Police; Dept, of "OKC" \ Test'
areaServed = "Edmond"

[website]
name = "City"
url = "https://www.okc.gov/police/"

[source]
en = "a public article about the line"
es = "un artículo público sobre la línea"

[check]
by = "A. Editor"
against = "The department's website"
date = 2026-11-20
`)
	f := readFacts(t, src)
	old := readFacts(t, sitetest.RepoRoot(t)).NonEmergency.Display
	// Pages that write the number out (titles, descriptions) change with
	// it, as they would in a real edit; the build checks they agree.
	pages, err := filepath.Glob(filepath.Join(src, "content", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.ReplaceAll(data, []byte(old), []byte(f.NonEmergency.Display))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree := sitetest.ReadTree(t, build(t, src))
	card := tree["okcpd-non-emergency.vcf"]
	checkCard(t, card, f)
	if !bytes.Contains(card, []byte("\r\n ")) {
		t.Error("the long FN was not folded")
	}
	checkStructuredData(t, tree, f)
}

// A data file without the organization fails the build, naming the file.
func TestMissingOrganizationFails(t *testing.T) {
	src := sitetest.CopySite(t)
	sitetest.Edit(t, src, "data/contacts.toml", "areaServed = ", "# areaServed = ")
	_, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: filepath.Join(t.TempDir(), "public")})
	if err == nil || !strings.Contains(err.Error(), "data/contacts.toml") || !strings.Contains(err.Error(), "[organization] needs areaServed") {
		t.Fatalf("want an error naming data/contacts.toml and [organization], got %v", err)
	}
}

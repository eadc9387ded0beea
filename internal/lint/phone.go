package lint

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/okcguide/guide/internal/contacts"
)

// phoneBook is every number in data/contacts.toml.
type phoneBook struct {
	// keys maps a normalized number (digits only, no leading US country
	// code) to the data table that holds it, like "nonEmergency".
	keys map[string]string
	// tables are the names a {{< phone >}} shortcode may use: the tables
	// with a tel value.
	tables map[string]bool
	// facts is the whole data file.
	facts *contacts.Contacts
}

// loadPhones reads data/contacts.toml through the contacts package (which
// checks it) and collects every tel and display value in it.
func loadPhones(src string) (*phoneBook, error) {
	c, err := contacts.Load(src)
	if err != nil {
		return nil, err
	}
	b := &phoneBook{keys: map[string]string{}, tables: map[string]bool{}, facts: c}
	numbers := c.Numbers()
	for _, k := range slices.Sorted(maps.Keys(numbers)) {
		b.tables[k] = true
		for _, s := range []string{numbers[k].Tel, numbers[k].Display} {
			if n := normalize(s); n != "" {
				if _, dup := b.keys[n]; !dup {
					b.keys[n] = k
				}
			}
		}
	}
	return b, nil
}

// normalize keeps only the digits of a number and drops a leading US
// country code, so "+1 (405) 297-1212" and "405.297.1212" compare equal.
func normalize(s string) string {
	d := contacts.Digits(s)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// known reports whether number (normalized) is in the data, and under
// which table. A seven-digit number matches the end of a ten-digit one.
func (b *phoneBook) known(n string) (string, bool) {
	if k, ok := b.keys[n]; ok {
		return k, true
	}
	if len(n) == 7 {
		var fulls []string
		for full := range b.keys {
			fulls = append(fulls, full)
		}
		sort.Strings(fulls)
		for _, full := range fulls {
			if len(full) == 10 && strings.HasSuffix(full, n) {
				return b.keys[full], true
			}
		}
	}
	return "", false
}

// list is the data's numbers as people read them, for messages.
func (b *phoneBook) list() string {
	var out []string
	for n := range b.keys {
		if len(n) == 10 {
			out = append(out, "("+n[:3]+") "+n[3:6]+"-"+n[6:])
		} else {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// phoneRE finds phone numbers of seven or more digits written as text:
// "(405) 297-1212", "405-297-1212", "405.297.1212", "4052971212",
// "+1 405 297 1212" and "297-1212". Short numbers like 911 are not matched:
// "call 911" is plain, clear prose.
var phoneRE = regexp.MustCompile(`(?:\+?1[ .\-\x{a0}]?)?(?:\(\d{3}\)[ .\-\x{a0}]?|\d{3}[ .\-\x{a0}]?)\d{3}[ .\-\x{a0}\x{2010}-\x{2013}]?\d{4}|\d{3}[.\-\x{2010}-\x{2013}]\d{4}`)

// phoneMatch is one number found in text, at byte offsets [start, end).
type phoneMatch struct {
	start, end int
	text       string
	number     string // normalized
}

// findPhones returns the phone numbers in s that are not part of a longer
// run of digits.
func findPhones(s string) []phoneMatch {
	// Every number the pattern matches has at least seven digits; most
	// prose has none, and counting is far cheaper than the pattern.
	digits := 0
	for i := 0; i < len(s) && digits < 7; i++ {
		if isDigit(s[i]) {
			digits++
		}
	}
	if digits < 7 {
		return nil
	}
	var out []phoneMatch
	for _, m := range phoneRE.FindAllStringIndex(s, -1) {
		a, z := m[0], m[1]
		if a > 0 && isDigit(s[a-1]) || z < len(s) && isDigit(s[z]) {
			continue
		}
		if a > 0 && s[a] != '(' && s[a] != '+' && (isLetter(s[a-1]) || s[a-1] == '/') {
			continue
		}
		out = append(out, phoneMatch{start: a, end: z, text: s[a:z], number: normalize(s[a:z])})
	}
	return out
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// checkNumber reports a number that is not in the contacts data.
func (l *linter) checkNumber(p *page, off int, text, number string) {
	if _, ok := l.phones.known(number); ok {
		return
	}
	line, col := p.pos(off)
	l.errorAt(p.rel, line, col, "phone-mismatch", "%q is not a number in %s (%s): fix the number, or add it to the data file", text, contacts.File, l.phones.list())
}

// checkPlainPhones reports phone numbers typed as text in a run of prose.
func (l *linter) checkPlainPhones(p *page, r *mappedText) {
	for _, m := range findPhones(string(r.text)) {
		off := r.offset(m.start)
		line, col := p.pos(off)
		how := `the {{< phone >}} shortcode`
		if k, ok := l.phones.known(m.number); ok {
			how = fmt.Sprintf(`{{< phone %q >}}`, k)
		}
		l.errorAt(p.rel, line, col, "phone-text", "%q is typed as plain text: write %s so people can tap to call", m.text, how)
		l.checkNumber(p, off, m.text, m.number)
	}
}

// checkCodePhones checks the numbers in code, which may be shown as text.
func (l *linter) checkCodePhones(p *page, r *mappedText) {
	for _, m := range findPhones(string(r.text)) {
		l.checkNumber(p, r.offset(m.start), m.text, m.number)
	}
}

// checkTel checks the number of a tel: link or autolink.
func (l *linter) checkTel(p *page, off int, dest string) {
	number := strings.TrimPrefix(strings.TrimPrefix(dest, "tel:"), "TEL:")
	if i := strings.IndexAny(number, ";,"); i >= 0 {
		number = number[:i]
	}
	n := normalize(number)
	if n == "" {
		line, col := p.pos(off)
		l.errorAt(p.rel, line, col, "phone-mismatch", "the link %q has no number to call", dest)
		return
	}
	l.checkNumber(p, off, dest, n)
}

// checkFrontMatterPhones checks every number in the front matter's text
// values. Numbers there are plain text by nature (titles and descriptions
// end up in <title> and <meta>), so only phone-mismatch applies.
func (l *linter) checkFrontMatterPhones(p *page) {
	keys := make([]string, 0, len(p.fm))
	for k := range p.fm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case int, int64, uint64, float64:
				walk(fmt.Sprint(v)) // phone: 4052971212 with no quotes
			case string:
				for _, m := range findPhones(v) {
					if _, ok := l.phones.known(m.number); !ok {
						l.errorAt(p.rel, p.fmKeyLine(k), 1, "phone-mismatch", "front matter %s: %q is not a number in %s (%s)", k, m.text, contacts.File, l.phones.list())
					}
				}
			case map[string]any:
				for _, vv := range v {
					walk(vv)
				}
			case []any:
				for _, vv := range v {
					walk(vv)
				}
			}
		}
		walk(p.fm[k])
	}
}

package contacts_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/contacts"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar from what Load reports")

// fixture writes the files of the archive testdata/name.txtar (its
// data/contacts.toml, if it has one) into a new site folder and returns
// it.
func fixture(t *testing.T, files *txtar.Archive) string {
	t.Helper()
	src := t.TempDir()
	sitetest.Apply(t, src, string(txtar.Format(files)))
	return src
}

// Each testdata/NAME.txtar holds a site's data/contacts.toml, or none;
// want is what Load reports about it, one problem a line (-update
// rewrites it). sitetest.Fixtures holds the names to their promise: a
// bad-* file is reported, a good-* file loads.
func TestLoad(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "*.txtar"), *update, func(t *testing.T, _ []byte, files *txtar.Archive) string {
		if _, err := contacts.Load(fixture(t, files)); err != nil {
			return err.Error() + "\n"
		}
		return ""
	})
}

// What Load reads from a good file with a check: each number under the
// name a {{< phone >}} shortcode uses, the check's date, and the lines
// that messages about [source] and the check's date point at.
func TestWhatLoadReads(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "good-check.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := contacts.Load(fixture(t, a))
	if err != nil {
		t.Fatal(err)
	}
	numbers := c.Numbers()
	if n := numbers[contacts.NonEmergencyName]; n.Tel != "+14052971212" || n.Display != "405.297.1212" || n.Hours != "24/7" {
		t.Errorf("%s: %+v", contacts.NonEmergencyName, n)
	}
	if n := numbers[contacts.EmergencyName]; n.Tel != "911" || n.Display != "911" {
		t.Errorf("%s: %+v", contacts.EmergencyName, n)
	}
	if len(numbers) != 2 {
		t.Errorf("%d numbers, want 2", len(numbers))
	}
	if d, ok := c.Checked(); !ok || !d.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Checked() = %v, %v; want 2026-11-20, true", d, ok)
	}
	if c.SourceLine != 18 || c.CheckLine != 24 {
		t.Errorf("[source] at line %d, the check's date at line %d; want 18 and 24", c.SourceLine, c.CheckLine)
	}
	if c.Source["en"] != "a public article about the line" {
		t.Errorf("source: %q", c.Source)
	}
}

// The repository's own file loads, and the lines Load gives point at its
// [source] table and, once a person records a check, at the check's
// date.
func TestRealFile(t *testing.T) {
	root := sitetest.RepoRoot(t)
	c, err := contacts.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, contacts.File))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if l := c.SourceLine; l < 1 || l > len(lines) || lines[l-1] != "[source]" {
		t.Errorf("SourceLine %d is not the line of [source]", l)
	}
	if _, ok := c.Checked(); ok {
		if l := c.CheckLine; l < 1 || l > len(lines) || !strings.HasPrefix(lines[l-1], "date") {
			t.Errorf("CheckLine %d is not the line of the check's date", l)
		}
	}
}

// A check dated tomorrow, in UTC, may have been made today where it was
// made: a day's grace lets it through. The day after is in the future
// everywhere. (testdata/bad-check-future.txtar is dated 2999.)
func TestCheckDateGrace(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "bad-check-future.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var original []byte
	for _, f := range a.Files {
		if f.Name == "data/contacts.toml" {
			original = f.Data
		}
	}
	today := time.Now().UTC()
	for _, tc := range []struct {
		days int
		ok   bool
	}{{1, true}, {2, false}} {
		date := today.AddDate(0, 0, tc.days).Format(time.DateOnly)
		for i, f := range a.Files {
			if f.Name == "data/contacts.toml" {
				a.Files[i].Data = []byte(strings.Replace(string(original), "date = 2999-01-01", "date = "+date, 1))
			}
		}
		_, err := contacts.Load(fixture(t, a))
		if (err == nil) != tc.ok {
			t.Errorf("a check dated %s (today is %s in UTC): %v, want accepted %v", date, today.Format(time.DateOnly), err, tc.ok)
		}
	}
}

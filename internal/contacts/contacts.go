// Package contacts loads and checks data/contacts.toml, the one file that
// holds every contact fact the guide shows: the numbers, their hours, the
// department, the official website, where the facts come from, and a
// person's check of them, if one has been recorded.
// Templates read the same file through Hugo; this package is how the Go
// side (the build's pre-check and the content linter) reads it.
package contacts

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/okcguide/guide/internal/diag"
)

// File is where the data lives, relative to the site's source directory.
const File = "data/contacts.toml"

// Number is one phone number.
type Number struct {
	Name    string `toml:"name"`
	Display string `toml:"display"`
	Tel     string `toml:"tel"`
	Hours   string `toml:"hours"`
}

// Website is the official website pages link to.
type Website struct {
	Name string `toml:"name"`
	URL  string `toml:"url"`
}

// Organization is the department that answers the line.
type Organization struct {
	Name       string `toml:"name"`
	AreaServed string `toml:"areaServed"`
}

// Check is a person's check of the facts: who made it, what they checked
// against, and when. Only a person records one; the guide never does.
type Check struct {
	By      string         `toml:"by"`
	Against string         `toml:"against"`
	Date    toml.LocalDate `toml:"date"`
}

// Contacts is the whole file.
type Contacts struct {
	NonEmergency Number       `toml:"nonEmergency"`
	Emergency    Number       `toml:"emergency"`
	Organization Organization `toml:"organization"`
	Website      Website      `toml:"website"`
	// Source says where the facts come from, one sentence part per
	// language code ("en", "es").
	Source map[string]string `toml:"source"`
	// Check is nil until a person records one.
	Check *Check `toml:"check"`
	// SourceLine and CheckLine are the lines of [source] and of the
	// check's date (0 without a check), for messages about them.
	SourceLine, CheckLine int `toml:"-"`
}

// The names of the numbers' tables, which a {{< phone >}} shortcode and a
// decision outcome's call use.
const (
	NonEmergencyName = "nonEmergency"
	EmergencyName    = "emergency"
)

// Numbers returns the phone numbers by the name of their table, the name
// a {{< phone >}} shortcode uses.
func (c *Contacts) Numbers() map[string]Number {
	return map[string]Number{NonEmergencyName: c.NonEmergency, EmergencyName: c.Emergency}
}

// Checked returns the date of the recorded check, and false when nobody
// has recorded one.
func (c *Contacts) Checked() (time.Time, bool) {
	if c.Check == nil {
		return time.Time{}, false
	}
	return c.Check.Date.AsTime(time.UTC), true
}

// Load reads and checks <src>/data/contacts.toml. Problems are reported
// against the file, with a line where the TOML parser gives one.
func Load(src string) (*Contacts, error) {
	data, err := os.ReadFile(src + "/" + File)
	if err != nil {
		msg := "cannot read the contacts data file"
		if errors.Is(err, os.ErrNotExist) {
			msg = "missing: the guide needs this file for every phone number it shows"
		}
		return nil, &diag.Error{File: File, Msg: msg}
	}
	var c Contacts
	if err := diag.DecodeTOML(File, data, &c, "", map[string]string{
		"lastVerified": "lastVerified is not read any more: a person who confirms the facts records it in [check], with by, against and date",
		"sources":      "[[sources]] is not read any more: say where the facts come from in [source], one text per language (en = \"…\")",
	}); err != nil {
		return nil, err
	}
	var errs diag.List
	need := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, &diag.Error{File: File, Line: lineOf(string(data), args...), Msg: fmt.Sprintf(format, args...)})
		}
	}
	for _, n := range []struct {
		key string
		v   Number
	}{{"nonEmergency", c.NonEmergency}, {"emergency", c.Emergency}} {
		need(n.v.Display != "", "[%s] needs display, the number as people read it", n.key)
		need(validTel(n.v.Tel), "[%s] needs tel, the number to dial: digits with an optional leading +, like +14052971212", n.key)
		if n.v.Display != "" && validTel(n.v.Tel) {
			need(strings.HasSuffix(digits(n.v.Tel), digits(n.v.Display)), "[%s] display %q and tel %q are different numbers", n.key, n.v.Display, n.v.Tel)
		}
	}
	need(c.NonEmergency.Hours != "", "[%s] needs hours", "nonEmergency")
	need(c.Organization.Name != "", "[%s] needs name, the department that answers the line", "organization")
	need(c.Organization.AreaServed != "", "[%s] needs areaServed, the city the department serves", "organization")
	need(strings.HasPrefix(c.Website.URL, "https://"), "[%s] needs a url starting with https://", "website")
	if c.Check != nil {
		need(strings.TrimSpace(c.Check.By) != "", "[%s] needs by: who checked the facts", "check")
		need(strings.TrimSpace(c.Check.Against) != "", "[%s] needs against: what the facts were checked against, like the department's official website", "check")
		need(c.Check.Date.Year > 2000, "[%s] needs date: the day the facts were checked, like 2026-12-01", "check")
		// A day's grace for time zones: the check is dated where it was made.
		need(!c.Check.Date.AsTime(time.UTC).After(time.Now().Add(24*time.Hour)), "[%s] date is in the future: record a check on or after the day it is made", "check")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	c.SourceLine = max(diag.TOMLLine(data, "source"), 1)
	if c.Check != nil {
		c.CheckLine = max(diag.TOMLLine(data, "check", "date"), 1)
	}
	return &c, nil
}

func validTel(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 3 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Digits returns only the digits of s.
func Digits(s string) string { return digits(s) }

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lineOf finds the line of the table or key the message is about.
func lineOf(data string, args ...any) int {
	if len(args) == 0 {
		return 0
	}
	key, _ := args[0].(string)
	return diag.TOMLLine([]byte(data), key)
}

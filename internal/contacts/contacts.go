// Package contacts loads and checks data/contacts.toml, the one file that
// holds every contact fact the guide shows: the numbers, their hours, the
// official website, the sources and the date the facts were last verified.
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

// Source is where a fact was checked.
type Source struct {
	Name string `toml:"name"`
	URL  string `toml:"url"`
}

// Contacts is the whole file.
type Contacts struct {
	LastVerified toml.LocalDate `toml:"lastVerified"`
	NonEmergency Number         `toml:"nonEmergency"`
	Emergency    Number         `toml:"emergency"`
	Website      Source         `toml:"website"`
	Sources      []Source       `toml:"sources"`
}

// Verified is the last-verified date as a time.
func (c *Contacts) Verified() time.Time { return c.LastVerified.AsTime(time.UTC) }

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
	dec := toml.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&c); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, &diag.Error{File: File, Line: row, Col: col, Msg: "invalid TOML: " + de.Error()}
		}
		return nil, &diag.Error{File: File, Msg: "invalid: " + err.Error()}
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
	need(strings.HasPrefix(c.Website.URL, "https://"), "[%s] needs a url starting with https://", "website")
	need(len(c.Sources) > 0, "[[%s]] needs at least one source", "sources")
	need(!c.LastVerified.AsTime(time.UTC).IsZero() && c.LastVerified.Year > 2000, "%s needs a date, like 2026-11-25", "lastVerified")
	if len(errs) > 0 {
		return nil, errs
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

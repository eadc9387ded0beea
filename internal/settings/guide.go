package settings

import (
	"encoding/hex"
	"fmt"
	"image/color"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/common/hmaps"

	"github.com/okcguide/guide/internal/diag"
)

// Guide is what the guide's own stages read from [params] in hugo.toml,
// checked by Load: [params.guide] with its tables, and the pages' colors
// and Content-Security-Policy. The stages and templates read these values
// and check none of them again.
type Guide struct {
	Lint    Lint    // [params.guide.lint]
	Budgets Budgets // [params.guide.budgets]
	// SavedCopyMaxAgeDays is [params.guide] savedCopyMaxAgeDays, 0 or
	// more (default 180): offline, or when the check for a new version
	// fails, a saved copy this device has not checked against the
	// published guide for this many days says that numbers may have
	// changed. The header partial reads it from Hugo's params, where
	// Load writes it, so that the template needs no default of its own.
	SavedCopyMaxAgeDays int
	// ThemeColor is params.themeColor: the pages' theme-color, the web app
	// manifests' theme_color and the background of the maskable icons.
	ThemeColor Color
	// BackgroundColor is params.backgroundColor, the manifests'
	// background_color (their template reads it from Hugo's params).
	BackgroundColor Color
	// CSP is params.csp, the pages' Content-Security-Policy: it has
	// default-src 'self' and object-src 'none', and no unsafe- source.
	CSP string
}

// Lint is [params.guide.lint], the content check's limits.
type Lint struct {
	MaxGrade   float64 // maxGrade: the Flesch-Kincaid grade per page, above 0 (default 8)
	MaxAgeDays int     // maxAgeDays: warn on a review older than this, above 0 (default 365)
}

// Budgets is [params.guide.budgets], byte limits for the finished guide;
// zero means no limit.
type Budgets struct {
	PageGzip int64 // pageGzip: each HTML page plus the CSS it loads, gzip (default 14336)
	JSGzip   int64 // jsGzip: all JavaScript the pages load, gzip (default 6144)
	Precache int64 // precache: all precached files, raw bytes (default 307200)
}

// Color is a color written #rrggbb in hugo.toml.
type Color struct{ R, G, B uint8 }

// RGBA makes Color a color.Color, opaque.
func (c Color) RGBA() (r, g, b, a uint32) {
	return color.RGBA{c.R, c.G, c.B, 0xff}.RGBA()
}

// ParseColor reads a color written #rrggbb, as in hugo.toml and the
// SVGs the build draws.
func ParseColor(s string) (Color, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "#"))
	if len(s) != 7 || s[0] != '#' || err != nil {
		return Color{}, fmt.Errorf("want a color like #0b3d91, not %q", s)
	}
	return Color{b[0], b[1], b[2]}, nil
}

// String is the color as #rrggbb, in lower case.
func (c Color) String() string {
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// The defaults of the settings hugo.toml may leave out. params.csp,
// themeColor and backgroundColor have none: the site must set them.
const (
	defaultMaxGrade            = 8.0
	defaultMaxAgeDays          = 365
	defaultSavedCopyMaxAgeDays = 180
)

var defaultBudgets = Budgets{PageGzip: 14 * 1024, JSGzip: 6 * 1024, Precache: 300 * 1024}

// guideKeys are the settings under [params.guide], spelt as documented.
var guideKeys = []string{"savedCopyMaxAgeDays", "budgets", "lint"}

// perSite are the [params] the guide reads for the whole site: a
// language's [languages.X.params] must not set them, since one value
// serves every language (one _headers file, one icon set).
var perSite = []string{"csp", "themeColor", "backgroundColor", "guide"}

// readGuide checks the [params] the guide reads and returns them typed.
// Each problem is an error at its line of hugo.toml, with the key spelt
// as hugo.toml spells it.
func (s *Site) readGuide() (Guide, diag.List) {
	c := &checker{s: s}
	params := s.Hugo.Base.Params
	g := Guide{
		Lint:                Lint{MaxGrade: defaultMaxGrade, MaxAgeDays: defaultMaxAgeDays},
		Budgets:             defaultBudgets,
		SavedCopyMaxAgeDays: defaultSavedCopyMaxAgeDays,
	}
	guide := c.table([]string{"params", "guide"}, params["guide"], guideKeys)
	if v, ok := guide["savedcopymaxagedays"]; ok {
		if n, ok := whole(v); ok && n >= 0 {
			g.SavedCopyMaxAgeDays = int(n)
		} else {
			c.bad([]string{"params", "guide", "savedCopyMaxAgeDays"}, "must be a whole number of days, 0 or more, like 180, not %s", show(v))
		}
	}
	lint := c.table([]string{"params", "guide", "lint"}, guide["lint"], []string{"maxGrade", "maxAgeDays"})
	if v, ok := lint["maxgrade"]; ok {
		if f, ok := number(v); ok && f > 0 {
			g.Lint.MaxGrade = f
		} else {
			c.bad([]string{"params", "guide", "lint", "maxGrade"}, "must be a number above 0, like 8.0, not %s", show(v))
		}
	}
	if v, ok := lint["maxagedays"]; ok {
		if n, ok := whole(v); ok && n > 0 {
			g.Lint.MaxAgeDays = int(n)
		} else {
			c.bad([]string{"params", "guide", "lint", "maxAgeDays"}, "must be a whole number of days above 0, like 365, not %s", show(v))
		}
	}
	budgets := c.table([]string{"params", "guide", "budgets"}, guide["budgets"], []string{"pageGzip", "jsGzip", "precache"})
	for _, b := range []struct {
		key string
		dst *int64
	}{{"pageGzip", &g.Budgets.PageGzip}, {"jsGzip", &g.Budgets.JSGzip}, {"precache", &g.Budgets.Precache}} {
		if v, ok := budgets[strings.ToLower(b.key)]; ok {
			if n, ok := whole(v); ok && n >= 0 {
				*b.dst = n
			} else {
				c.bad([]string{"params", "guide", "budgets", b.key}, "must be a whole number of bytes, 0 (no limit) or more, like 14336, not %s", show(v))
			}
		}
	}
	g.ThemeColor = c.color(params, "themeColor", "the pages' theme color and the background of the app's icons")
	g.BackgroundColor = c.color(params, "backgroundColor", "the installed app's background while it starts")
	g.CSP = c.csp(params)
	c.perLanguage(params)
	c.shortcuts()
	return g, c.errs
}

// checker collects the problems of hugo.toml's [params].
type checker struct {
	s    *Site
	errs diag.List
}

// bad reports that the key at path (spelt as documented) is wrong: the
// message starts with the key, spelt as hugo.toml spells it.
func (c *checker) bad(path []string, format string, args ...any) {
	name, line := c.s.written(path...)
	key := strings.Join(append(slices.Clone(path[:len(path)-1]), name), ".")
	c.errs = append(c.errs, &diag.Error{File: File, Line: line, Rule: "config", Msg: key + " " + fmt.Sprintf(format, args...)})
}

// missing reports that [params] does not set key, at the line of [params].
func (c *checker) missing(key, format string, args ...any) {
	c.errs = append(c.errs, &diag.Error{File: File, Line: c.s.Line("params"), Rule: "config",
		Msg: fmt.Sprintf("[params] needs %s, "+format, append([]any{key}, args...)...)})
}

// table checks that v, the value at path, is a table of no keys but known
// (matched in any case, as Hugo matches keys), so that a misspelt setting
// is not quietly left at its default. It returns the table, or nil when
// there is none.
func (c *checker) table(path []string, v any, known []string) hmaps.Params {
	if v == nil {
		return nil
	}
	t, ok := v.(hmaps.Params)
	if !ok {
		c.bad(path, "must be a table, like [%s], not %s", strings.Join(path, "."), show(v))
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if k == hmaps.MergeStrategyKey || slices.ContainsFunc(known, func(want string) bool { return strings.EqualFold(want, k) }) {
			continue
		}
		name, line := c.s.written(append(slices.Clone(path), k)...)
		c.errs = append(c.errs, &diag.Error{File: File, Line: line, Rule: "config",
			Msg: fmt.Sprintf("[%s] has no setting %q; its settings are %s", strings.Join(path, "."), name, strings.Join(known, ", "))})
	}
	return t
}

// color reads the color params[key], which the site must set.
func (c *checker) color(params hmaps.Params, key, what string) Color {
	v, ok := params[strings.ToLower(key)]
	if !ok {
		c.missing(key, "a color like #0b3d91: %s", what)
		return Color{}
	}
	s, _ := v.(string)
	col, err := ParseColor(s)
	if err != nil {
		c.bad([]string{"params", key}, "must be a color like #0b3d91, not %s", show(v))
	}
	return col
}

// csp reads params.csp, which the site must set: a policy on one line
// that keeps the pages to their own files.
func (c *checker) csp(params hmaps.Params) string {
	v, ok := params["csp"]
	if !ok {
		c.missing("csp", "%s", `the pages' Content-Security-Policy, like "default-src 'self'; object-src 'none'"`)
		return ""
	}
	s, _ := v.(string)
	switch {
	case strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\r\n"):
		c.bad([]string{"params", "csp"}, "must be the pages' Content-Security-Policy, on one line, not %s", show(v))
	case !strings.Contains(s, "default-src 'self'") || !strings.Contains(s, "object-src 'none'") || strings.Contains(s, "unsafe-"):
		c.bad([]string{"params", "csp"}, "%q must have default-src 'self' and object-src 'none', and no unsafe- source", s)
	default:
		return s
	}
	return ""
}

// perLanguage reports each of perSite that a language's params set to a
// value of its own.
func (c *checker) perLanguage(params hmaps.Params) {
	for _, lang := range slices.Sorted(maps.Keys(c.s.Hugo.LanguageConfigMap)) {
		own := c.s.Hugo.LanguageConfigMap[lang].Params
		for _, key := range perSite {
			k := strings.ToLower(key)
			if !reflect.DeepEqual(own[k], params[k]) {
				c.bad([]string{"languages", lang, "params", key}, "is set for one language, but one value serves them all: set it in [params] only")
			}
		}
	}
}

// shortcuts checks each language's params.shortcuts, the pages its web
// app manifest offers from the app's icon: a list of page names (that
// each names a page, structure checks on Hugo's model of the site).
func (c *checker) shortcuts() {
	reported := map[string]bool{}
	for _, lang := range slices.Sorted(maps.Keys(c.s.Hugo.LanguageConfigMap)) {
		v, ok := c.s.Hugo.LanguageConfigMap[lang].Params["shortcuts"]
		if !ok {
			continue
		}
		list, ok := v.([]any)
		for _, e := range list {
			_, isName := e.(string)
			ok = ok && isName
		}
		if ok {
			continue
		}
		path := []string{"languages", lang, "params", "shortcuts"}
		if c.s.Line(path...) == 0 {
			path = []string{"params", "shortcuts"}
		}
		if key := strings.Join(path, "."); !reported[key] {
			reported[key] = true
			c.bad(path, `must be a list of page names, like ["is-it-an-emergency"], not %s`, show(v))
		}
	}
}

// written is the last key of path as hugo.toml spells it, and its line;
// the key as given, and line 0, where hugo.toml does not set it.
func (s *Site) written(path ...string) (name string, line int) {
	keys, line := diag.TOMLKey(s.file, path...)
	if keys == nil {
		return path[len(path)-1], 0
	}
	return keys[len(keys)-1], line
}

// whole reads a whole number: an integer, or a float with no fraction.
func whole(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	}
	return 0, false
}

// number reads any number.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// show writes a value as a message quotes it: a string in quotes.
func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}

// setSavedCopyMaxAgeDays writes the checked limit into Hugo's params, for
// the site and each language, so that the header partial reads it as
// Load read it, the default included.
func (s *Site) setSavedCopyMaxAgeDays(days int) {
	set := func(params hmaps.Params) {
		if params == nil {
			return
		}
		g, ok := params["guide"].(hmaps.Params)
		if !ok {
			g = hmaps.Params{}
			params["guide"] = g
		}
		g["savedcopymaxagedays"] = days
	}
	set(s.Hugo.Base.Params)
	for _, c := range s.Hugo.LanguageConfigMap {
		set(c.Params)
	}
}

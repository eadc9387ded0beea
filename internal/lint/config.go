package lint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/okcguide/guide/internal/diag"
)

const configFile = "hugo.toml"

// config is what the linter reads from hugo.toml.
type config struct {
	MaxGrade    float64         // [params.guide.lint] maxGrade
	MaxAgeDays  int             // [params.guide.lint] maxAgeDays
	DefaultLang string          // defaultContentLanguage
	Langs       map[string]bool // the keys of [languages]
}

// Defaults used when hugo.toml does not set a value.
const (
	defaultMaxGrade   = 8.0
	defaultMaxAgeDays = 365
)

// loadConfig reads hugo.toml without running Hugo. Like Hugo, it matches
// keys without regard to case. A missing file gives the defaults.
func loadConfig(src string) (config, error) {
	cfg := config{MaxGrade: defaultMaxGrade, MaxAgeDays: defaultMaxAgeDays, DefaultLang: "en", Langs: map[string]bool{}}
	data, err := os.ReadFile(filepath.Join(src, configFile))
	if errors.Is(err, os.ErrNotExist) {
		cfg.Langs["en"] = true
		return cfg, nil
	}
	if err != nil {
		return cfg, &diag.Error{File: configFile, Msg: "cannot read the site config: " + diag.Cause(err).Error()}
	}
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return cfg, &diag.Error{File: configFile, Line: row, Col: col, Rule: "config", Msg: "invalid TOML: " + de.Error()}
		}
		return cfg, &diag.Error{File: configFile, Rule: "config", Msg: "invalid TOML: " + err.Error()}
	}
	if s, ok := get(m, "defaultContentLanguage").(string); ok && s != "" {
		cfg.DefaultLang = strings.ToLower(s)
	}
	cfg.Langs[cfg.DefaultLang] = true
	if langs, ok := get(m, "languages").(map[string]any); ok {
		for k := range langs {
			cfg.Langs[strings.ToLower(k)] = true
		}
	}
	lint, _ := get(m, "params", "guide", "lint").(map[string]any)
	bad := func(key, want string) error {
		return &diag.Error{File: configFile, Line: diag.TOMLLine(data, "params", "guide", "lint", key), Rule: "config", Msg: "[params.guide.lint] " + key + " must be " + want}
	}
	switch v := get(lint, "maxGrade").(type) {
	case nil:
	case int64:
		cfg.MaxGrade = float64(v)
	case float64:
		cfg.MaxGrade = v
	default:
		return cfg, bad("maxGrade", "a number, like 8.0")
	}
	switch v := get(lint, "maxAgeDays").(type) {
	case nil:
	case int64:
		cfg.MaxAgeDays = int(v)
	default:
		return cfg, bad("maxAgeDays", "a whole number of days, like 365")
	}
	if cfg.MaxGrade <= 0 {
		return cfg, bad("maxGrade", "above 0")
	}
	if cfg.MaxAgeDays <= 0 {
		return cfg, bad("maxAgeDays", "above 0")
	}
	return cfg, nil
}

// get follows keys through nested tables, matching each key without regard
// to case, and returns nil when one is missing.
func get(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		t, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = nil
		for kk, vv := range t {
			if strings.EqualFold(kk, k) {
				v = vv
				break
			}
		}
	}
	return v
}

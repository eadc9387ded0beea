package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/gohugoio/hugo/common/herrors"
	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/pelletier/go-toml/v2"

	"github.com/okcguide/guide/internal/diag"
)

// decodeFrontMatter parses p.fmText with Hugo's own decoders
// (parser/metadecoders), so a page means to the linter what it means to
// Hugo. A syntax error is reported at its own line in the file, from the
// position in Hugo's file error.
func (l *linter) decodeFrontMatter(p *page) bool {
	format := metadecoders.FormatFromString(p.fmFormat)
	if format == "" || format == metadecoders.ORG {
		l.errorAt(p.rel, max(p.fmLine, 1), 0, "front-matter", "Org-mode front matter in a markdown page; use YAML between --- lines")
		return false
	}
	data := []byte(p.fmText)
	m, err := metadecoders.Default.UnmarshalToMap(data, format)
	if err != nil {
		line, col, msg := errorAt(err, data)
		at := p.fmLine
		if line > 0 {
			at += line - 1
		}
		l.errorAt(p.rel, at, col, "front-matter", "invalid %s: %s", strings.ToUpper(p.fmFormat), oneLine(msg))
		return false
	}
	p.fm = m
	return true
}

// errorAt finds where in data a decoding error is (1-based; 0 when
// unknown) from the parser's own error, which Hugo's decoder wraps, and
// says what is wrong in an editor's words where the parser's are obscure.
func errorAt(err error, data []byte) (line, col int, msg string) {
	var ye yaml.Error
	var de *toml.DecodeError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ye):
		if tok := ye.GetToken(); tok != nil && tok.Position != nil {
			line, col = tok.Position.Line, tok.Position.Column
		}
		var v any
		if yaml.Unmarshal(data, &v) == nil {
			if _, isMap := v.(map[string]any); !isMap {
				return 1, 1, "the front matter must be a list of keys and values, like title: About"
			}
		}
		return line, col, ye.GetMessage()
	case errors.As(err, &de):
		line, col = de.Position()
		return line, col, de.Error()
	case errors.As(err, &se):
		line, col = offsetPos(data, int(se.Offset)-1) // Offset is just past the bad byte
		return line, col, se.Error()
	case errors.As(err, &te):
		line, col = offsetPos(data, int(te.Offset)-1)
		return line, col, te.Error()
	}
	if fe := herrors.UnwrapFileError(err); fe != nil {
		line = fe.Position().LineNumber
	}
	return line, 0, herrors.Cause(err).Error()
}

// offsetPos turns a byte offset in data into a 1-based line and column.
func offsetPos(data []byte, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off && i < len(data); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// oneLine keeps the first line of a parser's message: some add a picture
// of the source below it.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	// goccy's messages start with "[line:col] ".
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "] "); i > 0 {
			s = s[i+2:]
		}
	}
	return s
}

// fmValue returns the front matter value for key, matched without regard to
// case as Hugo does.
func (p *page) fmValue(key string) any {
	for k, v := range p.fm {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// fmKeyLine is the file line where a top-level front matter key is set,
// or the front matter's first line when it cannot be found.
func (p *page) fmKeyLine(key string) int {
	return diag.FrontMatterLine(p.src, key)
}

// fmDate reads a date from the front matter: a YAML or TOML date, or text
// like "2026-11-25". ok is false when the key is missing; err is set when
// it is there but is not a date.
func (p *page) fmDate(key string) (t time.Time, ok bool, err error) {
	v := p.fmValue(key)
	switch v := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v, true, nil
	case toml.LocalDate:
		return v.AsTime(time.UTC), true, nil
	case toml.LocalDateTime:
		return v.AsTime(time.UTC), true, nil
	case string:
		for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
				return t, true, nil
			}
		}
	}
	return time.Time{}, true, fmt.Errorf("%s must be a date like 2026-11-25, not %v", key, v)
}

package diag

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// DecodeTOML decodes data, the TOML file named file (relative to the
// site's source), into v. It is strict: a key v has no field for is an
// error at its line and column, as is TOML that does not parse. hints
// gives, for a key path written "table.key", the message to use instead
// of "unknown key".
func DecodeTOML(file string, data []byte, v any, rule string, hints map[string]string) error {
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var se *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		var errs List
		for _, e := range se.Errors {
			row, col := e.Position()
			key := strings.Join(e.Key(), ".")
			msg, ok := hints[key]
			if !ok {
				msg = fmt.Sprintf("unknown key %s: the guide does not read it (check its spelling and its [table])", key)
			}
			errs = append(errs, &Error{File: file, Line: row, Col: col, Rule: rule, Msg: msg})
		}
		return errs
	case errors.As(err, &de):
		row, col := de.Position()
		return &Error{File: file, Line: row, Col: col, Rule: rule, Msg: "invalid TOML: " + de.Error()}
	}
	return &Error{File: file, Rule: rule, Msg: "invalid: " + err.Error()}
}

// TOMLLine returns the 1-based line of the TOML document data that sets
// the key at path (like "params", "guide", "budgets", "pageGzip"), or that
// opens the table or array of tables at path; failing both, the first line
// that sets a key or opens a table under path (a table at path may be made
// only by its sub-tables, like [params.guide.lint] alone making
// params.guide); 0 when nothing does or the document does not parse
// there. Keys match without regard to case, as Hugo matches them.
func TOMLLine(data []byte, path ...string) int {
	_, line := TOMLKey(data, path...)
	return line
}

// TOMLKey is TOMLLine that also returns path as the document spells it
// (like "params", "guide", "budgets", "PageGzip"), or nil with line 0.
func TOMLKey(data []byte, path ...string) (written []string, line int) {
	var p unstable.Parser
	p.Reset(data)
	var table []string // the table the following keys belong to
	for p.NextExpression() {
		e := p.Expression()
		var keys []string
		var at unstable.Range
		for it := e.Key(); it.Next(); {
			keys = append(keys, string(it.Node().Data))
			at = it.Node().Raw
		}
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keys
		case unstable.KeyValue:
			keys = append(append([]string{}, table...), keys...)
		default:
			continue
		}
		switch {
		case equalFold(keys, path):
			return keys, 1 + bytes.Count(data[:at.Offset], []byte("\n"))
		case written == nil && len(keys) > len(path) && equalFold(keys[:len(path)], path):
			written, line = keys[:len(path)], 1+bytes.Count(data[:at.Offset], []byte("\n"))
		}
	}
	return written, line
}

// TOMLTable is a table or array-of-tables header of a TOML document: its
// key path and its 1-based line.
type TOMLTable struct {
	Path []string
	Line int
}

// TOMLTables lists the table and array-of-tables headers of data in order,
// as far as data parses.
func TOMLTables(data []byte) []TOMLTable {
	var p unstable.Parser
	p.Reset(data)
	var out []TOMLTable
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		t := TOMLTable{}
		var at unstable.Range
		for it := e.Key(); it.Next(); {
			t.Path = append(t.Path, string(it.Node().Data))
			at = it.Node().Raw
		}
		t.Line = 1 + bytes.Count(data[:at.Offset], []byte("\n"))
		out = append(out, t)
	}
	return out
}

func equalFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

package diag

import (
	"bytes"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// TOMLLine returns the 1-based line of the TOML document data that sets
// the key at path (like "params", "guide", "budgets", "pageGzip"), or that
// opens the table or array of tables at path; 0 when nothing does or the
// document does not parse there. Keys match without regard to case, as
// Hugo matches them.
func TOMLLine(data []byte, path ...string) int {
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
		if equalFold(keys, path) {
			return 1 + bytes.Count(data[:at.Offset], []byte("\n"))
		}
	}
	return 0
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

package settings_test

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar from what Load reads")

// Each testdata/NAME.txtar is a site's files; want is what Load reads
// from them (the languages, where Hugo will write, the line of each key
// the comment names) or the error it reports.
func TestLoad(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "*.txtar"), *update, func(t *testing.T, comment []byte, files *txtar.Archive) string {
		src := t.TempDir()
		sitetest.Apply(t, src, string(txtar.Format(files)))
		site, err := settings.Load(settings.Options{Source: src})
		if err != nil {
			return err.Error() + "\n"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "default language: %s\nlanguages: %s\npublish folder: %s\n", site.DefaultLang, strings.Join(site.Langs, " "), strings.Replace(site.PublishDir, src, "$SRC", 1))
		for _, line := range strings.Split(string(comment), "\n") {
			if keys, ok := strings.CutPrefix(line, "line of: "); ok {
				path := strings.Fields(keys)
				fmt.Fprintf(&b, "%s is set at line %d; its value is %v\n", keys, site.Line(path...), site.Guide(path[2:]...))
			}
		}
		return b.String()
	})
}

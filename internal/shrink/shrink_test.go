package shrink_test

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/shrink"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar from what Minify returns")

// Each testdata/NAME.txtar holds one file; its want file is that file as
// Minify returns it (with a line break at the end, as txtar keeps files),
// or Minify's error.
func TestMinify(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "*.txtar"), *update, func(t *testing.T, _ []byte, files *txtar.Archive) string {
		if len(files.Files) != 1 {
			t.Fatalf("%d files, want one", len(files.Files))
		}
		f := files.Files[0]
		out, err := shrink.Minify(f.Name, f.Data)
		if err != nil {
			return err.Error() + "\n"
		}
		return strings.TrimSuffix(string(out), "\n") + "\n"
	})
}

package offline_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/sitetest"
)

// TestQRCodes runs the stage over the staged site plus each
// testdata/qr/*.txtar archive's files (the qr/<lang>.txt addresses Hugo
// writes) and reports, for the want file: each file left under qr/ with
// the address a QR reader finds in it (gozxing, not the library that drew
// it), the QR codes the stage says it drew, those in the precache list,
// or the stage's error.
func TestQRCodes(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "qr", "*.txtar"), *update, func(t *testing.T, _ []byte, files *txtar.Archive) string {
		dir := t.TempDir()
		for _, a := range []*txtar.Archive{txtar.Parse([]byte(staged)), files} {
			for _, f := range a.Files {
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		res, err := offline.Run(offline.Options{
			Source: sitetest.RepoRoot(t), Files: afero.NewBasePathFs(afero.NewOsFs(), dir),
			ThemeColor: navy,
			CSP:        "default-src 'self'",
		})
		if err != nil {
			return "error: " + err.Error() + "\n"
		}
		var b strings.Builder
		left, _ := filepath.Glob(filepath.Join(dir, "qr", "*"))
		sort.Strings(left)
		for _, p := range left {
			name := "qr/" + filepath.Base(p)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			text, err := sitetest.DecodeQR(data)
			if err != nil {
				fmt.Fprintf(&b, "%s: %v\n", name, err)
				continue
			}
			fmt.Fprintf(&b, "%s: %s\n", name, text)
		}
		fmt.Fprintf(&b, "drawn: %s\n", list(res.QRCodes))
		var precached []string
		for _, e := range res.Precache {
			if strings.HasPrefix(e.Path, offline.QRDir) {
				precached = append(precached, e.Path)
			}
		}
		fmt.Fprintf(&b, "precached: %s\n", list(precached))
		return b.String()
	})
}

func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, " ")
}

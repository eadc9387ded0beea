package offline_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/sitetest"
)

// A preview build has the icons its pages and manifests link to, and no
// service worker to cache pages while they change.
func TestPreviewLeavesOutTheWorker(t *testing.T) {
	for _, preview := range []bool{false, true} {
		dir := t.TempDir()
		sitetest.Apply(t, dir, staged)
		_, err := offline.Run(offline.Options{
			Source: sitetest.RepoRoot(t), Files: afero.NewBasePathFs(afero.NewOsFs(), dir),
			ThemeColor: navy,
			CSP:        "default-src 'self'", Preview: preview,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"icons/icon-192.png", "icons/icon-maskable-512.png"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("preview %v: %v", preview, err)
			}
		}
		_, err = os.Stat(filepath.Join(dir, "sw.js"))
		if preview && err == nil {
			t.Error("a preview build wrote sw.js")
		}
		if !preview && err != nil {
			t.Errorf("a production build did not write sw.js: %v", err)
		}
	}
}

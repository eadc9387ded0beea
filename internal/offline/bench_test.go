package offline_test

import (
	"testing"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/sitetest"
)

// BenchmarkRun runs the stage over a small staged site with a link preview
// per language: "drawn" with an empty image cache each time, as a first
// build finds it, and "cached" with the images kept by an earlier build,
// as every later build with the same icon, theme color and previews does.
func BenchmarkRun(b *testing.B) {
	archive := staged + "-- og/en.svg --\n" + filledPreview(b, "(405) 297-1212") + "-- og/es.svg --\n" + filledPreview(b, "911")
	root := sitetest.RepoRoot(b)
	run := func(b *testing.B, cache string) {
		b.StopTimer()
		dir := b.TempDir()
		sitetest.Apply(b, dir, archive)
		b.StartTimer()
		_, err := offline.Run(offline.Options{
			Source: root, Files: afero.NewBasePathFs(afero.NewOsFs(), dir),
			ThemeColor: navy,
			CSP:        "default-src 'self'", ImageCache: cache,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("drawn", func(b *testing.B) {
		for b.Loop() {
			run(b, b.TempDir())
		}
	})
	b.Run("cached", func(b *testing.B) {
		cache := b.TempDir()
		run(b, cache)
		for b.Loop() {
			run(b, cache)
		}
	})
}

package offline_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/sitetest"
)

// Builds keep what they draw in a temporary user cache, not the user's.
func TestMain(m *testing.M) { os.Exit(sitetest.RunWithTempUserCache(m)) }

// images are what the stage draws: the icons and a link preview.
var images = []string{"icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png", "icons/apple-touch-icon.png", "og/en.png"}

// drawImages runs the stage with the icon of the site in src, the theme
// color, a link preview showing number and the image cache in cache, and
// returns the images it published by name.
func drawImages(t *testing.T, src string, theme color.Color, number, cache string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	sitetest.Apply(t, dir, staged+"-- og/en.svg --\n"+filledPreview(t, number))
	out, err := runImages(src, dir, theme, cache)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runImages(src, dir string, theme color.Color, cache string) (map[string][]byte, error) {
	_, err := offline.Run(offline.Options{
		Source: src, Files: afero.NewBasePathFs(afero.NewOsFs(), dir),
		ThemeColor: theme,
		CSP:        "default-src 'self'", ImageCache: cache,
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, name := range images {
		if out[name], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cached returns the files in the cache folder by name.
func cached(t *testing.T, cache string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if out[e.Name()], err = os.ReadFile(filepath.Join(cache, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// marker is a PNG of the same size as data in one color no drawing has.
func marker(t *testing.T, data []byte) []byte {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{0xff, 0, 0xff, 0xff}}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImageCache: a build keeps each image it draws in the cache, a later
// build with the same inputs publishes the kept image, and a change of
// what an image is drawn from draws it anew, the same as with no cache.
func TestImageCache(t *testing.T) {
	root := sitetest.RepoRoot(t)
	cache := t.TempDir()
	drawn := drawImages(t, root, navy, "911", cache)
	kept := cached(t, cache)
	if len(kept) != len(images) {
		t.Fatalf("the cache has %d files, want one per image (%d): %v", len(kept), len(images), slices.Sorted(maps.Keys(kept)))
	}
	keptAs := map[string]string{} // image → its file in the cache
	for file, data := range kept {
		if !strings.HasSuffix(file, ".png") {
			t.Errorf("cache file %s is not a .png", file)
		}
		for _, name := range images {
			if bytes.Equal(data, drawn[name]) {
				keptAs[name] = file
			}
		}
	}
	if len(keptAs) != len(images) {
		t.Fatalf("the cache does not hold each published image byte for byte: %v", keptAs)
	}
	again := drawImages(t, root, navy, "911", cache)
	for _, name := range images {
		if !bytes.Equal(again[name], drawn[name]) {
			t.Errorf("%s: a second build with the same inputs published other bytes", name)
		}
	}

	// Each kept image is replaced with a marker: a build that publishes
	// the marker took the image from the cache, under its inputs' key.
	markers := map[string][]byte{}
	for name, file := range keptAs {
		markers[name] = marker(t, drawn[name])
		if err := os.WriteFile(filepath.Join(cache, file), markers[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svg, err := os.ReadFile(filepath.Join(root, offline.IconSource))
	if err != nil {
		t.Fatal(err)
	}
	otherIcon := sitetest.Site(t, "-- "+offline.IconSource+" --\n"+strings.Replace(string(svg), `fill="#ffffff"`, `fill="#ffff00"`, 1))
	for _, c := range []struct {
		name      string
		src       string
		theme     color.Color
		number    string
		drawnAnew []string
	}{
		{"same inputs", root, navy, "911", nil},
		{"theme color", root, color.RGBA{0x12, 0x34, 0x56, 0xff}, "911", []string{"icons/icon-maskable-512.png", "icons/apple-touch-icon.png"}},
		{"icon SVG", otherIcon, navy, "911", images[:4]},
		{"preview SVG", root, navy, "(405) 297-1212", []string{"og/en.png"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := drawImages(t, c.src, c.theme, c.number, cache)
			fresh := drawImages(t, c.src, c.theme, c.number, t.TempDir())
			for _, name := range images {
				switch {
				case slices.Contains(c.drawnAnew, name) && !bytes.Equal(got[name], fresh[name]):
					t.Errorf("%s: not drawn anew (marker %v)", name, bytes.Equal(got[name], markers[name]))
				case !slices.Contains(c.drawnAnew, name) && !bytes.Equal(got[name], markers[name]):
					t.Errorf("%s: drawn again, not taken from the cache", name)
				}
			}
		})
	}
}

// TestImageCacheTrouble: a cache that cannot be written, or that holds
// half a file, never fails a build or changes what it publishes.
func TestImageCacheTrouble(t *testing.T) {
	root := sitetest.RepoRoot(t)
	want := drawImages(t, root, navy, "911", t.TempDir())
	for _, c := range []struct {
		name  string
		cache func(t *testing.T) string
	}{
		{"cannot be written", func(t *testing.T) string {
			file := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(file, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(file, "cache")
		}},
		{"half-written files", func(t *testing.T) string {
			cache := t.TempDir()
			drawImages(t, root, navy, "911", cache)
			for file, data := range cached(t, cache) {
				if err := os.WriteFile(filepath.Join(cache, file), data[:len(data)/2], 0o644); err != nil {
					t.Fatal(err)
				}
			}
			return cache
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := drawImages(t, root, navy, "911", c.cache(t))
			for _, name := range images {
				if !bytes.Equal(got[name], want[name]) {
					t.Errorf("%s differs from the image drawn with a working cache", name)
				}
			}
		})
	}
}

// Builds that share a cache at the same time each publish whole images.
func TestImageCacheConcurrentBuilds(t *testing.T) {
	root := sitetest.RepoRoot(t)
	want := drawImages(t, root, navy, "911", t.TempDir())
	cache := t.TempDir()
	dirs := make([]string, 4)
	for i := range dirs {
		dirs[i] = t.TempDir()
		sitetest.Apply(t, dirs[i], staged+"-- og/en.svg --\n"+filledPreview(t, "911"))
	}
	var wg sync.WaitGroup
	got := make([]map[string][]byte, len(dirs))
	errs := make([]error, len(dirs))
	for i, dir := range dirs {
		wg.Go(func() { got[i], errs[i] = runImages(root, dir, navy, cache) })
	}
	wg.Wait()
	for i := range dirs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, name := range images {
			if !bytes.Equal(got[i][name], want[name]) {
				t.Errorf("build %d: %s differs from the image drawn alone", i, name)
			}
		}
	}
	if kept := cached(t, cache); len(kept) != len(images) {
		t.Errorf("the cache has %d files, want %d (no temporary files left)", len(kept), len(images))
	}
}

// With no cache folder set, the images are kept under the user's cache
// folder.
func TestImageCacheDefault(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	if dir, err := os.UserCacheDir(); err != nil || dir != home {
		t.Skip("os.UserCacheDir does not follow XDG_CACHE_HOME on this system")
	}
	drawImages(t, sitetest.RepoRoot(t), navy, "911", "")
	if kept := cached(t, filepath.Join(home, filepath.FromSlash(offline.DefaultImageCache))); len(kept) != len(images) {
		t.Errorf("the user cache has %d images, want %d", len(kept), len(images))
	}
}

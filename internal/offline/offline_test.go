package offline_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/sitetest"
)

// navy is hugo.toml's themeColor, #0b3d91.
var navy = color.RGBA{0x0b, 0x3d, 0x91, 0xff}

// staged is a rendered site as the offline stage finds it.
const staged = `
-- index.html --
<!doctype html><title>Home</title>
-- about.html --
<!doctype html><title>About</title>
-- offline.html --
<!doctype html><title>Offline</title>
-- es/index.html --
<!doctype html><title>Inicio</title>
-- manifest.webmanifest --
{"name":"Guide"}
-- css/main.min.3b623df35f131fa8ecb3e7ee647a526129be8e01befd37a7d057812ef844d322.css --
body{}
-- js/register.js --
x()
-- sitemap.xml --
<urlset/>
-- robots.txt --
User-agent: *
`

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar")

// run runs the stage over the staged archive, written to a folder.
func run(t *testing.T, archive string) (string, *offline.Result) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, f.Name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, f.Data, 0o644)
	}
	res, err := offline.Run(offline.Options{
		Source: sitetest.RepoRoot(t), Files: afero.NewBasePathFs(afero.NewOsFs(), dir),
		ThemeColor: navy,
		CSP:        "default-src 'self'",
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

func TestPrecacheList(t *testing.T) {
	dir, res := run(t, staged)
	got := map[string]string{}
	for _, e := range res.Precache {
		got[e.Path] = e.Revision
	}
	for _, want := range []string{"index.html", "about.html", "offline.html", "es/index.html", "js/register.js",
		"manifest.webmanifest", "icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png",
		"icons/apple-touch-icon.png", "icons/icon.svg"} {
		if rev, ok := got[want]; !ok || len(rev) != 16 {
			t.Errorf("%s: listed %v with revision %q", want, ok, rev)
		}
	}
	if rev, ok := got["css/main.min.3b623df35f131fa8ecb3e7ee647a526129be8e01befd37a7d057812ef844d322.css"]; !ok || rev != "" {
		t.Errorf("fingerprinted CSS: listed %v, revision %q (want none)", ok, rev)
	}
	for _, not := range []string{"sw.js", "sitemap.xml", "robots.txt", "_headers"} {
		if _, ok := got[not]; ok {
			t.Errorf("%s should not be precached", not)
		}
	}
	for p := range got {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("listed %s does not exist", p)
		}
	}

	sw, _ := os.ReadFile(filepath.Join(dir, "sw.js"))
	if !strings.Contains(string(sw), "const VERSION = '"+res.Version+"';") {
		t.Error("sw.js does not carry the build's version")
	}
	m := regexp.MustCompile(`(?m)^const PRECACHE = (.*);$`).FindSubmatch(sw)
	if m == nil {
		t.Fatal("sw.js has no precache list")
	}
	var list [][2]string
	if err := json.Unmarshal(m[1], &list); err != nil || len(list) != len(res.Precache) {
		t.Fatalf("sw.js precache list: %v, %d entries", err, len(list))
	}
}

// A change to any precached file changes its revision and the version; the
// same input gives the same output.
func TestRevisions(t *testing.T) {
	_, a := run(t, staged)
	_, b := run(t, staged)
	if a.Version != b.Version {
		t.Error("same input, different versions")
	}
	_, c := run(t, strings.Replace(staged, "<title>About</title>", "<title>About us</title>", 1))
	if c.Version == a.Version {
		t.Error("changed page, same version")
	}
	rev := func(r *offline.Result, p string) string {
		for _, e := range r.Precache {
			if e.Path == p {
				return e.Revision
			}
		}
		return "missing"
	}
	if rev(a, "about.html") == rev(c, "about.html") || rev(a, "index.html") != rev(c, "index.html") {
		t.Error("revisions must follow each file's content, and only its own")
	}
}

// The icons are drawn at their sizes, full bleed, and the maskable one
// keeps its artwork inside the safe zone.
func TestIcons(t *testing.T) {
	dir, _ := run(t, staged)
	sizes := map[string]int{"icons/apple-touch-icon.png": 180, "icons/icon-192.png": 192, "icons/icon-512.png": 512, "icons/icon-maskable-512.png": 512}
	for src, n := range sizes {
		f, err := os.ReadFile(filepath.Join(dir, src))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
			t.Errorf("%s is %v, want %dx%d", src, b, n, n)
		}
		// Full bleed: the corner is the theme color, not transparent.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0xffff {
			t.Errorf("%s: transparent corner", src)
		}
	}
	// The maskable icon keeps its artwork inside the safe zone: the artwork's
	// white pixels are all within the central 80% circle.
	f, _ := os.ReadFile(filepath.Join(dir, "icons/icon-maskable-512.png"))
	img, _ := png.Decode(bytes.NewReader(f))
	for y := 0; y < 512; y += 4 {
		for x := 0; x < 512; x += 4 {
			r, g, b, _ := img.At(x, y).RGBA()
			dx, dy := float64(x-256), float64(y-256)
			if r > 0xf000 && g > 0xf000 && b > 0xf000 && dx*dx+dy*dy > 204*204 {
				t.Fatalf("artwork at (%d,%d) is outside the safe zone", x, y)
			}
		}
	}
}

func TestInvalidSVG(t *testing.T) {
	src := sitetest.Site(t, "-- assets/icons/icon.svg --\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\n")
	_, err := offline.Run(offline.Options{Source: src, Files: afero.NewBasePathFs(afero.NewOsFs(), t.TempDir()), ThemeColor: color.Black})
	if err == nil || !strings.HasPrefix(err.Error(), "assets/icons/icon.svg: invalid SVG") {
		t.Fatalf("want an error naming the icon, got %v", err)
	}
}

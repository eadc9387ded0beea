package offline_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/offline"
	"github.com/okcguide/guide/internal/sitetest"
)

// filledPreview is assets/og-image.svg as Hugo fills it in, with no
// caveat (a check recorded).
func filledPreview(t testing.TB, number string) string {
	t.Helper()
	return filledPreviewWith(t, number, "")
}

// caveatRe is the caveat's line in assets/og-image.svg, shown only when
// Hugo gives a caveat.
var caveatRe = regexp.MustCompile(`(?s)\{\{- with \.caveat \}\}(.*?)\{\{- end \}\}`)

// filledPreviewWith fills in the template with a caveat ("" for none).
func filledPreviewWith(t testing.TB, number, caveat string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), offline.PreviewSource))
	if err != nil {
		t.Fatal(err)
	}
	if !caveatRe.Match(data) {
		t.Fatalf("%s has no caveat line ({{- with .caveat }} ... {{- end }})", offline.PreviewSource)
	}
	out := caveatRe.ReplaceAllStringFunc(string(data), func(block string) string {
		if caveat == "" {
			return ""
		}
		return strings.ReplaceAll(caveatRe.FindStringSubmatch(block)[1], "{{ . | htmlEscape }}", caveat)
	})
	r := strings.NewReplacer(
		"{{ .background }}", "#0b3d91",
		"{{ .heading | htmlEscape }}", "Police non-emergency line:",
		"{{ .number | htmlEscape }}", number,
		"{{ .hours | htmlEscape }}", "24 hours a day, 7 days a week",
		"{{ .emergency | htmlEscape }}", "Danger now? Call 911",
	)
	out = r.Replace(out)
	if strings.Contains(out, "{{") {
		t.Fatalf("%s has a field this test does not fill in: %s", offline.PreviewSource, out)
	}
	return out
}

// TestPreviewImage: the link preview SVG Hugo rendered becomes a 1200×630
// PNG with its text drawn (the SVG itself is not published), it is not
// precached, and a line too long for the image is shrunk to fit inside
// the margins.
func TestPreviewImage(t *testing.T) {
	short := filledPreview(t, "911")
	long := filledPreview(t, "(405) 297-1212 extension 12345")
	dir, res := run(t, staged+"-- og/en.svg --\n"+short+"-- og/es.svg --\n"+long)
	for _, e := range res.Precache {
		if strings.HasPrefix(e.Path, "og/") {
			t.Errorf("%s is precached; the preview image is for other sites only", e.Path)
		}
	}
	decode := func(name string) image.Image {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
			t.Fatalf("%s is %dx%d, want 1200x630", name, b.Dx(), b.Dy())
		}
		return img
	}
	en, es := decode("og/en.png"), decode("og/es.png")
	for _, svg := range []string{"og/en.svg", "og/es.svg"} {
		if _, err := os.Stat(filepath.Join(dir, svg)); err == nil {
			t.Errorf("%s is still there; only the PNG is published", svg)
		}
	}
	// The number's line (font-size 150, baseline 300).
	band := func(x0, x1 int) image.Rectangle { return image.Rect(x0, 190, x1, 330) }
	if sitetest.WhitePixels(en, band(80, 400)) == 0 {
		t.Error("og/en.png: the number is not drawn")
	}
	if sitetest.WhitePixels(en, band(400, 1200)) != 0 {
		t.Error("og/en.png: a 3-digit number reaches past x=400")
	}
	if sitetest.WhitePixels(es, band(900, 1120)) == 0 {
		t.Error("og/es.png: the long number does not fill its line")
	}
	if n := sitetest.WhitePixels(es, band(1120, 1200)); n != 0 {
		t.Errorf("og/es.png: %d white pixels in the right margin; a long line must shrink to fit", n)
	}
}

func TestPreviewImageErrors(t *testing.T) {
	bad := strings.Replace(filledPreview(t, "911"), `font-size="150" font-weight="bold" fill="#ffffff"`, `font-size="150" font-weight="bold"`, 1)
	dir := t.TempDir()
	sitetest.Apply(t, dir, staged+"-- og/en.svg --\n"+bad)
	_, err := offline.Run(offline.Options{Source: sitetest.RepoRoot(t), Files: afero.NewBasePathFs(afero.NewOsFs(), dir), ThemeColor: navy,
		CSP: "default-src 'self'"})
	if err == nil || !strings.HasPrefix(err.Error(), offline.PreviewSource+": <text> fill") {
		t.Fatalf("want an error naming %s and the missing fill, got %v", offline.PreviewSource, err)
	}
}

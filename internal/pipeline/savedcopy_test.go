package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// The saved-copy status carries the version's date, the newest
// lastVerified date in the source, and the age limit from hugo.toml.
func TestSavedCopyStatus(t *testing.T) {
	src := sitetest.CopySite(t)
	sitetest.Edit(t, src, "content/about.md", "lastVerified: 2026-11-25", "lastVerified: 2027-02-03")
	sitetest.Edit(t, src, "hugo.toml", "savedCopyMaxAgeDays = 180", "savedCopyMaxAgeDays = 30")
	dest := build(t, src)
	for _, page := range []string{"index.html", "es/when-to-call.html"} {
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		tag := regexp.MustCompile(`<p id=saved [^>]*>`).Find(data)
		if tag == nil {
			t.Fatalf("%s has no #saved status", page)
		}
		for _, want := range []string{"role=status", "data-date=2027-02-03", "data-max-age-days=30"} {
			if !strings.Contains(string(tag), want) {
				t.Errorf("%s: %s lacks %s", page, tag, want)
			}
		}
	}
}

// A limit that is not a whole number of days, 0 or more, stops the build.
func TestSavedCopyMaxAgeDaysInvalid(t *testing.T) {
	for _, value := range []string{`"soon"`, "-5", "2.5"} {
		t.Run(value, func(t *testing.T) {
			src := sitetest.CopySite(t)
			sitetest.Edit(t, src, "hugo.toml", "savedCopyMaxAgeDays = 180", "savedCopyMaxAgeDays = "+value)
			_, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: filepath.Join(t.TempDir(), "public")})
			want := "hugo.toml: params.guide.savedCopyMaxAgeDays must be a whole number of days"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("want an error containing %q, got %v", want, err)
			}
		})
	}
}

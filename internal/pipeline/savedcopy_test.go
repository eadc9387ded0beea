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

// The saved-copy status and the notice of an old copy carry their
// sentences in the page's language and the age limit from hugo.toml. It carries no date: the date it shows
// is the reader's device's, so two builds of one source stay the same.
func TestSavedCopyStatus(t *testing.T) {
	src := sitetest.CopySite(t)
	sitetest.Edit(t, src, "hugo.toml", "savedCopyMaxAgeDays = 180", "savedCopyMaxAgeDays = 30")
	dest := build(t, src)
	for _, page := range []string{"index.html", "es/when-to-call.html"} {
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		for _, el := range []struct{ id, want string }{
			{"saved", "{date}"},
			{"stale", "data-max-age-days=30"},
		} {
			tag := regexp.MustCompile(`<p id=` + el.id + ` [^>]*>`).Find(data)
			if tag == nil {
				t.Fatalf("%s has no #%s status", page, el.id)
			}
			for _, want := range []string{"role=status", el.want} {
				if !strings.Contains(string(tag), want) {
					t.Errorf("%s: %s lacks %s", page, tag, want)
				}
			}
		}
	}
}

// A limit that is not a whole number of days, 0 or more, stops the build
// at its line of hugo.toml.
func TestSavedCopyMaxAgeDaysInvalid(t *testing.T) {
	for _, value := range []string{`"soon"`, "-5", "2.5"} {
		t.Run(value, func(t *testing.T) {
			src := sitetest.CopySite(t)
			sitetest.Edit(t, src, "hugo.toml", "savedCopyMaxAgeDays = 180", "savedCopyMaxAgeDays = "+value)
			_, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: filepath.Join(t.TempDir(), "public")})
			want := "params.guide.savedCopyMaxAgeDays must be a whole number of days"
			if err == nil || !strings.HasPrefix(err.Error(), "hugo.toml:") || !strings.Contains(err.Error(), want) {
				t.Fatalf("want an error containing %q, got %v", want, err)
			}
		})
	}
}

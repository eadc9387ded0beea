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
// from them (the languages, where Hugo will write, the checked [params]
// the guide reads, the line of each key the comment names) or the error
// it reports.
func TestLoad(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "*.txtar"), *update, func(t *testing.T, comment []byte, files *txtar.Archive) string {
		src := t.TempDir()
		sitetest.Apply(t, src, string(txtar.Format(files)))
		site, err := settings.Load(settings.Options{Source: src})
		if err != nil {
			return err.Error() + "\n"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "default language: %s\nlanguages: %s\n", site.DefaultLang, strings.Join(site.Langs, " "))
		fmt.Fprintf(&b, "guide: %+v\n", site.Guide)
		fmt.Fprintf(&b, "Hugo's params.guide.savedCopyMaxAgeDays: %v\n", site.Hugo.Base.Params.GetNested("guide", "savedcopymaxagedays"))
		for _, line := range strings.Split(string(comment), "\n") {
			if keys, ok := strings.CutPrefix(line, "line of: "); ok {
				fmt.Fprintf(&b, "%s is set at line %d\n", keys, site.Line(strings.Fields(keys)...))
			}
		}
		return b.String()
	})
}

// Each testdata/config/NAME.txtar is a site's hugo.toml; want is every
// problem Load finds in the [params] the guide reads, one a line, or
// nothing for a good-* fixture.
func TestConfig(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "config", "*.txtar"), *update, func(t *testing.T, _ []byte, files *txtar.Archive) string {
		src := t.TempDir()
		sitetest.Apply(t, src, string(txtar.Format(files)))
		if _, err := settings.Load(settings.Options{Source: src}); err != nil {
			return err.Error() + "\n"
		}
		return ""
	})
}

// A bad -base-url is an error that names the flag and the address, found
// before hugo.toml is read at all.
func TestBaseURLFlag(t *testing.T) {
	_, err := settings.Load(settings.Options{Source: t.TempDir(), BaseURL: "https://example.org/okc/guide"})
	want := `-base-url: "https://example.org/okc/guide" must end in / (the guide's folder), like https://example.org/okc/guide/`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

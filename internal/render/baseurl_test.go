package render_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want files in testdata/*.txtar")

// TestCheckBaseURL checks each address in testdata/base-url.txtar's urls
// file and compares what CheckBaseURL says with its want file; run with
// -update to rewrite it. Addresses in the good file must be accepted.
func TestCheckBaseURL(t *testing.T) {
	file := filepath.Join("testdata", "base-url.txtar")
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	var want string
	for i, f := range a.Files {
		switch f.Name {
		case "good":
			for _, u := range strings.Fields(string(f.Data)) {
				if err := render.CheckBaseURL(u); err != nil {
					t.Errorf("%s is a good base URL, but: %v", u, err)
				}
			}
		case "bad":
			for _, u := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				err := render.CheckBaseURL(u)
				if err == nil {
					t.Errorf("%q is accepted", u)
					continue
				}
				fmt.Fprintf(&got, "%s\n", err)
			}
		case "want":
			want = string(f.Data)
			if *update {
				a.Files[i].Data = []byte(got.String())
			}
		}
	}
	if *update {
		if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got.String() != want {
		t.Errorf("%s: the errors differ from want (run with -update after a deliberate change)\n got:\n%s\nwant:\n%s", file, got.String(), want)
	}
}

// renderSite reads the settings of the site in src, as a build with the
// -base-url baseURL would, and renders it into a new folder.
func renderSite(t *testing.T, src, baseURL string) (*render.Site, error) {
	t.Helper()
	cfg, err := settings.Load(settings.Options{Source: src, PublishDir: t.TempDir(), BaseURL: baseURL})
	if err != nil {
		return nil, err
	}
	return render.Render(context.Background(), cfg, nil)
}

// TestBaseURLInConfig: a bad baseURL in hugo.toml fails the render at its
// line; a good one is the site's base URL, and the -base-url option wins
// over it.
func TestBaseURLInConfig(t *testing.T) {
	src := sitetest.CopySite(t)
	sitetest.Edit(t, src, "hugo.toml", `baseURL = "/"`, `baseURL = "https://example.org/guide"`)
	_, err := renderSite(t, src, "")
	if err == nil || !strings.HasPrefix(err.Error(), "hugo.toml:") || !strings.Contains(err.Error(), "must end in /") {
		t.Fatalf("want an error at hugo.toml's baseURL line, got %v", err)
	}
	sitetest.Edit(t, src, "hugo.toml", `baseURL = "https://example.org/guide"`, `baseURL = "https://example.org/guide/"`)
	site, err := renderSite(t, src, "")
	if err != nil {
		t.Fatal(err)
	}
	if site.BaseURL != "https://example.org/guide/" {
		t.Errorf("BaseURL = %q", site.BaseURL)
	}
	site, err = renderSite(t, src, "https://example.net/okc/")
	if err != nil {
		t.Fatal(err)
	}
	if site.BaseURL != "https://example.net/okc/" {
		t.Errorf("with -base-url, BaseURL = %q", site.BaseURL)
	}
	if len(site.Langs) != 2 || site.Langs[1].Dir != "es/" || len(site.Langs[1].Shortcuts) != 1 || site.Langs[1].Shortcuts[0].Path != "es/is-it-an-emergency.html" {
		t.Errorf("languages under a base URL with a folder: %+v", site.Langs)
	}
}

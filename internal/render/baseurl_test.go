package render_test

import (
	"context"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

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

package render_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

// Hugo writes the site into the tree in memory and nothing to disk: not
// to its publish folder, not to the source.
func TestRenderWritesOnlyToMemory(t *testing.T) {
	src := sitetest.CopySite(t)
	publishDir := filepath.Join(src, "public") // Hugo's default
	cfg, err := settings.Load(settings.Options{Source: src, BaseURL: "https://example.org/okc/"})
	if err != nil {
		t.Fatal(err)
	}
	before := sitetest.ReadTree(t, src)
	site, err := render.Render(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(publishDir); !os.IsNotExist(err) {
		t.Errorf("Hugo's publish folder exists after the render: %v", err)
	}
	after := sitetest.ReadTree(t, src)
	for name, data := range after {
		if old, ok := before[name]; !ok || !bytes.Equal(old, data) {
			t.Errorf("the render wrote %s in the source", name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("the render removed %s from the source", name)
		}
	}
	tree := afero.NewIOFS(site.Files)
	for _, name := range []string{"index.html", "es/index.html", "404.html", "sitemap.xml"} {
		data, err := fs.ReadFile(tree, name)
		if err != nil || len(data) == 0 {
			t.Errorf("%s is not in the tree in memory: %v", name, err)
		}
	}
}

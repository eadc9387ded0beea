package render_test

import (
	"bytes"
	"context"
	"io/fs"
	"testing"

	"github.com/spf13/afero"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

// The copy in memory that later stages read is, file for file and byte
// for byte, what Hugo wrote to the destination.
func TestFilesAreWhatWasWritten(t *testing.T) {
	dest := t.TempDir()
	cfg, err := settings.Load(settings.Options{Source: sitetest.CopySite(t), PublishDir: dest, BaseURL: "https://example.org/okc/"})
	if err != nil {
		t.Fatal(err)
	}
	site, err := render.Render(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	onDisk := sitetest.ReadTree(t, dest)
	inMemory := map[string][]byte{}
	mem := afero.NewIOFS(site.Files)
	err = fs.WalkDir(mem, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		inMemory[p], err = fs.ReadFile(mem, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk) < 20 || len(inMemory) != len(onDisk) {
		t.Fatalf("%d files in memory, %d on disk", len(inMemory), len(onDisk))
	}
	for name, data := range onDisk {
		if !bytes.Equal(inMemory[name], data) {
			t.Errorf("%s: the copy in memory differs from the file", name)
		}
	}
}

package lint

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/settings"
)

// No page, however broken, makes the linter panic or hang. The seeds are every
// page in the fixtures; `go test -fuzz FuzzPage` explores further.
func FuzzPage(f *testing.F) {
	archives, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	for _, name := range archives {
		a, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range a.Files {
			f.Add(file.Data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("{{< phone"))
	f.Add([]byte("+++\n+++\n# [](<>)\n"))
	src, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		f.Fatal(err)
	}
	site, err := settings.Load(settings.Options{Source: src})
	if err != nil {
		f.Fatal(err)
	}
	cfg := lintConfig(site)
	book, err := loadPhones(src)
	if err != nil {
		f.Fatal(err)
	}
	shortcodes, err := loadShortcodes(src)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "content", "page.md"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		l := &linter{src: dir, cfg: cfg, now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), phones: book, shortcodes: shortcodes}
		done := make(chan bool)
		go func() {
			l.checkPage(l.read("content/page.md"))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("the linter took over 2 s on %q", data)
		}
		for _, e := range append(l.errs, l.warns...) {
			if e.File != "content/page.md" || e.Rule == "" || e.Msg == "" {
				t.Errorf("a problem without a file, rule or message: %#v", e)
			}
		}
	})
}

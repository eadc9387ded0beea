// Package sitetest helps tests build whole guide sites: it copies the real
// site's source into a temporary folder and applies changes written as one
// txtar archive, the way Hugo's own integration tests describe a site.
package sitetest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/render"
)

// LineOf is the 1-based line of the repository's file name that starts
// with prefix, the first such.
func LineOf(t testing.TB, name, prefix string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line starting %q", name, prefix)
	return 0
}

// RepoRoot returns the repository root (the folder with go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("sitetest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// CopySite copies the real site's source into a new temporary folder and
// returns it.
func CopySite(t testing.TB) string {
	t.Helper()
	root := RepoRoot(t)
	dst := t.TempDir()
	for _, name := range render.Inputs {
		from := filepath.Join(root, name)
		if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
			continue // a folder the site does not have
		}
		if err := copyTree(from, filepath.Join(dst, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// Apply writes each file of the txtar archive into dir, replacing files of
// the same name.
func Apply(t testing.TB, dir, archive string) {
	t.Helper()
	a := txtar.Parse([]byte(archive))
	for _, f := range a.Files {
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimSpace(f.Name)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Site returns a fresh copy of the real site with archive applied.
func Site(t testing.TB, archive string) string {
	t.Helper()
	dir := CopySite(t)
	Apply(t, dir, archive)
	return dir
}

// ReadTree returns every file under dir, keyed by slash-separated path.
func ReadTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	return ReadFS(t, os.DirFS(dir))
}

// ReadFS returns every file of tree, by its slash-separated path.
func ReadFS(t testing.TB, tree fs.FS) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out[p], err = fs.ReadFile(tree, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// Edit replaces old with new in the file name (slash-separated, relative to
// dir); the test fails if old is not there.
func Edit(t testing.TB, dir, name, old, new string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("sitetest.Edit: %s does not contain %q", name, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Synthetic returns a copy of the real site plus n generated pages of realistic
// length, with headings, links between them and the phone shortcode. The
// budgets are lifted: the benchmark measures speed, not a real guide.
func Synthetic(b testing.TB, n int) string {
	b.Helper()
	src := CopySite(b)
	Edit(b, src, "hugo.toml", "precache = 307200", "precache = 0")
	return AddPages(b, src, n)
}

// AddPages adds n generated pages under content/bench/ to the site in src
// and returns src.
func AddPages(b testing.TB, src string, n int) string {
	b.Helper()
	dir := filepath.Join(src, "content", "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "_index.md"), []byte("---\ntitle: Bench\ndescription: Generated pages.\n---\n"), 0o644)
	para := "Call the non-emergency line when no one is in danger. Have the address ready. Say what happened and when. The dispatcher will tell you what comes next. "
	for i := 0; i < n; i++ {
		var s strings.Builder
		fmt.Fprintf(&s, "---\ntitle: \"Page %d\"\ndescription: \"Generated page %d.\"\nweight: %d\n---\n\n", i, i, i)
		for h := 1; h <= 4; h++ {
			fmt.Fprintf(&s, "## Part %d\n\n%s%s\n\n", h, para, para)
			fmt.Fprintf(&s, "- Call {{< phone \"nonEmergency\" >}} any time.\n- Read [page %d](page-%d.md).\n- Danger now: call {{< phone \"emergency\" >}}.\n\n", (i+1)%n, (i+1)%n)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%d.md", i)), []byte(s.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return src
}

package publish

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

// tree writes files (name → contents) under dir.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// same fails the test unless dir holds exactly files.
func same(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files) {
		t.Fatalf("%s holds %v, want %v", dir, got, files)
	}
	for name, data := range files {
		if got[name] != data {
			t.Fatalf("%s: %s is %q, want %q", dir, name, got[name], data)
		}
	}
}

// gone fails the test if any of paths exists.
func gone(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", p)
		}
	}
}

var (
	oldTree = map[string]string{"index.html": "old", "old-only.html": "x", "css/a.css": "old css"}
	newTree = map[string]string{"index.html": "new", "css/b.css": "new css"}
)

// publishOnce prepares a staging folder for dest, fills it with newTree
// and swaps it in.
func publishOnce(t *testing.T, dest string) {
	t.Helper()
	st, err := Prepare(dest)
	if err != nil {
		t.Fatal(err)
	}
	same(t, st, nil)
	tree(t, st, newTree)
	if err := Swap(st, dest); err != nil {
		t.Fatal(err)
	}
	same(t, dest, newTree)
	gone(t, st, aside(dest))
}

func TestSwapReplacesTheOldTree(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	tree(t, dest, oldTree)
	publishOnce(t, dest)
}

func TestSwapIntoAMissingDestination(t *testing.T) {
	publishOnce(t, filepath.Join(t.TempDir(), "sub", "public"))
}

// Where the system cannot exchange two folders in one step, Swap sets the
// old tree aside, renames the new one in and removes the old one.
func TestSwapWithoutRenameExchange(t *testing.T) {
	exchange = func(a, b string) error { return errors.New("not supported") }
	t.Cleanup(func() { exchange = renameExchange })
	dest := filepath.Join(t.TempDir(), "public")
	tree(t, dest, oldTree)
	publishOnce(t, dest)
}

// A build that stopped between the two renames left the old tree set
// aside and no destination: the next build puts the old tree back before
// anything else, removes the dead staging folder, and publishes.
func TestRecoversASetAsideTree(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	tree(t, aside(dest), oldTree)
	tree(t, Staging(dest), map[string]string{"half.html": "half-written"})
	st, err := Prepare(dest)
	if err != nil {
		t.Fatal(err)
	}
	same(t, dest, oldTree)
	same(t, st, nil)
	gone(t, aside(dest))
	tree(t, st, newTree)
	if err := Swap(st, dest); err != nil {
		t.Fatal(err)
	}
	same(t, dest, newTree)
}

// When the destination is there, a set-aside tree left beside it is an
// older build's, and is removed.
func TestRemovesAStaleSetAsideTree(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	tree(t, dest, newTree)
	tree(t, aside(dest), oldTree)
	if _, err := Prepare(dest); err != nil {
		t.Fatal(err)
	}
	same(t, dest, newTree)
	gone(t, aside(dest))
}

func TestDestinationIsAFile(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	tree(t, filepath.Dir(dest), map[string]string{"public": "a file"})
	_, err := Prepare(dest)
	if err == nil || err.Error() != dest+": the destination is a file, not a folder" {
		t.Errorf("Prepare: %v", err)
	}
}

// Write writes the tree into the staging folder byte for byte: what the
// build checked in memory is what is published.
func TestWriteCopiesTheTree(t *testing.T) {
	tree := fstest.MapFS{
		"index.html":     {Data: []byte("<p>home</p>")},
		"es/index.html":  {Data: []byte("<p>inicio</p>")},
		"icons/icon.png": {Data: []byte{0x89, 'P', 'N', 'G', 0, 1, 2}},
		"empty.txt":      {Data: nil},
		"a/b/c/deep.css": {Data: []byte("p{}")},
	}
	dest := filepath.Join(t.TempDir(), "public")
	staging, err := Prepare(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(tree, staging, dest); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name, f := range tree {
		want[name] = string(f.Data)
	}
	same(t, staging, want)
	for name := range want {
		if fi, err := os.Stat(filepath.Join(staging, name)); err != nil || fi.Mode().Perm() != 0o644&^umask(t) {
			t.Errorf("%s: mode %v (%v), want %v", name, fi.Mode(), err, 0o644&^umask(t))
		}
	}
}

// umask is the process's file mode creation mask, as a new file shows it.
func umask(t *testing.T) os.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}

// A file the destination already holds with the same bytes is linked
// from there, not written again; every other file is written anew, and
// the destination is left as it was: each of its files keeps its bytes
// and mode, and no file of the new tree is one of its files unless the
// bytes are the same.
func TestWriteLinksOnlyUnchangedFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Write links files only where the system says how many names a file has")
	}
	dest := filepath.Join(t.TempDir(), "public")
	old := map[string]string{
		"same.html":           "<p>same</p>",
		"es/same.html":        "<p>igual</p>",
		"changed.html":        "<p>old!</p>", // same size, other bytes
		"grown.html":          "<p>old</p>",
		"empty.txt":           "",
		"chmod.html":          "<p>same</p>",
		"linked.html":         "<p>same</p>",
		"target.html":         "<p>same</p>",
		"removed-in-new.html": "gone",
	}
	tree(t, dest, old)
	mustChmod(t, filepath.Join(dest, "chmod.html"), 0o600)
	// A file with a second name elsewhere, which the new tree must not share.
	if err := os.Link(filepath.Join(dest, "linked.html"), filepath.Join(t.TempDir(), "backup.html")); err != nil {
		t.Fatal(err)
	}
	// A symbolic link to a file with the same bytes.
	if err := os.Symlink("target.html", filepath.Join(dest, "symlink.html")); err != nil {
		t.Fatal(err)
	}
	published := snapshot(t, dest)

	fresh := map[string]string{
		"same.html":    "<p>same</p>",
		"es/same.html": "<p>igual</p>",
		"changed.html": "<p>new!</p>",
		"grown.html":   "<p>newer</p>",
		"empty.txt":    "",
		"chmod.html":   "<p>same</p>",
		"linked.html":  "<p>same</p>",
		"symlink.html": "<p>same</p>",
		"new.html":     "<p>new</p>",
	}
	m := fstest.MapFS{}
	for name, data := range fresh {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	staging, err := Prepare(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(m, staging, dest); err != nil {
		t.Fatal(err)
	}
	same(t, staging, fresh)
	if got := snapshot(t, dest); !maps.Equal(got, published) {
		t.Errorf("Write changed the destination:\n got %v\nwant %v", got, published)
	}
	linked := map[string]bool{"same.html": true, "es/same.html": true, "empty.txt": true}
	for name := range fresh {
		a, aerr := os.Lstat(filepath.Join(staging, name))
		if aerr != nil || !a.Mode().IsRegular() || a.Mode().Perm() != 0o644&^umask(t) {
			t.Errorf("staging's %s: %v (%v), want a file with mode %v", name, a.Mode(), aerr, 0o644&^umask(t))
			continue
		}
		b, berr := os.Lstat(filepath.Join(dest, name))
		if shared := berr == nil && os.SameFile(a, b); shared != linked[name] {
			t.Errorf("%s: linked from the destination = %v, want %v", name, shared, linked[name])
		}
	}
}

// snapshot is each entry under dir: a file's mode and bytes, or where a
// symbolic link points.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			got[rel] = "-> " + target
			return err
		}
		data, err := os.ReadFile(p)
		got[rel] = fi.Mode().String() + " " + string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mustChmod(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// A file Write cannot write is an error that names it.
func TestWriteNamesTheFileItCannotWrite(t *testing.T) {
	staging := t.TempDir()
	tree(t, staging, map[string]string{"es": "a file where the tree has a folder"})
	err := Write(fstest.MapFS{"index.html": {Data: []byte("x")}, "es/index.html": {Data: []byte("y")}}, staging, filepath.Join(t.TempDir(), "public"))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(staging, "es")) {
		t.Fatalf("Write into a staging folder with a file in the way: %v, want an error naming %s", err, filepath.Join(staging, "es"))
	}
}

// Files are written on all cores, yet when several cannot be written the
// error names the first of them in the tree's order, every time. The
// first of the files in the way is large, so that on two or more cores
// its worker, copying it, reaches the writer after the others'.
func TestWriteNamesTheFirstFileItCannotWrite(t *testing.T) {
	m := fstest.MapFS{}
	for i := range 40 {
		m[fmt.Sprintf("p%02d.html", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	m["p07.html"].Data = bytes.Repeat([]byte("x"), 32<<20)
	for range 20 {
		staging := t.TempDir()
		for _, name := range []string{"p07.html", "p08.html", "p09.html"} {
			if err := os.Mkdir(filepath.Join(staging, name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		err := Write(m, staging, filepath.Join(t.TempDir(), "public"))
		if want := filepath.Join(staging, "p07.html"); err == nil || !strings.HasPrefix(err.Error(), want+": ") {
			t.Fatalf("Write with three files in the way: %v, want an error naming %s", err, want)
		}
	}
}

package publish

import (
	"errors"
	"os"
	"path/filepath"
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
	staging := t.TempDir()
	if err := Write(tree, staging); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name, f := range tree {
		want[name] = string(f.Data)
	}
	same(t, staging, want)
}

// A file Write cannot write is an error that names it.
func TestWriteNamesTheFileItCannotWrite(t *testing.T) {
	staging := t.TempDir()
	tree(t, staging, map[string]string{"es": "a file where the tree has a folder"})
	err := Write(fstest.MapFS{"index.html": {Data: []byte("x")}, "es/index.html": {Data: []byte("y")}}, staging)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(staging, "es")) {
		t.Fatalf("Write into a staging folder with a file in the way: %v, want an error naming %s", err, filepath.Join(staging, "es"))
	}
}

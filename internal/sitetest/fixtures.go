package sitetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Fixtures runs one subtest per file matching pattern (like
// "testdata/problems/*.txtar"). Each archive holds the case's files and a
// "want" file. run gets the archive's comment and its other files, and
// returns what the code under test reported; that must equal the want
// file, or, with update, is written into it.
func Fixtures(t *testing.T, pattern string, update bool, run func(t *testing.T, comment []byte, files *txtar.Archive) string) {
	t.Helper()
	paths, _ := filepath.Glob(pattern)
	if len(paths) == 0 {
		t.Fatalf("no %s", pattern)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			files := &txtar.Archive{}
			want := -1
			for i, f := range a.Files {
				if f.Name == "want" {
					want = i
				} else {
					files.Files = append(files.Files, f)
				}
			}
			if want < 0 {
				if !update {
					t.Fatalf("%s has no want file", path)
				}
				a.Files = append(a.Files, txtar.File{Name: "want"})
				want = len(a.Files) - 1
			}
			got := run(t, a.Comment, files)
			if update {
				a.Files[want].Data = []byte(got)
				if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if got != string(a.Files[want].Data) {
				t.Errorf("%s: got:\n%s\nwant:\n%s", path, got, a.Files[want].Data)
			}
		})
	}
}

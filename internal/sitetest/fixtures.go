package sitetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FixtureOption changes what Fixtures checks.
type FixtureOption func(*fixtureOptions)

type fixtureOptions struct {
	rule func(name string, comment []byte) string
}

// RuleOf says which rule a fixture tests, given the fixture's name and its
// archive's comment. A bad file must then get a problem of that rule (a
// line "file:line:col: rule: …"), not just any problem.
func RuleOf(rule func(name string, comment []byte) string) FixtureOption {
	return func(o *fixtureOptions) { o.rule = rule }
}

// Fixtures runs one subtest per file matching pattern (like
// "testdata/problems/*.txtar"). Each archive holds the case's files and a
// "want" file. run gets the archive's comment and its other files, and
// returns what the code under test reported, one problem a line; that
// must equal the want file, or, with update, is written into it.
//
// Names are promises, kept with or without update, so that -update cannot
// write a broken result into a want file unseen: a fixture named bad-*
// (or bad.txtar) must report something and one named good-* nothing; in
// any fixture, a file whose base name starts with "bad" must be named at
// the start of at least one line ("content/bad-x.md:…"), and a file whose
// base name starts with "good" at the start of none.
func Fixtures(t *testing.T, pattern string, update bool, run func(t *testing.T, comment []byte, files *txtar.Archive) string, opts ...FixtureOption) {
	t.Helper()
	var o fixtureOptions
	for _, opt := range opts {
		opt(&o)
	}
	paths, _ := filepath.Glob(pattern)
	if len(paths) == 0 {
		t.Fatalf("no %s", pattern)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
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
			rule := ""
			if o.rule != nil {
				rule = o.rule(name, a.Comment)
			}
			keepPromises(t, path, name, rule, files, got)
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

// keepPromises checks what the names of the fixture and of its files
// promise about got (see Fixtures). With a rule, a bad file's line must be
// of that rule.
func keepPromises(t *testing.T, path, name, rule string, files *txtar.Archive, got string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if got == "" {
		lines = nil
	}
	switch {
	case isBad(name) && len(lines) == 0:
		t.Errorf("%s: a bad fixture reported nothing", path)
	case isGood(name) && len(lines) > 0:
		t.Errorf("%s: a good fixture reported %d problems, want none", path, len(lines))
	}
	for _, f := range files.Files {
		var mine, ofRule int
		for _, line := range lines {
			if strings.HasPrefix(line, f.Name+":") {
				mine++
				if rule == "" || strings.Contains(line, ": "+rule+": ") {
					ofRule++
				}
			}
		}
		base := filepath.Base(f.Name)
		switch {
		case isBad(base) && ofRule == 0 && rule != "":
			t.Errorf("%s: %s: no %s problem reported", path, f.Name, rule)
		case isBad(base) && ofRule == 0:
			t.Errorf("%s: %s: no problem reported", path, f.Name)
		case isGood(base) && mine > 0:
			t.Errorf("%s: %s: %d problems reported, want none", path, f.Name, mine)
		}
	}
}

func isBad(name string) bool  { return strings.HasPrefix(name, "bad") }
func isGood(name string) bool { return strings.HasPrefix(name, "good") }

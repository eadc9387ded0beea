// Package diag is how every stage of the guide's build reports a problem:
// as one line, "path:line:col: what is wrong", with the path relative to
// the site's source directory so an editor can jump straight to it
// (Error, List, AsList, Rel, Cause).
//
// It also finds those lines in the files the guide reads, for every stage
// alike: the line of a front matter key in a page (FrontMatterLine, with
// Hugo's page lexer), and in a TOML file the line of a key or table
// (TOMLLine, TOMLTables); DecodeTOML decodes a TOML file strictly,
// reporting a key nothing reads at its line.
package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Error is one problem in one file. Line and Col are 1-based; zero means
// unknown.
type Error struct {
	File string
	Line int
	Col  int
	Rule string // optional short name of the check that failed
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(filepath.ToSlash(e.File))
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Col > 0 {
				fmt.Fprintf(&b, ":%d", e.Col)
			}
		}
		b.WriteString(": ")
	}
	if e.Rule != "" {
		b.WriteString(e.Rule)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// List is a set of problems reported together. Its Error method prints
// one problem per line, sorted by file, line and column; the list itself
// keeps its order.
type List []*Error

func (l List) Error() string {
	sorted := slices.Clone(l)
	sorted.Sort()
	lines := make([]string, len(sorted))
	for i, e := range sorted {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the list by file, line, column, then message, so the same
// problems always print in the same order.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Error() < b.Error()
	})
}

// AsList returns the problems in err as a list: a List as it is, one
// *Error as a list of one, and anything else as one problem with no file.
func AsList(err error) List {
	if err == nil {
		return nil
	}
	var l List
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return List{e}
	}
	return List{{Msg: err.Error()}}
}

// Rel makes path relative to root when it lies inside it, and returns it
// unchanged otherwise.
func Rel(root, path string) string {
	if root == "" || !filepath.IsAbs(path) {
		return path
	}
	r, err := filepath.Rel(root, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return path
	}
	return r
}

// Cause is the system's reason inside a file error ("permission denied",
// "no such file or directory"), without the path, which the caller reports
// its own way (relative to the site's source). Other errors are returned
// as they are.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Package publish is the build's last stage: it writes the finished site,
// built in memory, into a staging directory (Write) and puts that in place
// of the destination in one atomic step (Swap), so readers of the
// destination see either the old tree or the new one, never a mix.
//
// On Linux the two directories are exchanged with renameat2(RENAME_EXCHANGE)
// and the old tree, now in the staging path, is removed afterwards. Where
// that call is missing, the old tree is first renamed aside; a crash between
// the two renames leaves it there, under a clearly named path that clean
// puts back or removes on the next build.
package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/okcguide/guide/internal/diag"
)

// Staging returns the staging directory for dest: a hidden sibling, so the
// final rename never crosses file systems.
func Staging(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".guide-staging")
}

// exchange swaps two directories in one step, or fails where the system
// cannot; tests replace it to take the two-rename path.
var exchange = renameExchange

// aside is where the old tree waits during a two-rename swap.
func aside(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".guide-old")
}

// clean removes what an interrupted build left next to dest. If dest is
// missing but an old tree was set aside, the old tree is put back first.
func clean(dest string) error {
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(aside(dest)); err == nil {
			if err := os.Rename(aside(dest), dest); err != nil {
				return err
			}
		}
	}
	if err := os.RemoveAll(Staging(dest)); err != nil {
		return err
	}
	return os.RemoveAll(aside(dest))
}

// Prepare checks that dest can be replaced and returns a fresh, empty
// staging directory for it.
func Prepare(dest string) (string, error) {
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", cannotCreate(dest, err)
	}
	if fi, err := os.Stat(dest); err == nil && !fi.IsDir() {
		return "", &diag.Error{File: dest, Msg: "the destination is a file, not a folder"}
	}
	if err := clean(dest); err != nil {
		return "", &diag.Error{File: dest, Msg: fmt.Sprintf("cannot remove a previous build's leftovers: %v", err)}
	}
	st := Staging(dest)
	if err := os.Mkdir(st, 0o755); err != nil {
		// The staging folder is the destination's hidden sibling: what
		// stops it stops the destination too, so name the destination.
		return "", cannotCreate(dest, &fs.PathError{Op: "mkdir", Path: parent, Err: diag.Cause(err)})
	}
	return st, nil
}

// cannotCreate explains why dest cannot be created: err is the failure to
// make a folder at or above it.
func cannotCreate(dest string, err error) error {
	where := dest
	var pe *fs.PathError
	if errors.As(err, &pe) {
		where = pe.Path
	}
	cause := diag.Cause(err)
	var why string
	switch {
	case errors.Is(cause, syscall.ENOTDIR):
		why = where + " is a file, not a folder"
	case errors.Is(cause, fs.ErrPermission), errors.Is(cause, syscall.EROFS):
		why = fmt.Sprintf("%s is not writable (%v)", where, cause)
	case errors.Is(cause, fs.ErrNotExist):
		// The folder exists (MkdirAll made it) yet refuses new entries,
		// like /proc.
		why = where + " does not allow new folders"
	default:
		why = fmt.Sprintf("%s: %v", where, cause)
	}
	return &diag.Error{File: dest, Msg: "cannot create the destination: " + why}
}

// Write writes every file of tree into the empty folder staging, byte for
// byte: folders 0755, files 0644. A file it cannot write is an error
// naming it; what was written is then left for Swap's caller to remove.
func Write(tree fs.FS, staging string) error {
	return fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return &diag.Error{File: name, Msg: "cannot read it from the built site: " + diag.Cause(err).Error()}
		}
		p := filepath.Join(staging, filepath.FromSlash(name))
		if d.IsDir() {
			if name == "." {
				return nil
			}
			err = os.Mkdir(p, 0o755)
		} else {
			var data []byte
			if data, err = fs.ReadFile(tree, name); err == nil {
				err = os.WriteFile(p, data, 0o644)
			}
		}
		if err != nil {
			return &diag.Error{File: p, Msg: "cannot write it: " + diag.Cause(err).Error()}
		}
		return nil
	})
}

// Swap puts staging in place of dest and removes the old tree.
func Swap(staging, dest string) error {
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(staging, dest); err != nil {
			return &diag.Error{File: dest, Msg: fmt.Sprintf("cannot create: %v", diag.Cause(err))}
		}
		return nil
	}
	// Once the new tree is in place the build has succeeded; removing the
	// old one is tidying, and what is left of it the next build removes.
	if err := exchange(staging, dest); err == nil {
		os.RemoveAll(staging)
		return nil
	}
	old := aside(dest)
	if err := os.Rename(dest, old); err != nil {
		return &diag.Error{File: dest, Msg: fmt.Sprintf("cannot replace: %v", diag.Cause(err))}
	}
	if err := os.Rename(staging, dest); err != nil {
		os.Rename(old, dest)
		return &diag.Error{File: dest, Msg: fmt.Sprintf("cannot replace: %v", diag.Cause(err))}
	}
	os.RemoveAll(old)
	return nil
}

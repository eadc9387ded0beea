// Package publish is the build's last stage: it puts a finished staging
// directory in place of the destination in one atomic step, so readers of
// the destination see either the old tree or the new one, never a mix.
//
// On Linux the two directories are exchanged with renameat2(RENAME_EXCHANGE)
// and the old tree, now in the staging path, is removed afterwards. Where
// that call is missing, the old tree is first renamed aside; a crash between
// the two renames leaves it there, under a clearly named path that Clean
// puts back or removes on the next build.
package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/okcguide/guide/internal/diag"
)

// Staging returns the staging directory for dest: a hidden sibling, so the
// final rename never crosses file systems.
func Staging(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".guide-staging")
}

// aside is where the old tree waits during a two-rename swap.
func aside(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".guide-old")
}

// Clean removes what an interrupted build left next to dest. If dest is
// missing but an old tree was set aside, the old tree is put back first.
func Clean(dest string) error {
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
		return "", fmt.Errorf("%s: cannot create the destination's folder: %w", parent, diag.Cause(err))
	}
	if fi, err := os.Stat(dest); err == nil && !fi.IsDir() {
		return "", fmt.Errorf("%s: the destination is a file, not a folder", dest)
	}
	if err := Clean(dest); err != nil {
		return "", fmt.Errorf("%s: cannot remove a previous build's leftovers: %w", parent, diag.Cause(err))
	}
	st := Staging(dest)
	if err := os.Mkdir(st, 0o755); err != nil {
		return "", fmt.Errorf("%s: the destination's folder is not writable: %w", parent, diag.Cause(err))
	}
	return st, nil
}

// Swap puts staging in place of dest and removes the old tree.
func Swap(staging, dest string) error {
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		return os.Rename(staging, dest)
	}
	// Once the new tree is in place the build has succeeded; removing the
	// old one is tidying, and what is left of it the next build removes.
	if err := exchange(staging, dest); err == nil {
		os.RemoveAll(staging)
		return nil
	}
	old := aside(dest)
	if err := os.Rename(dest, old); err != nil {
		return fmt.Errorf("%s: cannot replace: %w", dest, diag.Cause(err))
	}
	if err := os.Rename(staging, dest); err != nil {
		os.Rename(old, dest)
		return fmt.Errorf("%s: cannot replace: %w", dest, diag.Cause(err))
	}
	os.RemoveAll(old)
	return nil
}

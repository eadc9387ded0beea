// Package publish is the build's last stage: it writes the finished site,
// built in memory, into a staging directory (Write) and puts that in place
// of the destination in one atomic step (Swap), so readers of the
// destination see either the old tree or the new one, never a mix. A file
// the destination already holds with the same bytes is linked into the
// staging directory rather than written again: the new tree then shares
// it with the old one, which is never changed, only removed.
//
// On Linux the two directories are exchanged with renameat2(RENAME_EXCHANGE)
// and the old tree, now in the staging path, is removed afterwards. Where
// that call is missing, the old tree is first renamed aside; a crash between
// the two renames leaves it there, under a clearly named path that clean
// puts back or removes on the next build.
package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
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

// Write writes every file of tree into staging, the empty folder Prepare
// made for published (the destination it will replace), byte for byte:
// folders 0755, files 0644, less what the umask takes (as the staging
// folder's own mode, made 0755, shows). A file published already holds
// with the same bytes and mode, that is a regular file of this user's
// with no other name, is linked from there instead (see reuse); any other
// file is written anew. Nothing in published is changed. A file it cannot
// write is an error naming it, the first in the tree's order; what was
// written is then left for Swap's caller to remove.
//
// Files are compared and linked on all cores, but made one at a time,
// alongside: making files in one folder at once makes them wait for each
// other in the file system (on ext4, writing the 1,000-page site into an
// empty folder took as long on two cores as on one, and twice the CPU).
func Write(tree fs.FS, staging, published string) error {
	st, err := os.Stat(staging)
	if err != nil {
		return &diag.Error{File: staging, Msg: "cannot write it: " + diag.Cause(err).Error()}
	}
	mode := 0o644 & st.Mode().Perm()
	// Folders first, in the tree's order, so every file has its folder.
	var files []string
	err = fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return &diag.Error{File: name, Msg: "cannot read it from the built site: " + diag.Cause(err).Error()}
		}
		if !d.IsDir() {
			files = append(files, name)
			return nil
		}
		if name == "." {
			return nil
		}
		if err := os.Mkdir(filepath.Join(staging, filepath.FromSlash(name)), 0o755); err != nil {
			return &diag.Error{File: filepath.Join(staging, filepath.FromSlash(name)), Msg: "cannot write it: " + diag.Cause(err).Error()}
		}
		return nil
	})
	if err != nil {
		return err
	}
	errs := make([]error, len(files))
	type file struct {
		i    int
		data []byte
	}
	fresh := make(chan file, len(files)) // the files to make
	made := make(chan struct{})
	go func() {
		defer close(made)
		for f := range fresh {
			p := filepath.Join(staging, filepath.FromSlash(files[f.i]))
			if err := os.WriteFile(p, f.data, 0o644); err != nil {
				errs[f.i] = &diag.Error{File: p, Msg: "cannot write it: " + diag.Cause(err).Error()}
			}
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			var buf []byte
			for i := int(next.Add(1)) - 1; i < len(files); i = int(next.Add(1)) - 1 {
				name := files[i]
				data, err := fs.ReadFile(tree, name)
				if err != nil {
					errs[i] = &diag.Error{File: name, Msg: "cannot read it from the built site: " + diag.Cause(err).Error()}
					continue
				}
				if !reuse(filepath.Join(published, filepath.FromSlash(name)), filepath.Join(staging, filepath.FromSlash(name)), data, mode, &buf) {
					fresh <- file{i, data}
				}
			}
		})
	}
	wg.Wait()
	close(fresh)
	<-made
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// reuse links old, a file of the published tree, as p, and reports
// whether it did: only if old holds data, byte for byte, with the mode a
// file written now gets, and only this user's build holds it (see alone),
// so that the new tree shares no file with anything but the tree it
// replaces. Giving a file a second name costs the file system far less
// than making a new file (on the ext4 disk the README's Speed table was
// measured on, linking 1,000 files takes a tenth of the time making them
// does), and a rebuild changes few files; an unchanged file also keeps
// its modification time, so a server's validators for it stay valid.
// Reading old costs less than writing it would, and only a file of the
// same size is read. buf holds what was read, reused from file to file.
func reuse(old, p string, data []byte, mode fs.FileMode, buf *[]byte) bool {
	f, err := os.Open(old)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != mode || fi.Size() != int64(len(data)) || !alone(fi) {
		return false
	}
	// One byte more than data, to see a file that grew since Stat.
	if cap(*buf) < len(data)+1 {
		*buf = make([]byte, len(data)+1)
	}
	b := (*buf)[:len(data)+1]
	if n, _ := io.ReadFull(f, b); n != len(data) || !bytes.Equal(b[:n], data) {
		return false
	}
	if os.Link(old, p) != nil {
		return false
	}
	// The name may have been given to another file since it was opened,
	// or be a symbolic link, which link names itself: keep p only if it is
	// the file that was read.
	if li, err := os.Lstat(p); err != nil || !os.SameFile(fi, li) {
		os.Remove(p)
		return false
	}
	return true
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

//go:build unix

package publish

import (
	"io/fs"
	"os"
	"syscall"
)

// alone reports whether the file fi describes has one name and belongs
// to the user running the build: a file of the published tree only, that
// no one else has linked or may be sharing with a tree of their own.
func alone(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && uint64(st.Nlink) == 1 && int(st.Uid) == os.Geteuid()
}

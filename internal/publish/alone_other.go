//go:build !unix

package publish

import "io/fs"

// alone reports false where the system does not say how many names a file
// has or whose it is: Write then writes every file anew.
func alone(fs.FileInfo) bool { return false }

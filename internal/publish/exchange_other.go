//go:build !linux

package publish

import "errors"

// renameExchange reports that this system cannot swap two directories in
// one step, so Swap uses two renames.
func renameExchange(a, b string) error { return errors.New("not supported") }

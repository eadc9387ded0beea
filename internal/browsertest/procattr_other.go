//go:build !linux

package browsertest

import "os/exec"

// dieWithTests does nothing here: only Linux can tie a process's life to
// its parent's.
func dieWithTests(*exec.Cmd) {}

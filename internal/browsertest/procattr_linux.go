//go:build linux

package browsertest

import (
	"os/exec"
	"syscall"
)

// dieWithTests makes cmd end when the test binary does, even when it is
// killed (a test timeout) before Close runs, as chromedp does for Chromium.
func dieWithTests(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = new(syscall.SysProcAttr)
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

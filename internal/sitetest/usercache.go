package sitetest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RunWithTempUserCache runs the package's tests with the user's cache
// folder pointed at a new temporary folder, for the test process and the
// processes it starts, so that builds keep the images they draw there and
// not in the user's own cache. It sets XDG_CACHE_HOME, which
// os.UserCacheDir reads on Linux and the BSDs. The Go command keeps using
// its own build cache: GOCACHE is set to where it is now. It returns
// m.Run's exit code after removing the folder.
func RunWithTempUserCache(m *testing.M) int {
	if os.Getenv("GOCACHE") == "" {
		if out, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil {
			os.Setenv("GOCACHE", strings.TrimSpace(string(out)))
		}
	}
	dir, err := os.MkdirTemp("", "guide-user-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "sitetest:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	os.Setenv("XDG_CACHE_HOME", dir)
	return m.Run()
}

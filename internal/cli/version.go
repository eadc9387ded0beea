package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/gohugoio/hugo/common/hugo"
)

// Version is what `guide version` prints: the guide's version, the Hugo
// version it embeds and the Go it was built with, like
//
//	guide v1.2.0 (hugo v0.165.0, go1.26.8 linux/amd64)
//
// The guide's version is its module version when installed with go
// install, else the version control revision it was built from ("+dirty"
// with uncommitted changes), else "(devel)".
func Version() string {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		} else {
			var rev, dirty string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "+dirty"
					}
				}
			}
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if rev != "" {
				v = rev + dirty
			}
		}
	}
	return fmt.Sprintf("guide %s (hugo v%s, %s %s/%s)", v, hugo.CurrentVersion.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gohugoio/hugo/common/hugo"

	"github.com/okcguide/guide/internal/sitetest"
)

// guide version names the guide's version and the Hugo it embeds.
func TestVersion(t *testing.T) {
	code, stdout, stderr := run("version")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := "hugo v" + hugo.CurrentVersion.Version().String()
	if !strings.Contains(stdout, want) || !regexp.MustCompile(`^guide \S+ \(`).MatchString(stdout) {
		t.Errorf("guide version printed %q, want the guide's version and %q", stdout, want)
	}
}

// A bad -base-url fails the build (exit 1) with an error that names the
// flag and says what is wrong, and nothing is built; a good one makes the
// addresses that must be absolute.
func TestBuildBaseURL(t *testing.T) {
	src := sitetest.CopySite(t)
	dest := filepath.Join(t.TempDir(), "public")
	code, _, stderr := run("build", "-source", src, "-destination", dest, "-base-url", "https://example.org/okc/guide")
	if want := `-base-url: "https://example.org/okc/guide" must end in /`; code != 1 || !strings.HasPrefix(stderr, want) {
		t.Fatalf("exit %d, stderr %q; want 1 and %s…", code, stderr, want)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Fatal("a bad -base-url still built the site")
	}
	if code, _, stderr := run("build", "-source", src, "-destination", dest, "-base-url", "https://example.org/okc/guide/"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page, err := os.ReadFile(filepath.Join(dest, "about.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<link rel=canonical href=https://example.org/okc/guide/about.html>`) {
		t.Errorf("about.html has no canonical link under the base URL:\n%s", page)
	}
}

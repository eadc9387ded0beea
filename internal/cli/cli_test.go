package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/cli"
	"github.com/okcguide/guide/internal/publish"
	"github.com/okcguide/guide/internal/sitetest"
)

// The test binary doubles as the guide command, so tests can run it as a
// separate process and signal it.
func TestMain(m *testing.M) {
	if os.Getenv("GUIDE_CLI_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// goodBuild builds the real site into a fresh destination and returns the
// destination and its files.
func goodBuild(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := run("build", "-source", sitetest.CopySite(t), "-destination", dest); code != 0 {
		t.Fatalf("good build failed (%d):\n%s", code, stderr)
	}
	return dest, sitetest.ReadTree(t, dest)
}

func sameTree(t *testing.T, dest string, want map[string][]byte) bool {
	t.Helper()
	got := sitetest.ReadTree(t, dest)
	if len(got) != len(want) {
		return false
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			return false
		}
	}
	return true
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"build", "-nope"}, {"build", "extra"}} {
		code, _, stderr := run(args...)
		if code != cli.ExitUsage {
			t.Errorf("guide %q: exit %d, want %d", args, code, cli.ExitUsage)
		}
		if len(args) < 2 && !strings.Contains(stderr, "usage: guide <command>") {
			t.Errorf("guide %q does not print the usage:\n%s", args, stderr)
		}
	}
}

// A destination the system will not let us create is named in full, with
// the reason in words.
func TestDestinationCannotBeCreated(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("needs /proc")
	}
	code, _, stderr := run("build", "-source", sitetest.CopySite(t), "-destination", "/proc/guide-out")
	if code != cli.ExitFailed {
		t.Fatalf("exit %d, want %d: %s", code, cli.ExitFailed, stderr)
	}
	want := "/proc/guide-out: cannot create the destination: /proc does not allow new folders"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr does not say %q:\n%s", want, stderr)
	}
	if strings.Contains(stderr, "not writable: no such file") {
		t.Errorf("stderr gives the system's misleading reason:\n%s", stderr)
	}
}

// Ctrl-C while the build is under way (its staging folder exists, so the
// check has passed and render has begun) exits 130, removes the staging
// folder and leaves the previous destination byte for byte as it was.
func TestInterruptMidBuild(t *testing.T) {
	dest, before := goodBuild(t)
	// Enough pages that the build is still running when the signal lands.
	src := sitetest.Synthetic(t, 400)
	cmd := guide(src, dest)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	staging := publish.Staging(dest)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(staging); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the build never created its staging folder; stderr:\n%s", stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != cli.ExitInterrupted {
		t.Fatalf("exit %d after Ctrl-C mid-build, want %d; stderr:\n%s", code, cli.ExitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say the build was interrupted:\n%s", stderr.String())
	}
	if !sameTree(t, dest, before) {
		t.Error("the previous destination changed")
	}
	if _, err := os.Stat(staging); !errors.Is(err, os.ErrNotExist) {
		t.Error("the interrupted build left its staging folder")
	}
}

func TestBuildSummary(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	code, out, stderr := run("build", "-source", sitetest.CopySite(t), "-destination", dest)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "built ") || !strings.Contains(out, "gzip") {
		t.Errorf("want one summary line, got %q", out)
	}
	if _, err := os.Stat(filepath.Join(dest, "index.html")); err != nil {
		t.Error(err)
	}
}

// Every kind of bad input fails with a message naming the file (and line,
// where there is one) and leaves the previous build exactly as it was.
func TestBadInputKeepsDestination(t *testing.T) {
	cases := []struct {
		name    string
		archive string // files to write over the real site
		setup   func(t *testing.T, src string) (args []string)
		want    string // must appear in stderr
	}{
		{name: "invalid YAML front matter", archive: "-- content/community.md --\n---\ntitle: [oops\n---\nHi.\n", want: "content/community.md:2:"},
		{name: "invalid TOML front matter", archive: "-- content/community.md --\n+++\ntitle = \n+++\nHi.\n", want: "content/community.md:2:"},
		{name: "unknown shortcode", archive: "-- content/community.md --\n---\ntitle: Community\ndescription: Talks.\n---\n\nCall {{< phnoe \"nonEmergency\" >}}.\n", want: "content/community.md:6:"},
		{name: "shortcode without its parameter", archive: "-- content/community.md --\n---\ntitle: Community\ndescription: Talks.\n---\n\nCall {{< phone >}}.\n", want: "content/community.md:6:"},
		{name: "shortcode naming an unknown contact", archive: "-- content/community.md --\n---\ntitle: Community\ndescription: Talks.\n---\n\nCall {{< phone \"fire\" >}}.\n", want: "content/community.md:6:"},
		{name: "broken template", archive: "-- layouts/page.html --\n{{ define \"main\" }}\n<h1>{{ .Title }</h1>\n{{ end }}\n", want: "layouts/page.html:2"},
		{name: "error in the base template", setup: func(t *testing.T, src string) []string {
			sitetest.Edit(t, src, "layouts/baseof.html", "<title>", "<title>{{ .NoSuchField }}")
			return nil
		}, want: "layouts/baseof.html:7:"},
		{name: "missing partial", setup: func(t *testing.T, src string) []string {
			sitetest.Edit(t, src, "layouts/_partials/nav.html", `partial "href.html"`, `partial "nope.html"`)
			return nil
		}, want: `layouts/_partials/nav.html:5:16: partial "nope.html" not found`},
		{name: "error in a shortcode template", setup: func(t *testing.T, src string) []string {
			sitetest.Edit(t, src, "layouts/_shortcodes/phone.html", "{{- $key := .Get 0 -}}", "{{- $key := .Get 0 -}}{{ .NoSuchField }}")
			return nil
		}, want: "layouts/_shortcodes/phone.html:3:"},
		{name: "link to a missing page", archive: "-- content/community.md --\n---\ntitle: Community\ndescription: Talks.\n---\n\nRead [the rules](rules.md).\n", want: "content/community.md:6:"},
		{name: "non-UTF-8 content", archive: "-- content/community.md --\n---\ntitle: Community\ndescription: Talks.\n---\n\nCaf\xe9 talks.\n", want: "content/community.md"},
		{name: "binary file in content", archive: "-- content/photo.md --\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\n", want: "content/photo.md"},
		{name: "unreadable file", setup: func(t *testing.T, src string) []string {
			p := filepath.Join(src, "content", "community.md")
			if os.Geteuid() == 0 {
				// root reads any file; a dangling link is unreadable to all.
				os.Remove(p)
				if err := os.Symlink(filepath.Join(src, "nowhere.md"), p); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
			return nil
		}, want: "content/community.md"},
		{name: "empty content", setup: func(t *testing.T, src string) []string {
			os.RemoveAll(filepath.Join(src, "content"))
			os.Mkdir(filepath.Join(src, "content"), 0o755)
			return nil
		}, want: "content"},
		{name: "missing contacts data", setup: func(t *testing.T, src string) []string {
			os.Remove(filepath.Join(src, "data", "contacts.toml"))
			return nil
		}, want: "data/contacts.toml"},
		{name: "invalid contacts data", archive: "-- data/contacts.toml --\nlastVerified = 2026-11-25\n[nonEmergency]\ndisplay = \"(405) 297-1212\"\ntel = +1 405\n", want: "data/contacts.toml:4:"},
		{name: "contacts data missing a number", archive: "-- data/contacts.toml --\nlastVerified = 2026-11-25\n[nonEmergency]\ndisplay = \"(405) 297-1212\"\nhours = \"24/7\"\n[emergency]\ndisplay = \"911\"\ntel = \"911\"\n[website]\nurl = \"https://www.okc.gov/\"\n[[sources]]\nname = \"x\"\nurl = \"https://www.okc.gov/\"\n", want: "data/contacts.toml:2: [nonEmergency] needs tel"},
		{name: "invalid icon SVG", archive: "-- assets/icons/icon.svg --\n<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\n", want: "assets/icons/icon.svg"},
		{name: "destination not writable", setup: func(t *testing.T, src string) []string {
			file := filepath.Join(t.TempDir(), "a-file")
			os.WriteFile(file, nil, 0o644)
			return []string{"-destination", filepath.Join(file, "public")}
		}, want: "a-file"},
		{name: "destination is the source", setup: func(t *testing.T, src string) []string {
			return []string{"-destination", src}
		}, want: "the destination holds the site's source"},
		{name: "destination holds the source", setup: func(t *testing.T, src string) []string {
			return []string{"-destination", filepath.Dir(src)}
		}, want: "the destination holds the site's source"},
		{name: "missing stylesheet", setup: func(t *testing.T, src string) []string {
			os.Remove(filepath.Join(src, "assets", "css", "main.css"))
			return nil
		}, want: "assets/css/main.css: missing"},
		{name: "source does not exist", setup: func(t *testing.T, src string) []string {
			return []string{"-source", filepath.Join(src, "missing")}
		}, want: "missing: the source directory does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dest, before := goodBuild(t)
			src := sitetest.Site(t, tc.archive)
			args := []string{"build", "-source", src, "-destination", dest}
			if tc.setup != nil {
				args = append(args, tc.setup(t, src)...)
			}
			code, stdout, stderr := run(args...)
			if code != cli.ExitFailed {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, cli.ExitFailed, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not name %q:\n%s", tc.want, stderr)
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if strings.HasPrefix(line, "WARN") {
					continue
				}
				if strings.Contains(line, "goroutine ") || strings.Contains(line, "panic") || strings.Contains(line, "logged ") {
					t.Errorf("not a clear message: %s", line)
				}
				if strings.Contains(line, src+"/") && tc.name != "source does not exist" {
					t.Errorf("message uses an absolute source path: %s", line)
				}
			}
			if !sameTree(t, dest, before) {
				t.Error("the previous destination changed")
			}
			if _, err := os.Stat(publish.Staging(dest)); !errors.Is(err, os.ErrNotExist) {
				t.Error("a staging folder was left behind")
			}
		})
	}
}

// A build killed at any moment leaves the old tree or the new one, never a
// mix; the next build cleans up what the killed one left.
func TestInterruptedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	dest, oldTree := goodBuild(t)
	src := sitetest.Site(t, "-- content/why-it-matters.md --\n---\ntitle: Why it matters\ndescription: Using the right number keeps 911 free.\nweight: 60\nlastVerified: 2026-11-25\n---\n\nThe right number helps everyone. New text.\n")
	newDest := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := run("build", "-source", src, "-destination", newDest); code != 0 {
		t.Fatal(stderr)
	}
	newTree := sitetest.ReadTree(t, newDest)

	// How long a whole build takes as a process, to spread the signals over.
	start := time.Now()
	cmd := guide(src, dest)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	whole := time.Since(start)
	restore := func() {
		os.RemoveAll(dest)
		os.MkdirAll(dest, 0o755)
		for name, data := range oldTree {
			p := filepath.Join(dest, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, data, 0o644)
		}
	}

	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT, syscall.SIGTERM} {
		for i := 0; i <= 8; i++ {
			at := whole * time.Duration(i) / 8
			t.Run(fmt.Sprintf("%v at %v", sig, at.Round(time.Millisecond)), func(t *testing.T) {
				restore()
				cmd := guide(src, dest)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(at)
				cmd.Process.Signal(sig)
				err := cmd.Wait()
				code := cmd.ProcessState.ExitCode()
				switch {
				case err == nil:
					// Finished before the signal.
				case sig == syscall.SIGKILL:
				case code != cli.ExitInterrupted && !cmd.ProcessState.Exited():
					// Killed by the signal before the handler was installed.
				case code != cli.ExitInterrupted:
					t.Errorf("exit %d after %v, want %d; stderr: %s", code, sig, cli.ExitInterrupted, stderr.String())
				}
				old, nu := sameTree(t, dest, oldTree), sameTree(t, dest, newTree)
				if !old && !nu {
					t.Fatal("the destination is neither the old build nor the new one")
				}
				if sig != syscall.SIGKILL && code == cli.ExitInterrupted {
					if _, err := os.Stat(publish.Staging(dest)); !errors.Is(err, os.ErrNotExist) {
						t.Error("an interrupted build left its staging folder")
					}
				}
				// The next build cleans up and publishes.
				if code, _, stderr := run("build", "-source", src, "-destination", dest); code != 0 {
					t.Fatalf("the build after the interruption failed: %s", stderr)
				}
				if !sameTree(t, dest, newTree) {
					t.Error("the build after the interruption did not publish the new tree")
				}
				if _, err := os.Stat(publish.Staging(dest)); !errors.Is(err, os.ErrNotExist) {
					t.Error("the staging folder is still there after a good build")
				}
			})
		}
	}
}

func guide(src, dest string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "build", "-source", src, "-destination", dest)
	cmd.Env = append(os.Environ(), "GUIDE_CLI_MAIN=1")
	return cmd
}

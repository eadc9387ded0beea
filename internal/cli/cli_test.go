package cli_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

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
	os.Exit(sitetest.RunWithTempUserCache(m))
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

// Ctrl-C while render is under way (it has begun rendering the pages)
// stops Hugo after the pages under way, exits 130, leaves no staging
// folder and leaves the previous destination byte for byte as it was.
func TestInterruptMidBuild(t *testing.T) {
	dest, before := goodBuild(t)
	// Enough pages that the build is still running when the signal lands.
	const pages = 400
	src := sitetest.Synthetic(t, pages)
	rendering := probePages(t, src)
	cmd := guide(src, dest)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-rendering.began:
	case <-time.After(60 * time.Second):
		t.Fatalf("the build never began rendering its pages; stderr:\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != cli.ExitInterrupted {
		t.Fatalf("exit %d after Ctrl-C mid-build, want %d; stderr:\n%s", code, cli.ExitInterrupted, stderr.String())
	}
	// The pages under way when the signal landed may finish: Hugo has a
	// few workers per core.
	n := rendering.pages.Load()
	t.Logf("Hugo began %d of more than %d pages", n, pages)
	if n >= pages/2 {
		t.Errorf("Hugo began %d of more than %d pages, Ctrl-C landing as the first began: render did not stop", n, pages)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say the build was interrupted:\n%s", stderr.String())
	}
	if !sameTree(t, dest, before) {
		t.Error("the previous destination changed")
	}
	if _, err := os.Stat(publish.Staging(dest)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the interrupted build left its staging folder")
	}
}

// pageProbe counts the pages builds of a site begin to render, seen from
// outside the building process and whatever it writes where.
type pageProbe struct {
	pages atomic.Int64
	began chan struct{} // closed when the first page begins
}

// A content error stops render: the content check runs alongside it, and
// its error (here in the last of 400 pages) ends the build before Hugo
// has begun most pages. The error is the check's, at its line.
func TestContentErrorStopsRender(t *testing.T) {
	const pages = 400
	src := sitetest.Synthetic(t, pages)
	rendering := probePages(t, src)
	sitetest.Edit(t, src, fmt.Sprintf("content/bench/page-%d.md", pages-1), `phone "emergency"`, `phone "fire"`)
	dest := filepath.Join(t.TempDir(), "public")
	code, _, stderr := run("build", "-source", src, "-destination", dest)
	if code != 1 || !strings.Contains(stderr, fmt.Sprintf(`content/bench/page-%d.md:`, pages-1)) || !strings.Contains(stderr, `names "fire"`) {
		t.Fatalf("exit %d, want 1 and the check's error about the phone shortcode; stderr:\n%s", code, stderr)
	}
	n := rendering.pages.Load()
	t.Logf("Hugo began %d of more than %d pages", n, pages)
	if n >= pages/2 {
		t.Errorf("Hugo began %d of more than %d pages after the content check failed: render did not stop", n, pages)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a build with a content error wrote %s", dest)
	}
}

// probePages makes each regular page of the site in src fetch an address
// of its own from a server of the test's as its layout begins (Hugo's
// resources.GetRemote; the address is new in every build, so that Hugo's
// cache never answers in the server's place), and returns the count. The
// pages' output stays as it was.
func probePages(t *testing.T, src string) *pageProbe {
	t.Helper()
	p := &pageProbe{began: make(chan struct{})}
	var first sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.pages.Add(1)
		first.Do(func() { close(p.began) })
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "rendering\n")
	}))
	t.Cleanup(srv.Close)
	// Hugo's security policy lets templates fetch from no address of
	// this machine unless the site allows it.
	config, err := os.OpenFile(filepath.Join(src, "hugo.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer config.Close()
	if _, err := fmt.Fprintf(config, "\n[security.http]\nurls = ['^%s/']\n", srv.URL); err != nil {
		t.Fatal(err)
	}
	sitetest.Edit(t, src, "layouts/page.html", `{{ define "main" }}`,
		`{{ define "main" }}{{ with resources.GetRemote (printf "`+srv.URL+`/%s?%d" .File.ContentBaseName now.UnixNano) }}{{ end }}`)
	return p
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

var update = flag.Bool("update", false, "rewrite the want files in testdata/build-errors/*.txtar from what guide build prints")

// Every kind of bad input fails with a message naming the file (and line,
// where there is one) and leaves the previous build exactly as it was.
// Each case is testdata/build-errors/NAME.txtar: files written over a copy
// of the real site, a comment whose first line says what is wrong, and a
// "want" file with the error lines guide build prints (warnings aside),
// with the site's folder written $SRC and a spare folder $TMP. Lines of
// the comment may change the site or the command line:
//
//	remove: PATH          delete a file of the site
//	empty: PATH           replace a folder of the site with an empty one
//	unreadable: PATH      make a file of the site a link to nothing
//	edit: PATH "OLD" "NEW"  replace the Go-quoted OLD with NEW in a file
//	file: PATH            create an empty file
//	args: ARGS...         add arguments to guide build
func TestBadInputKeepsDestination(t *testing.T) {
	sitetest.Fixtures(t, filepath.Join("testdata", "build-errors", "*.txtar"), *update, func(t *testing.T, comment []byte, files *txtar.Archive) string {
		dest, before := goodBuild(t)
		src := sitetest.Site(t, string(txtar.Format(files)))
		tmp := t.TempDir()
		args := []string{"build", "-source", src, "-destination", dest}
		expand := func(s string) string { return strings.NewReplacer("$SRC", src, "$TMP", tmp).Replace(s) }
		for _, line := range strings.Split(string(comment), "\n")[1:] {
			verb, arg, ok := strings.Cut(line, ": ")
			if !ok {
				continue
			}
			p := filepath.Join(src, filepath.FromSlash(arg))
			switch verb {
			case "remove":
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			case "empty":
				os.RemoveAll(p)
				os.Mkdir(p, 0o755)
			case "unreadable":
				unreadable(t, p)
			case "edit":
				name, rest, _ := strings.Cut(arg, " ")
				old, rest := unquote(t, rest)
				nu, _ := unquote(t, rest)
				sitetest.Edit(t, src, name, old, nu)
			case "file":
				os.WriteFile(expand(arg), nil, 0o644)
			case "args":
				for _, f := range strings.Fields(arg) {
					args = append(args, expand(f))
				}
			default:
				t.Fatalf("unknown line %q", line)
			}
		}
		code, stdout, stderr := run(args...)
		if code != cli.ExitFailed {
			t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, cli.ExitFailed, stdout, stderr)
		}
		var got strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
			if strings.HasPrefix(line, "WARN") || strings.Contains(line, ": warning: ") {
				continue
			}
			if strings.Contains(line, "goroutine ") || strings.Contains(line, "panic") || strings.Contains(line, "logged ") {
				t.Errorf("not a clear message: %s", line)
			}
			got.WriteString(strings.NewReplacer(src, "$SRC", filepath.Dir(src), "$SRC/..", tmp, "$TMP").Replace(line) + "\n")
		}
		if !sameTree(t, dest, before) {
			t.Error("the previous destination changed")
		}
		if _, err := os.Stat(publish.Staging(dest)); !errors.Is(err, os.ErrNotExist) {
			t.Error("a staging folder was left behind")
		}
		return got.String()
	})
}

// unquote reads one Go-quoted string from the start of s and returns it
// and the rest of s.
func unquote(t *testing.T, s string) (string, string) {
	t.Helper()
	s = strings.TrimSpace(s)
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		t.Fatalf("want a quoted string at %q: %v", s, err)
	}
	u, _ := strconv.Unquote(q)
	return u, s[len(q):]
}

// unreadable makes the file at p a link to nothing, which no one can read
// (root reads a file whatever its mode).
func unreadable(t *testing.T, p string) {
	t.Helper()
	os.Remove(p)
	if err := os.Symlink(p+".nowhere", p); err != nil {
		t.Fatal(err)
	}
}

// A build killed at any moment leaves the old tree or the new one, never a
// mix; the next build cleans up what the killed one left.
func TestInterruptedBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	dest, oldTree := goodBuild(t)
	src := sitetest.Site(t, "-- content/news.md --\n---\ntitle: Why it matters\ndescription: Using the right number keeps 911 free.\nweight: 60\nlastVerified: 2026-11-25\n---\n\nThe right number helps everyone. New text.\n")
	rendering := probePages(t, src)
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
				pagesBefore := rendering.pages.Load()
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(at)
				rendered := rendering.pages.Load() > pagesBefore
				cmd.Process.Signal(sig)
				err := cmd.Wait()
				code := cmd.ProcessState.ExitCode()
				switch {
				case err == nil:
					// Finished before the signal.
				case sig == syscall.SIGKILL:
				case code != cli.ExitInterrupted && !cmd.ProcessState.Exited():
					// Killed by the signal. That is right only before the
					// process installed its handler, which it does before
					// the build begins: a signal sent once Hugo had begun
					// rendering pages, or a staging folder left behind,
					// means the handler was missing.
					_, staged := os.Stat(publish.Staging(dest))
					if rendered || staged == nil {
						t.Errorf("killed by %v while building (%v): the signal was not handled", sig, cmd.ProcessState)
					}
				case code != cli.ExitInterrupted:
					t.Errorf("exit %d (%v) after %v, want %d; stderr: %s", code, cmd.ProcessState, sig, cli.ExitInterrupted, stderr.String())
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

package preview_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/sitetest"
)

// TestInterruptStopsCleanly runs `guide serve` as its own process, with a
// page open on the event stream, and presses Ctrl-C.
func TestInterruptStopsCleanly(t *testing.T) {
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "serve", "-port", "0", "-source", sitetest.CopySite(t))
	cmd.Env = append(os.Environ(), "GUIDE_SERVE_MAIN=1", "TMPDIR="+tmp)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addr := regexp.MustCompile(`^Serving the guide at (http://127\.0\.0\.1:\d+)/ `)
	var url string
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("guide serve ended before serving; stderr:\n%s", stderr.String())
			}
			if m := addr.FindStringSubmatch(l); m != nil {
				url = m[1]
			}
		case <-time.After(10 * time.Second):
			t.Fatal("guide serve did not start within 10 s")
		}
	}
	if r := get(t, url+"/about.html"); r.status != 200 {
		t.Fatalf("GET /about.html: %d", r.status)
	}
	ev := listen(t, url)
	ev.waitFor(t, "hello", 2*time.Second)
	if dirs, _ := filepath.Glob(filepath.Join(tmp, "guide-serve-*")); len(dirs) != 1 {
		t.Fatalf("want one build folder while serving, found %v", dirs)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		for range lines { // drain, so the process never blocks on stdout
		}
		exited <- cmd.Wait()
	}()
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("exit %d after Ctrl-C, want 0; stderr:\n%s", ee.ExitCode(), stderr.String())
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("guide serve did not stop within 5 s of Ctrl-C")
	}
	// The open event stream was closed, not left hanging.
	deadline := time.After(2 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-ev.events:
		case <-deadline:
			t.Fatal("the event stream stayed open after the server stopped")
		}
	}
	if dirs, _ := filepath.Glob(filepath.Join(tmp, "guide-serve-*")); len(dirs) != 0 {
		t.Errorf("build folders left after Ctrl-C: %v", dirs)
	}
}

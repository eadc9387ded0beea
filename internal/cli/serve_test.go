package cli_test

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/cli"
	"github.com/okcguide/guide/internal/sitetest"
)

func TestPortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port

	code, out, errb := run("serve", "-source", sitetest.CopySite(t), "-port", fmt.Sprint(port))
	if code != cli.ExitFailed {
		t.Errorf("exit %d, want %d", code, cli.ExitFailed)
	}
	m := regexp.MustCompile(`^guide serve: port (\d+) is in use; try -port (\d+)\n$`).FindStringSubmatch(errb)
	if m == nil || m[1] != fmt.Sprint(port) {
		t.Fatalf("stderr %q, want one line: guide serve: port %d is in use; try -port N", errb, port)
	}
	// The port it suggests was free.
	if l, err := net.Listen("tcp", "127.0.0.1:"+m[2]); err != nil {
		t.Errorf("the suggested port %s is not free: %v", m[2], err)
	} else {
		l.Close()
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
}

func TestServeUsageAndMissingSite(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"serve", "-port", "70000"}, cli.ExitUsage, "not a port number"},
		{[]string{"serve", "extra"}, cli.ExitUsage, `unexpected argument "extra"`},
		{[]string{"serve", "-nope"}, cli.ExitUsage, "-nope"},
		{[]string{"serve", "-port", "0", "-source", t.TempDir()}, cli.ExitFailed, "hugo.toml: missing"},
	} {
		if code, _, errb := run(c.args...); code != c.code || !strings.Contains(errb, c.msg) {
			t.Errorf("guide %q: exit %d, stderr %q; want exit %d and %q", c.args, code, errb, c.code, c.msg)
		}
	}
}

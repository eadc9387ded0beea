package settings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/settings"
)

// TestCheckBaseURL checks each address in testdata/base-url/urls.txtar's bad
// file and compares what CheckBaseURL says with its want file; run with
// -update to rewrite it. Addresses in the good file must be accepted.
func TestCheckBaseURL(t *testing.T) {
	file := filepath.Join("testdata", "base-url", "urls.txtar")
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	var want string
	for i, f := range a.Files {
		switch f.Name {
		case "good":
			for _, u := range strings.Fields(string(f.Data)) {
				if err := settings.CheckBaseURL(u); err != nil {
					t.Errorf("%s is a good base URL, but: %v", u, err)
				}
			}
		case "bad":
			for _, u := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				err := settings.CheckBaseURL(u)
				if err == nil {
					t.Errorf("%q is accepted", u)
					continue
				}
				fmt.Fprintf(&got, "%s\n", err)
			}
		case "want":
			want = string(f.Data)
			if *update {
				a.Files[i].Data = []byte(got.String())
			}
		}
	}
	if *update {
		if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got.String() != want {
		t.Errorf("%s: the errors differ from want (run with -update after a deliberate change)\n got:\n%s\nwant:\n%s", file, got.String(), want)
	}
}

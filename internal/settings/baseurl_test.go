package settings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
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

// TestBaseURLInConfig: baseURL in hugo.toml is checked as CheckBaseURL
// checks an address, and a bad one is an error at its line; a good one is
// the site's BaseURL, "/" means none is known, and the -base-url option
// (Options.BaseURL) wins over hugo.toml's, for the guide and for Hugo
// alike, checked before anything is read. (What CheckBaseURL says about each address is TestCheckBaseURL's.)
func TestBaseURLInConfig(t *testing.T) {
	const real = `baseURL = "/"`
	line := sitetest.LineOf(t, settings.File, real)
	inConfig := func(u string) string {
		return fmt.Sprintf(`hugo.toml:%d: config: baseURL %v; or "/" when the guide's address is not known`, line, settings.CheckBaseURL(u))
	}
	for _, tc := range []struct{ config, option, want string }{
		{real, "", `BaseURL "", Hugo's "/"`},
		{`baseURL = "https://example.org/guide/"`, "", `BaseURL "https://example.org/guide/", Hugo's "https://example.org/guide/"`},
		{`baseURL = "https://example.org/guide/"`, "https://example.net/okc/", `BaseURL "https://example.net/okc/", Hugo's "https://example.net/okc/"`},
		{`baseURL = "https://example.org/guide"`, "https://example.net/okc/", `BaseURL "https://example.net/okc/", Hugo's "https://example.net/okc/"`},
		{real, "https://example.net/okc/", `BaseURL "https://example.net/okc/", Hugo's "https://example.net/okc/"`},
		{`baseURL = "https://example.org/guide"`, "", inConfig("https://example.org/guide")},
		{`baseURL = "example.org/guide/"`, "", inConfig("example.org/guide/")},
		{real, "https://example.net/okc", fmt.Sprintf("-base-url: %v", settings.CheckBaseURL("https://example.net/okc"))},
	} {
		t.Run(tc.config+" "+tc.option, func(t *testing.T) {
			src := sitetest.CopySite(t)
			sitetest.Edit(t, src, settings.File, real, tc.config)
			site, err := settings.Load(settings.Options{Source: src, BaseURL: tc.option})
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = fmt.Sprintf("BaseURL %q, Hugo's %q", site.BaseURL, site.Hugo.Base.BaseURL)
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

package cli_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/cli"
	"github.com/okcguide/guide/internal/publish"
	"github.com/okcguide/guide/internal/sitetest"
)

func TestCheckRealSite(t *testing.T) {
	code, stdout, stderr := run("check", "-source", sitetest.CopySite(t))
	if code != cli.ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line != "" && !strings.Contains(line, ": warning: ") {
			t.Errorf("not a warning: %s", line)
		}
	}
	if !strings.Contains(stderr, " pages: 0 errors, ") {
		t.Errorf("stderr: %q, want a count with 0 errors", stderr)
	}
}

// A bad page: every problem on its own line, sorted, warnings included;
// exit 1.
func TestCheckReportsProblems(t *testing.T) {
	src := sitetest.Site(t, `-- content/community.md --
---
title: "Community programs"
description: "Talks and events."
---

# Community

Call (405) 297-1212 or [click here](nowhere.md).
`)
	code, stdout, stderr := run("check", "-source", src)
	if code != cli.ExitFailed {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", code, stderr)
	}
	want := `content/community.md:6:1: headings: more than one top heading: the title is the page's h1; start headings in the text at ##
content/community.md:8:6: phone-text: "(405) 297-1212" is typed as plain text: write {{< phone "nonEmergency" >}} so people can tap to call
content/community.md:8:24: link-text: the link text "click here" does not say where the link goes: use words like "how to report online"
`
	// Only the page's own lines: the real site may have warnings.
	got := ""
	for _, line := range strings.SplitAfter(stdout, "\n") {
		if strings.HasPrefix(line, "content/community.md:") {
			got += line
		}
	}
	if got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	if !strings.Contains(stderr, " pages: 3 errors, ") {
		t.Errorf("stderr: %q", stderr)
	}
}

func TestCheckUsage(t *testing.T) {
	for _, args := range [][]string{{"check", "extra"}, {"check", "-nope"}} {
		if code, _, _ := run(args...); code != cli.ExitUsage {
			t.Errorf("guide %q: exit %d, want %d", args, code, cli.ExitUsage)
		}
	}
	if code, _, stderr := run("check", "-h"); code != cli.ExitOK || !strings.Contains(stderr, "-source") {
		t.Errorf("guide check -h: exit %d, stderr %q", code, stderr)
	}
	// As guide build does, the first thing missing is named.
	if code, _, stderr := run("check", "-source", t.TempDir()); code != cli.ExitFailed || !strings.Contains(stderr, "hugo.toml: missing") {
		t.Errorf("guide check on an empty folder: exit %d, stderr %q", code, stderr)
	}
}

// guide build runs the linter first: an error stops the build before
// anything is written, and the last good build stays as it was.
func TestBuildStopsOnLintError(t *testing.T) {
	dest, before := goodBuild(t)
	src := sitetest.Site(t, `-- content/why-it-matters.md --
---
title: "Why it matters"
description: "Using the right number keeps 911 free for emergencies."
lastVerified: 2026-11-25
---

Call <b>405-297-1212</b> for small matters.
`)
	code, stdout, stderr := run("build", "-source", src, "-destination", dest)
	if code != cli.ExitFailed {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{
		"content/why-it-matters.md:7:6: raw-html: ",
		"content/why-it-matters.md:7:9: phone-text: ",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not have %q:\n%s", want, stderr)
		}
	}
	if !sameTree(t, dest, before) {
		t.Error("the destination changed")
	}
	if _, err := os.Stat(publish.Staging(dest)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a build the linter stopped left a staging folder")
	}
}

// Warnings do not stop a build; they are printed with the build's log.
func TestBuildPrintsLintWarnings(t *testing.T) {
	src := sitetest.Site(t, `-- content/news.md --
---
title: "Why it matters"
description: "Using the right number keeps 911 free for emergencies."
lastVerified: 2020-01-01
---

The right number helps everyone.
`)
	dest := t.TempDir() + "/public"
	code, _, stderr := run("build", "-source", src, "-destination", dest)
	if code != cli.ExitOK {
		t.Fatalf("exit %d, want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "content/news.md:4:1: stale: warning: lastVerified is 2020-01-01") {
		t.Errorf("no stale warning in stderr:\n%s", stderr)
	}
}

// A Spanish page missing a heading of its English twin fails guide check,
// at the Spanish file and the line where the two part.
func TestCheckTranslationMissingAHeading(t *testing.T) {
	src := sitetest.CopySite(t)
	sitetest.Edit(t, src, "content/about.es.md", "## De dónde vienen los datos\n", "")
	code, stdout, stderr := run("check", "-source", src)
	if code != cli.ExitFailed {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(src, "content", "about.es.md"))
	if err != nil {
		t.Fatal(err)
	}
	next := 1 + strings.Count(string(data[:strings.Index(string(data), "## Este no es el sitio web de la policía")]), "\n")
	want := fmt.Sprintf(`content/about.es.md:%d: translation: missing a heading before this heading: content/about.md has "Where the facts come from"`, next)
	if !strings.Contains(stdout, want) {
		t.Errorf("stdout does not say %q:\n%s", want, stdout)
	}
}

// Links to pages are checked on Hugo's model once the page is otherwise
// clean: guide check renders the site, and Hugo's link render hook names
// the link that leads nowhere.
func TestCheckLinkToAMissingPage(t *testing.T) {
	src := sitetest.Site(t, `-- content/community.md --
---
title: "Community programs"
description: "Talks and events."
---

Read [the rules](nowhere.md).
`)
	code, stdout, stderr := run("check", "-source", src)
	if code != cli.ExitFailed {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	want := `content/community.md:6:6: the link "nowhere.md" points to a page that does not exist`
	if !strings.Contains(stdout, want) {
		t.Errorf("stdout does not say %q:\n%s", want, stdout)
	}
}

// guide check keeps the safeguards guide build has: a missing file every
// page needs is named, before Hugo would fail on it somewhere deeper.
func TestCheckNamesAMissingAsset(t *testing.T) {
	src := sitetest.CopySite(t)
	if err := os.Remove(filepath.Join(src, "assets", "js", "install.js")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run("check", "-source", src)
	if code != cli.ExitFailed || !strings.HasPrefix(stderr, "assets/js/install.js: missing") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

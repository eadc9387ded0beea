package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/lint"
	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/structure"
)

// check runs the content linter and prints each problem as
// "path:line:col: rule: message" on stdout, errors and warnings sorted
// together, then a one-line count on stderr. It exits 1 when there is an
// error, 0 when there are only warnings or nothing.
func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guide check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "the guide's source `folder` (with hugo.toml, content/, layouts/, data/)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: guide check [-source folder]")
		fmt.Fprintln(stderr, "\nChecks every page in content/: phone numbers, headings, links, raw HTML,\nfront matter, reading grade and the last-verified dates; then renders the\nsite and checks that each page has a title and a description, that each\ntranslation keeps its page's shape, and that each #link names a heading.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	src, err := filepath.Abs(*source)
	if err != nil {
		report(stderr, err)
		return ExitFailed
	}
	// The rules on Hugo's model of the site need a render, into a
	// temporary folder.
	tmp, err := os.MkdirTemp("", "guide-check-")
	if err != nil {
		report(stderr, err)
		return ExitFailed
	}
	defer os.RemoveAll(tmp)
	cfg, err := settings.Load(settings.Options{Source: src, PublishDir: tmp})
	if err != nil {
		report(stderr, err)
		return ExitFailed
	}
	res, err := lint.Run(lint.Options{Site: cfg})
	if err != nil {
		report(stderr, err)
		return ExitFailed
	}
	if len(res.Errors) == 0 {
		// One that fails reports why, as a build would.
		if errs := checkStructure(cfg); len(errs) > 0 {
			res.Errors = append(res.Errors, errs...)
		}
	}
	all := append(append(diag.List{}, res.Errors...), res.Warnings...)
	all.Sort()
	for _, e := range all {
		fmt.Fprintln(stdout, e.Error())
	}
	fmt.Fprintf(stderr, "checked %d pages: %s, %s\n", res.Pages, count(len(res.Errors), "error"), count(len(res.Warnings), "warning"))
	if len(res.Errors) > 0 {
		return ExitFailed
	}
	return ExitOK
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// checkStructure renders the site into its PublishDir and runs the rules
// on Hugo's model of it (structure.Check).
func checkStructure(cfg *settings.Site) diag.List {
	site, err := render.Render(context.Background(), cfg, nil)
	if err != nil {
		return diag.AsList(err)
	}
	return structure.Check(site.Hugo, cfg.Source)
}

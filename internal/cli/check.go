package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/pipeline"
)

// check runs the content check (pipeline.Check) and prints each problem as
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
	ctx, stop := interruptible()
	defer stop()
	res, err := pipeline.Check(ctx, *source, stderr)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "guide check: interrupted")
		return ExitInterrupted
	}
	if err != nil {
		report(stderr, err)
		return ExitFailed
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

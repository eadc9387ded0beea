// Package cli is the guide command's front end: it parses the command line,
// runs the pipeline, prints problems one per line as path:line:col: message,
// and maps the outcome to an exit code.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/pipeline"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

const usage = `usage: guide <command> [flags]

Commands:
  build   check the content, then render the guide into a folder (default public/)
  check   check the content without building: phone numbers, headings, links,
          plain words, front matter and translations (renders in a temporary folder)
  serve   live preview on localhost; rebuilds and reloads on every save
  version print the guide's version and the Hugo version it embeds

Run "guide <command> -h" for a command's flags.
`

// Main runs the guide command with args (without the program name).
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "build":
		return build(args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, Version())
		return ExitOK
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	default:
		fmt.Fprintf(stderr, "guide: unknown command %q\n%s", args[0], usage)
		return ExitUsage
	}
}

func build(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guide build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "the guide's source `folder` (with hugo.toml, content/, layouts/, assets/)")
	dest := fs.String("destination", "public", "the output `folder`; replaced in one step when the build succeeds")
	timings := fs.Bool("timings", false, "also print how long each stage took")
	baseURL := fs.String("base-url", "", "the guide's public `address`, like https://example.org/okc/guide/ (default: baseURL in hugo.toml);\nit adds canonical and hreflang links, sitemaps, the link preview image and the QR code of the flyer and print card")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	// The pipeline's settings check -base-url before any work.
	ctx, stop := interruptible()
	defer stop()
	sum, err := pipeline.Build(ctx, pipeline.Options{Source: *source, Dest: *dest, Log: stderr, BaseURL: *baseURL})
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "guide build: interrupted; the destination was left as it was")
		return ExitInterrupted
	}
	if err != nil {
		report(stderr, err)
		return ExitFailed
	}
	fmt.Fprintln(stdout, sum)
	if *timings {
		for _, st := range sum.Stages {
			fmt.Fprintf(stdout, "  %-9s %v\n", st.Name, st.Took.Round(time.Millisecond))
		}
	}
	return ExitOK
}

// parseFlags parses a command's flags. ok is false when the command should
// stop now, with code: -h asked for help (0), or the flags or arguments
// are wrong (2). The flag set reports to its own output.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return ExitUsage, false
	}
	return 0, true
}

// report prints each problem on its own line.
func report(w io.Writer, err error) {
	for _, e := range diag.AsList(err) {
		fmt.Fprintln(w, e.Error())
	}
}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM.
// The build then stops after the stage under way, removes its staging
// folder and exits with 130, leaving the destination as it was. A second
// signal ends the process at once.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
			signal.Stop(ch)
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel()
	}
}

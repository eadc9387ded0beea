package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/okcguide/guide/internal/diag"
	"github.com/okcguide/guide/internal/preview"
)

// serve runs `guide serve`: a live preview on 127.0.0.1 that rebuilds on
// every save and reloads open pages. It runs until Ctrl-C (exit 0); a port
// that is taken or a missing site is exit 1. Build problems while serving
// are printed but do not stop it.
func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guide serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "the guide's source `folder` (with hugo.toml, content/, layouts/, assets/)")
	port := fs.Int("port", 1313, "the `port` to serve on, on 127.0.0.1 (0 picks a free one)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if err := preview.CheckPort(*port); err != nil {
		fmt.Fprintf(stderr, "guide serve: -%v\n", err)
		return ExitUsage
	}
	ctx, stop := interruptible()
	defer stop()
	ln, err := preview.Listen(*port)
	if err != nil {
		fmt.Fprintf(stderr, "guide serve: %v\n", err)
		return ExitFailed
	}
	if err := preview.Run(ctx, ln, preview.Options{Source: *source, Stdout: stdout, Stderr: stderr}); err != nil {
		for _, e := range diag.AsList(err) {
			fmt.Fprintf(stderr, "guide serve: %s\n", e.Error())
		}
		return ExitFailed
	}
	fmt.Fprintln(stdout, "Stopped.")
	return ExitOK
}

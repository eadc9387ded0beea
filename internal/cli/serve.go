package cli

import (
	"fmt"
	"io"
)

func serve(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "guide serve: not built yet")
	return ExitUsage
}

package cli

import (
	"fmt"
	"io"
)

func check(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "guide check: not built yet")
	return ExitUsage
}

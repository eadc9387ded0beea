// Command guide builds the Oklahoma City Police non-emergency guide: a
// small, installable, offline-first website made from the markdown in
// content/.
//
// Usage:
//
//	guide build [-source DIR] [-destination DIR] [-base-url URL] [-timings]
//	guide check [-source DIR]
//	guide serve [-source DIR] [-port 1313]
//	guide version
//
// Exit codes: 0 ok, 1 content or build error, 2 usage error, 130
// interrupted.
package main

import (
	"os"

	"github.com/okcguide/guide/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}

package verify_test

import (
	"os"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/verify"
)

const testBase = "https://example.org/okc/guide/"

// TestBaseAddresses: canonical and hreflang links, og:url and og:image
// must be absolute, under the build's base URL, and name a built file;
// a build without a base URL must have none of them.
func TestBaseAddresses(t *testing.T) {
	goodHead := `<link rel=canonical href=https://example.org/okc/guide/about.html><link rel=alternate hreflang=es href=https://example.org/okc/guide/es/><meta property=og:url content=https://example.org/okc/guide/about.html><meta property=og:image content=https://example.org/okc/guide/og/en.png>`
	withImage := good + "-- og/en.png --\nPNG\n"
	t.Run("good", func(t *testing.T) {
		dir := tree(t, withImage+"-- page.html --\n%HEAD%"+goodHead+"<h1>x</h1>\n")
		if _, err := verify.Check(os.DirFS(dir), nil, budgets, testBase); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct{ name, base, head, want string }{
		{"relative hreflang", "", `<link rel=alternate hreflang=es href=es/index.html>`, "must be absolute"},
		{"relative canonical", testBase, `<link rel=canonical href=about.html>`, "must be absolute"},
		{"canonical without a base", "", `<link rel=canonical href=https://example.org/okc/guide/about.html>`, "has no base URL"},
		{"canonical elsewhere", testBase, `<link rel=canonical href=https://example.org/other/about.html>`, "not under the base URL"},
		{"hreflang to a missing page", testBase, `<link rel=alternate hreflang=es href=https://example.org/okc/guide/es/nope.html>`, "es/nope.html does not exist"},
		{"og:image missing", testBase, `<meta property=og:image content=https://example.org/okc/guide/og/es.png>`, "og/es.png does not exist"},
		{"og:image without a base", "", `<meta property=og:image content=https://example.org/okc/guide/og/en.png>`, "has no base URL"},
		{"og:url elsewhere", testBase, `<meta property=og:url content=https://example.com/okc/guide/about.html>`, "not under the base URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tree(t, withImage+"-- bad.html --\n%HEAD%"+tc.head+"<h1>x</h1>\n")
			_, err := verify.Check(os.DirFS(dir), nil, budgets, tc.base)
			if err == nil || !strings.Contains(err.Error(), "bad.html") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error on bad.html containing %q, got %v", tc.want, err)
			}
		})
	}
}

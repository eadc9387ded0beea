package render_test

import (
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/sitetest"
)

// A template error on every page of a large site makes Hugo stop its
// build after ten errors, and Hugo v0.165.0 then sometimes waits forever.
// Every render still ends, with the error at its place in the template
// (without Render's restart, about one in seven would hang here and the
// test's timeout would catch it).
func TestErrorOnEveryPageEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a 1,000-page site ten times")
	}
	src := sitetest.Synthetic(t, 1000)
	sitetest.Edit(t, src, "layouts/page.html", `{{ define "main" }}`, `{{ define "main" }}{{ .NoSuchField }}`)
	for range 10 {
		_, err := renderSite(t, src, "")
		if err == nil || !strings.HasPrefix(err.Error(), "layouts/page.html:") {
			t.Fatalf("want an error in layouts/page.html, got %v", err)
		}
	}
}

package render_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/settings"
	"github.com/okcguide/guide/internal/sitetest"
)

// brokenSite is a 1,000-page site with a template error on every page:
// Hugo stops its build after ten errors, and Hugo v0.165.0 then sometimes
// waits forever. With one thread running Go code, it does so in about two
// builds out of five.
func brokenSite(t *testing.T) string {
	if testing.Short() {
		t.Skip("renders a broken 1,000-page site many times")
	}
	src := sitetest.Synthetic(t, 1000)
	sitetest.Edit(t, src, "layouts/page.html", `{{ define "main" }}`, `{{ define "main" }}{{ .NoSuchField }}`)
	return src
}

func wantTemplateError(t *testing.T, threads int, err error) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), "layouts/page.html:") {
		t.Fatalf("with GOMAXPROCS=%d: want an error in layouts/page.html, got %v", threads, err)
	}
}

// Every render of the broken site ends, with the error at its place in
// the template.
func TestErrorOnEveryPageEnds(t *testing.T) {
	src := brokenSite(t)
	for _, threads := range []int{runtime.GOMAXPROCS(0), runtime.GOMAXPROCS(0), runtime.GOMAXPROCS(0), 1, 1, 1} {
		old := runtime.GOMAXPROCS(threads)
		_, err := renderSite(t, src, "")
		runtime.GOMAXPROCS(old)
		wantTemplateError(t, threads, err)
	}
}

// The build Render starts after one that did not finish never waits: with
// a worker for every page, the queue of pages never fills. (With Hugo's
// usual workers, one per CPU, about four of these ten builds would not
// finish.)
func TestSecondBuildFinishes(t *testing.T) {
	src := brokenSite(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for range 10 {
		cfg, err := settings.Load(settings.Options{Source: src, PublishDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		err = render.SecondBuild(cfg)
		if errors.Is(err, render.ErrStuck) {
			t.Fatal("the second build did not finish")
		}
		wantTemplateError(t, 1, err)
	}
}

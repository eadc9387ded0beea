package render_test

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

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

func wantTemplateError(t *testing.T, err error) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), "layouts/page.html:") {
		t.Fatalf("want an error in layouts/page.html, got %v", err)
	}
}

// load reads the settings of the site in src.
func load(t *testing.T, src string) *settings.Site {
	t.Helper()
	cfg, err := settings.Load(settings.Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// wantSecondBuildEnds runs Render's second build of the site in src and
// wants it to end, with the template's error.
func wantSecondBuildEnds(t *testing.T, src string) {
	t.Helper()
	stuck, err := render.SecondBuild(load(t, src))
	if stuck {
		t.Fatal("the second build was taken for a stuck one")
	}
	wantTemplateError(t, err)
}

// Every render of the broken site ends, with the error at its place in
// the template, including renders whose first build Hugo left waiting
// (the test goes on until it has seen two of those).
func TestErrorOnEveryPageEnds(t *testing.T) {
	src := brokenSite(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const again = "did not finish; building again"
	restarts := 0
	const most = 30
	for run := 0; run < most && restarts < 2; run++ {
		var log bytes.Buffer
		_, err := render.Render(context.Background(), load(t, src), &log)
		wantTemplateError(t, err)
		restarts += strings.Count(log.String(), again)
	}
	if restarts < 2 {
		t.Fatalf("Hugo waited in %d of %d builds, where about two in five were expected; if Hugo no longer waits, Render's second build can go", restarts, most)
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
		wantSecondBuildEnds(t, src)
	}
}

// A second build that keeps writing pages after Hugo stopped it is not
// taken for a stuck one, however long it takes in all: each page written
// gives it its grace again. Here the grace is three seconds. Twenty
// pages are slow, each a little slower than the one before, so after Hugo
// stops the build (its last ten pages fail at once) they finish one by
// one for seconds, well under a second apart.
func TestSlowSecondBuildFinishes(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a slow 1,000-page site")
	}
	src := sitetest.Synthetic(t, 1000)
	sitetest.Edit(t, src, "layouts/page.html", `{{ define "main" }}`,
		`{{ define "main" }}{{ if ge .Weight 990 }}{{ .NoSuchField }}{{ else if lt .Weight 20 }}{{ range mul (add .Weight 1) `+step+` }}{{ end }}{{ end }}`)
	// A grace well above the time between two slow pages finishing (well
	// under a second), and well below the slow pages together after Hugo
	// stops the build (6 to 9 s, as fast as this machine runs that day).
	const grace = 3 * time.Second
	render.SetSecondGrace(t, grace)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	start := time.Now()
	wantSecondBuildEnds(t, src)
	took := time.Since(start)
	t.Logf("the second build took %v", took)
	// Hugo stops the build about two seconds in, here. Only a build that
	// goes on writing for longer than the grace after that shows that
	// each page gives the grace again: without that, it is taken for a
	// stuck one.
	if took < grace+2*time.Second {
		t.Errorf("the second build took %v, not clearly more than its grace of %v: the slow pages are too fast here to show that progress extends the grace; raise step", took, grace)
	}
}

// step is how many turns of an empty loop one step of the slow pages
// takes: about 30 to 45 ms here, on one thread. (At a quarter of that,
// the slow pages together took 1.5 s after the stop on a fast day, less
// than the grace, so the test failed its own check.)
const step = "1000000"

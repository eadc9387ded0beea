package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/browsertest"
	"github.com/okcguide/guide/internal/sitetest"
)

// precache lists the files the built sw.js keeps for offline use, as paths
// relative to the site's root.
func (s *site) precache(t *testing.T) []string {
	t.Helper()
	m := regexp.MustCompile(`PRECACHE\s*=\s*(\[.*?\]\])`).FindSubmatch(s.read(t, "sw.js"))
	if m == nil {
		t.Fatal("sw.js: no PRECACHE list")
	}
	var entries [][2]string
	if err := json.Unmarshal(m[1], &entries); err != nil {
		t.Fatalf("sw.js: PRECACHE: %v", err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e[0])
	}
	return out
}

// stylesheet is the path of the built, fingerprinted CSS.
func (s *site) stylesheet(t *testing.T) string {
	t.Helper()
	for _, p := range s.precache(t) {
		if strings.HasSuffix(p, ".css") {
			return p
		}
	}
	t.Fatal("no CSS in the precache list")
	return ""
}

// savedText is what the saved-copy status says now, and staleText what
// the notice of an old copy says.
const (
	savedText = `document.getElementById('saved').textContent`
	staleText = `document.getElementById('stale').textContent`
)

// expectSaved waits until the page says that the guide is saved for
// offline use, in the page's language.
func expectSaved(t *testing.T, ctx context.Context, s *site) {
	t.Helper()
	if err := until(ctx, 20*time.Second, `(() => { const e = document.getElementById('saved');
	  return !!e && e.textContent.startsWith(e.dataset.saved); })()`, savedText+` + '; ' + `+swState); err != nil {
		t.Fatalf("the saved status did not appear: %v", err)
	}
}

// TestPrecacheRetry: a file that fails once with 503 on a first visit is
// fetched again, and the guide is saved during that same visit.
func TestPrecacheRetry(t *testing.T) { inEachEngine(t, testPrecacheRetry) }

func testPrecacheRetry(t *testing.T) {
	s := newSite(t, "")
	css := s.stylesheet(t)
	s.fail(css, 503, 1)
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	expectSaved(t, ctx, s)
	if got := s.downloaded()[css]; got != 1 {
		t.Errorf("%s downloaded %d times, want 1 (after one 503)", css, got)
	}
	if left := s.failuresLeft(css); left != 0 {
		t.Errorf("the 503 for %s was never asked for", css)
	}
	s.offline(t, ctx)
	for _, p := range []string{"index.html", s.otherPage(t)} {
		if err := navigate(ctx, s.URL(p)); err != nil {
			t.Fatal(err)
		}
		if h1, _ := eval[string](ctx, `(document.querySelector('h1')||{}).textContent || ''`); collapse(h1) != s.h1(t, p) {
			t.Errorf("offline, %s has h1 %q, want %q", p, collapse(h1), s.h1(t, p))
		}
	}
}

// resumesInstall tells whether the engine kept what a failed install put
// in Cache Storage, so that the next install can download only the rest.
// WebKitGTK (2.50, in the session WebDriver gives it) empties those
// caches; every other engine keeps them, and a test fails there if not.
func resumesInstall(t *testing.T, ctx context.Context) bool {
	t.Helper()
	kept, err := eval[int](ctx, `caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))
	  .then((lists) => lists.reduce((n, l) => n + l.length, 0))`)
	if err != nil {
		t.Fatal(err)
	}
	return kept > 0 || engine(t) != browsertest.WebKit
}

// TestPrecacheNoRedownload: when an install fails on one file, the next
// install downloads only what the first did not get: no file twice.
func TestPrecacheNoRedownload(t *testing.T) { inEachEngine(t, testPrecacheNoRedownload) }

func testPrecacheNoRedownload(t *testing.T) {
	s := newSite(t, "")
	missing := "es/about.html"
	s.fail(missing, 404, 1)
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	// The install fails: nothing controls the page, and nothing is left
	// installing.
	for deadline := time.Now().Add(20 * time.Second); s.failuresLeft(missing) > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the service worker never asked for %s", missing)
		}
	}
	if err := until(ctx, 20*time.Second, installFailed, swState); err != nil {
		t.Fatalf("the first install did not fail: %v", err)
	}
	first := s.downloaded()
	if first[missing] != 0 {
		t.Fatalf("%s was downloaded while it failed", missing)
	}
	if !resumesInstall(t, ctx) {
		t.Skipf("webkit keeps none of the %d files a failed service worker install put in Cache Storage, so it cannot resume an install", len(first))
	}
	// The next visit installs again.
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	expectSaved(t, ctx, s)
	second := s.downloaded()
	for _, p := range s.precache(t) {
		if n := first[p] + second[p]; n != 1 {
			t.Errorf("%s downloaded %d times in all (%d, then %d), want once", p, n, first[p], second[p])
		}
	}
	if len(second) == 0 || len(second) >= len(first) {
		t.Errorf("the second install downloaded %d files, the first %d; want only the missing one again", len(second), len(first))
	}
}

// TestPrecacheWhenBackOnline: the signal drops during the first visit, so
// the install fails; when the connection comes back, the same page tries
// again, with no reload, and fetches only what it still lacks.
func TestPrecacheWhenBackOnline(t *testing.T) { inEachEngine(t, testPrecacheWhenBackOnline) }

func testPrecacheWhenBackOnline(t *testing.T) {
	s := newSite(t, "")
	missing := "about.html"
	s.fail(missing, 404, 1)
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := until(ctx, 20*time.Second, installFailed, swState); err != nil {
		t.Fatalf("the first install did not fail: %v", err)
	}
	first := s.downloaded()
	// The page must hear the signal come back ("online").
	skipUnsupported(t, goOffline(ctx))
	if err := goOnline(ctx); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatalf("back online, the page did not try again: %v", err)
	}
	expectSaved(t, ctx, s)
	second := s.downloaded()
	for _, p := range s.precache(t) {
		if n := first[p] + second[p]; n != 1 {
			t.Errorf("%s downloaded %d times in all (%d, then %d), want once", p, n, first[p], second[p])
		}
	}
}

// TestBrokenDeploy: a deploy that lacks a file it lists cannot install,
// and every page of the version already saved still works offline, whole.
func TestBrokenDeploy(t *testing.T) { inEachEngine(t, testBrokenDeploy) }

func testBrokenDeploy(t *testing.T) {
	s, ctx := savedV1(t)
	v1 := s.version(t)
	pages := s.pages(t)

	s.rebuild(t, marked(t, s.Src, "v2"))
	if err := os.Remove(filepath.Join(s.Dir, "about.html")); err != nil {
		t.Fatal(err)
	}
	state, err := eval[string](ctx, installEnds(true))
	if err != nil {
		t.Fatal(err)
	}
	if state != "redundant" {
		t.Fatalf("the broken deploy's worker is %s, want redundant (its install failed)", state)
	}

	s.offline(t, ctx)
	for _, p := range pages {
		if err := navigate(ctx, s.URL(p)); err != nil {
			t.Fatalf("offline: %v", err)
		}
		if h1, _ := eval[string](ctx, `(document.querySelector('h1')||{}).textContent || ''`); collapse(h1) == "" {
			t.Errorf("offline, %s has no h1", p)
		}
		if css, err := cssMarker(ctx, "--build"); err != nil || css != "v1" {
			t.Errorf("offline, %s has CSS from %q (%v), want v1", p, css, err)
		}
	}
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	expectVersion(t, ctx, "offline, home page", "v1")
	names, err := cacheNames(ctx)
	if err != nil || !slices.Contains(names, "guide:"+s.Base+":"+v1) {
		t.Errorf("caches = %q (%v); want v1's kept", names, err)
	}
}

// TestSavedStatus: once the guide is saved, a visible status says so in
// the page's language, with the date the device last made sure it has the
// newest version; offline, a copy not checked for longer than
// savedCopyMaxAgeDays says that numbers may have changed.
func TestSavedStatus(t *testing.T) { inEachEngine(t, testSavedStatus) }

func testSavedStatus(t *testing.T) {
	config, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "hugo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^savedCopyMaxAgeDays = \d+$`)
	if !re.Match(config) {
		t.Fatal("hugo.toml has no savedCopyMaxAgeDays line")
	}
	// With a limit of 0 days, every saved copy is too old once offline.
	s := newSite(t, "-- hugo.toml --\n"+string(re.ReplaceAll(config, []byte("savedCopyMaxAgeDays = 0"))))
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("es/index.html")); err != nil {
		t.Fatal(err)
	}
	if said, _ := eval[string](ctx, savedText); said != "" {
		t.Errorf("before the guide is saved, the status says %q", said)
	}
	expectSaved(t, ctx, s)
	said, _ := eval[string](ctx, savedText)
	today, _ := eval[string](ctx, `new Date().toLocaleDateString('es', { dateStyle: 'long' })`)
	if !strings.HasPrefix(said, "Guardada para usar sin conexión.") || !strings.HasSuffix(said, " el "+today+".") {
		t.Errorf("the Spanish status says %q, want it saved for offline use, with a date", said)
	}
	if role, _ := eval[string](ctx, `document.getElementById('saved').getAttribute('role')`); role != "status" {
		t.Errorf("#saved has role %q, want status", role)
	}
	if h, _ := eval[float64](ctx, `document.getElementById('saved').getBoundingClientRect().height`); h < 10 {
		t.Errorf("the status is %v px high: not visible", h)
	}

	// Offline. The notice needs the page told it is offline: where it is
	// not, the page was checked moments ago and knows of no failed check,
	// so it rightly says nothing.
	t.Run("offline", func(t *testing.T) {
		stale := `!document.getElementById('stale').hidden`
		skipUnsupported(t, goOffline(ctx))
		if err := until(ctx, 5*time.Second, stale, staleText); err != nil {
			t.Errorf("going offline: %v", err)
		}
		s.offline(t, ctx)
		if err := navigate(ctx, s.URL("about.html")); err != nil {
			t.Fatal(err)
		}
		if err := until(ctx, 5*time.Second, stale, staleText); err != nil {
			t.Errorf("a page opened offline: %v", err)
		}
		todayEN, _ := eval[string](ctx, `new Date().toLocaleDateString('en', { dateStyle: 'long' })`)
		if said, _ := eval[string](ctx, staleText); said != "This device last checked for an update to this guide on "+todayEN+". Numbers may have changed." {
			t.Errorf("offline, the English status says %q", said)
		}
	})
}

// ageCopy dates the saved copy's last check 200 days back, at 00:00 UTC
// so every tab that reads it gives the same date, and returns that date.
const ageCopy = `(() => {
  const at = new Date(new Date().setUTCHours(0, 0, 0, 0) - 200 * 864e5).getTime();
  const root = new URL('../', document.querySelector('script[src*="js/register"]').src).href;
  localStorage.setItem('guide:current:' + root, String(at));
  return new Date(at).toLocaleDateString('en', { dateStyle: 'long' });
})()`

// TestSavedCopyDate: the date the status gives is the last time this
// device made sure its copy is the newest. Opened online, a copy last
// checked 200 days ago checks for a new version, finds none, and is dated
// today. Checked 200 days ago with the host gone, it says it is old (the
// default limit is 180 days), offline and online alike. The host is
// stopped for those: the browser's offline mode does not always cover the
// worker's update check.
func TestSavedCopyDate(t *testing.T) { inEachEngine(t, testSavedCopyDate) }

func testSavedCopyDate(t *testing.T) {
	s := newSite(t, "")
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	expectSaved(t, ctx, s)
	old, err := eval[string](ctx, ageCopy)
	if err != nil {
		t.Fatal(err)
	}

	// Online, a check finds nothing new: the copy is dated today.
	online, _ := newTab(t, ctx)
	if err := navigate(online, s.URL("about.html")); err != nil {
		t.Fatal(err)
	}
	today, _ := eval[string](online, `new Date().toLocaleDateString('en', { dateStyle: 'long' })`)
	want := "Saved for offline use. This device last looked for a new version of this guide on " + today + "."
	if err := until(online, 10*time.Second, savedText+` === `+strconv.Quote(want), savedText); err != nil {
		t.Error(err)
	}
	if stale, _ := eval[bool](online, `!document.getElementById('stale').hidden`); stale {
		t.Error("online, with a check that found nothing new, the page still says the copy is old")
	}

	// From here on the host does not answer, and the copy was last
	// checked 200 days ago.
	if _, err := eval[string](online, ageCopy); err != nil {
		t.Fatal(err)
	}
	s.Srv.Close()
	want = "This device last checked for an update to this guide on " + old + ". Numbers may have changed."

	// Offline (where the engine can tell the page so; elsewhere this is
	// the case below).
	t.Run("offline", func(t *testing.T) {
		skipUnsupported(t, goOffline(ctx))
		// Back online for the case below. (Firefox takes a whole
		// browser context offline, not one tab.)
		t.Cleanup(func() {
			if err := goOnline(ctx); err != nil {
				t.Error(err)
			}
		})
		if err := navigate(ctx, s.URL("about.html")); err != nil {
			t.Fatal(err)
		}
		if err := until(ctx, 5*time.Second, staleText+` === `+strconv.Quote(want), staleText); err != nil {
			t.Error(err)
		}
	})

	// Online, but the guide's host no longer answers (it moved, or a
	// captive portal stands in the way): the check fails, so the copy is
	// still as old as its last check, and says so.
	unreachable, _ := newTab(t, ctx)
	if err := navigate(unreachable, s.URL("about.html")); err != nil {
		t.Fatal(err)
	}
	if err := until(unreachable, 10*time.Second, staleText+` === `+strconv.Quote(want), staleText); err != nil {
		t.Errorf("host unreachable: %v", err)
	}
}

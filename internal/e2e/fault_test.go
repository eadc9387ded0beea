package e2e

import (
	"context"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/browsertest"
)

// The weak-signal and deploy faults: the service worker's downloads always
// end, and no cache is deleted from under a worker.

// workerNumber reads a number constant of the built sw.js (minified, so
// 20000 may read 2e4), in milliseconds.
func (s *site) workerNumber(t *testing.T, name string) time.Duration {
	t.Helper()
	m := regexp.MustCompile(`\b` + name + `\s*=\s*([0-9.e+]+)`).FindSubmatch(s.read(t, "sw.js"))
	if m == nil {
		t.Fatalf("sw.js: no %s", name)
	}
	ms, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatalf("sw.js: %s: %v", name, err)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// retryDelays reads RETRY_DELAYS of the built sw.js: the waits before each
// new try of a failed download.
func (s *site) retryDelays(t *testing.T) []time.Duration {
	t.Helper()
	m := regexp.MustCompile(`\bRETRY_DELAYS\s*=\s*\[([^\]]*)\]`).FindSubmatch(s.read(t, "sw.js"))
	if m == nil {
		t.Fatal("sw.js: no RETRY_DELAYS")
	}
	var out []time.Duration
	for _, f := range strings.Split(string(m[1]), ",") {
		ms, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			t.Fatalf("sw.js: RETRY_DELAYS: %v", err)
		}
		out = append(out, time.Duration(ms*float64(time.Millisecond)))
	}
	return out
}

// installFailed is true once the page's registration has no worker left:
// the first install gave up.
const installFailed = `navigator.serviceWorker.getRegistration().then(r => !r || (!r.installing && !r.waiting && !r.active))`

// installEnds is a script that waits until the registration's new
// worker, if any, is done installing, and returns its state then
// ("installed", "activated", "redundant"), or "none" when there is no
// new worker. With update, it first asks the browser to look for one.
func installEnds(update bool) string {
	ask := ""
	if update {
		ask = "await r.update();"
	}
	return `(async () => {
	  const r = await navigator.serviceWorker.getRegistration();
	  ` + ask + `
	  const w = r.installing || r.waiting;
	  if (!w) return 'none';
	  if (w.state === 'installing') {
	    await new Promise((done) => w.addEventListener('statechange', () => { if (w.state !== 'installing') done(); }));
	  }
	  return w.state;
	})()`
}

// checkForUpdate asks the browser to look for a new sw.js now, without
// waiting for the install it may start.
const checkForUpdate = `navigator.serviceWorker.getRegistration().then(r => { r.update().catch(() => {}); return true; })`

// expectDownloadedOnly fails unless got counts exactly one download of
// each path in want and nothing else.
func expectDownloadedOnly(t *testing.T, when string, got map[string]int, want ...string) {
	t.Helper()
	ok := len(got) == len(want)
	for _, p := range want {
		ok = ok && got[p] == 1
	}
	if !ok {
		t.Errorf("%s: downloads %v, want one each of %q and nothing else", when, got, want)
	}
}

// TestFaultFileFailsWholeVisit: two files that answer 503 for a whole
// first visit, each with an error page that never ends, make that install
// fail, in bounded time (the retry delays and a margin), after trying each
// file once and again after each retry delay: every try reaches the
// server, and the browser hangs up each failed answer, as the worker
// aborts its request. The next visit saves the guide, downloading only
// those files (all of them again where the engine empties a failed
// install's caches: see resumesInstall), and the guide then works offline.
func TestFaultFileFailsWholeVisit(t *testing.T) { inEachEngine(t, testFaultFileFailsWholeVisit) }

func testFaultFileFailsWholeVisit(t *testing.T) {
	s := newSite(t, "")
	missing := []string{"es/offline.html", "offline.html"}
	for _, p := range missing {
		s.failEndless(p, 503, 1000)
	}
	delays := s.retryDelays(t)
	bound := 10 * time.Second
	for _, d := range delays {
		bound += d
	}
	ctx := newBrowserContext(t)
	start := time.Now()
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); s.requests(missing[0]) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the service worker never asked for %s", missing[0])
		}
	}
	if err := until(ctx, bound-time.Since(start), installFailed, swState); err != nil {
		t.Fatalf("the install with %q failing did not end within %v: %v; the server saw %d and %d requests for them",
			missing, bound, err, s.requests(missing[0]), s.requests(missing[1]))
	}
	for _, p := range missing {
		if got, want := s.requests(p), 1+len(delays); got != want {
			t.Errorf("%s was asked for %d times, want %d (every try reaches the server)", p, got, want)
		}
		// The browser hangs up each failed answer: the worker aborts its
		// request, whose body would otherwise keep its connection busy.
		for deadline := time.Now().Add(5 * time.Second); s.hungUp(p) < s.requests(p) && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		if got, want := s.hungUp(p), s.requests(p); got != want {
			t.Errorf("%s: the browser hung up %d of its %d endless failed answers: their bodies keep connections busy", p, got, want)
		}
	}
	first := s.downloaded()
	for _, p := range missing {
		if first[p] != 0 {
			t.Fatalf("%s was downloaded while it failed", p)
		}
	}
	resumes := resumesInstall(t, ctx)

	// The next visit: the host answers again.
	for _, p := range missing {
		s.fail(p, 503, 0)
	}
	if err := navigate(ctx, s.URL("about.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	expectSaved(t, ctx, s)
	next := s.downloaded()
	if resumes {
		expectDownloadedOnly(t, "the next visit", next, missing...)
	} else {
		// Every file once: the failed files and, again, the ones the
		// failed install had and the engine did not keep.
		t.Logf("webkit kept none of the %d files the failed install downloaded, so the next install downloaded them again", len(first))
		var all []string
		for p := range first {
			all = append(all, p)
		}
		expectDownloadedOnly(t, "the next visit", next, append(all, missing...)...)
	}

	s.offline(t, ctx)
	for _, p := range missing {
		if err := navigate(ctx, s.URL(path.Dir(p)+"/nope.html")); err != nil {
			t.Fatal(err)
		}
		if h1, _ := eval[string](ctx, `(document.querySelector('h1')||{}).textContent || ''`); collapse(h1) != s.h1(t, p) {
			t.Errorf("offline, an unknown address next to %s has h1 %q, want %q", p, collapse(h1), s.h1(t, p))
		}
	}
}

// TestFaultNoAnswer: a download that never answers (the server holds it
// open, as a dead connection on a weak signal does) is given up after
// FETCH_TIMEOUT. Here the file then fails on every retry too, so the first
// visit's install fails; the reader has meanwhile left, and comes back
// while that install is still stuck. The page of that second visit waits
// it out and saves the guide, downloading only the missing file (or, in
// WebKitGTK, every file a second time but never more), within
// the timeout and the retry delays plus a margin. That page then follows
// the registration it made, so it sees the next deploy.
func TestFaultNoAnswer(t *testing.T) { inEachEngine(t, testFaultNoAnswer) }

func testFaultNoAnswer(t *testing.T) {
	s := newSite(t, "")
	missing := "about.html"
	timeout := s.workerNumber(t, "FETCH_TIMEOUT")
	bound := timeout + 10*time.Second
	for _, d := range s.retryDelays(t) {
		bound += d
	}
	s.hang(missing, 1)
	s.fail(missing, 503, len(s.retryDelays(t)))
	ctx := newBrowserContext(t)
	start := time.Now()

	first, closeFirst := newTab(t, ctx)
	if err := navigate(first, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	for s.requests(missing) == 0 {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the service worker never asked for %s", missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
	closeFirst()

	second, _ := newTab(t, ctx)
	if err := navigate(second, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if stuck, _ := eval[bool](second, `navigator.serviceWorker.getRegistration().then(r => !!(r && r.installing))`); !stuck {
		t.Log("the first install was no longer under way when the second visit began")
	}
	left := bound - time.Since(start)
	if err := until(second, left, `navigator.serviceWorker.controller !== null && (() => {
	  const e = document.getElementById('saved');
	  return !!e && e.textContent.startsWith(e.dataset.saved); })()`, swState); err != nil {
		t.Fatalf("the guide was not saved within %v (FETCH_TIMEOUT %v): %v; %s asked %d times", bound, timeout, err, missing, s.requests(missing))
	}
	t.Logf("saved %v after the first visit began (bound %v)", time.Since(start).Round(100*time.Millisecond), bound)
	if got, want := s.requests(missing), 2+len(s.retryDelays(t)); got != want {
		t.Errorf("%s was asked for %d times, want %d (the held request, its retries, then the new install)", missing, got, want)
	}
	downloads := s.downloaded()
	if downloads[missing] != 1 {
		t.Errorf("%s downloaded %d times, want once", missing, downloads[missing])
	}
	// WebKitGTK empties the caches of the failed first install (see
	// resumesInstall), so there the new install downloads again what the
	// first one had: twice in all, never more.
	again := 0
	for p, n := range downloads {
		switch {
		case n == 2 && p != missing && engine(t) == browsertest.WebKit:
			again++
		case n != 1:
			t.Errorf("%s downloaded %d times, want once", p, n)
		}
	}
	switch again {
	case 0:
	case len(downloads) - 1:
		t.Logf("webkit downloaded %d of the %d files twice: it kept none of what the failed install had", again, len(downloads))
	default:
		t.Errorf("webkit downloaded %d of the %d files twice: a new install gets all of them again or none", again, len(downloads))
	}

	// A deploy now reaches this page when the reader comes back to it.
	s.rebuild(t, marked(t, s.Src, "v2"))
	if _, err := eval[bool](second, `(document.dispatchEvent(new Event('visibilitychange')), true)`); err != nil {
		t.Fatal(err)
	}
	if err := until(second, 20*time.Second, `!document.getElementById('update').hidden`, swState); err != nil {
		t.Errorf("after the page saved the guide with a new registration, a new deploy shows no notice: %v", err)
	}
}

// TestFaultTwoDeploys: v2 waits while v3, deployed right after, is still
// installing (one of its files is slow), and the next page opened hands
// over to v2. Where the engine lets v2 take over before v3's install ends
// (Chromium waits), v2 must not delete v3's cache. Either way v3's install
// ends well, v3 takes over at the next navigation, and offline every page
// is v3's, whole, with only v3's cache left.
func TestFaultTwoDeploys(t *testing.T) { inEachEngine(t, testFaultTwoDeploys) }

func testFaultTwoDeploys(t *testing.T) {
	s, ctx := savedV1(t)
	pages := s.pages(t)
	other := s.otherPage(t)

	s.rebuild(t, marked(t, s.Src, "v2"))
	if _, err := eval[bool](ctx, checkForUpdate); err != nil {
		t.Fatal(err)
	}
	if err := until(ctx, 20*time.Second, waitingReady, swState); err != nil {
		t.Fatalf("v2 is not waiting: %v", err)
	}

	s.rebuild(t, marked(t, s.Src, "v3"))
	v3 := s.version(t)
	slow := s.stylesheet(t) // new in v3: downloaded, not copied
	release := s.hold(slow)
	defer release()
	if _, err := eval[bool](ctx, checkForUpdate); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); s.requests(slow) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			state, _ := eval[string](ctx, swState)
			t.Fatalf("v3's install never asked for %s; %s", slow, state)
		}
	}

	// v3 is installing; the next page opened hands over to v2. (Chromium
	// sometimes opens that page with no worker in charge, its files then
	// from the network, where v2's are gone; not checked here, see
	// TestFaultHandOverOffline.)
	if err := navigate(ctx, s.URL(other)); err != nil {
		t.Fatal(err)
	}
	raced := until(ctx, 5*time.Second, `navigator.serviceWorker.getRegistration().then(r => !r.waiting && !!r.installing && !!r.active && r.active.state === 'activated')`, swState) == nil
	t.Logf("v2 took over while v3 was installing: %v", raced)

	release()
	state, err := eval[string](ctx, `(async () => {
	  const r = await navigator.serviceWorker.getRegistration();
	  const w = r.installing;
	  if (w && w.state === 'installing') {
	    await new Promise((done) => w.addEventListener('statechange', () => { if (w.state !== 'installing') done(); }));
	  }
	  return w ? w.state : (r.waiting ? r.waiting.state : 'none');
	})()`)
	if err != nil {
		t.Fatal(err)
	}
	if state != "installed" {
		names, _ := cacheNames(ctx)
		t.Fatalf("v3's install ended %s, want installed; caches %q", state, names)
	}

	// The next page opened hands over to v3.
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitCSS(ctx, "v3"); err != nil {
		t.Fatalf("the page opened once v3 waited: %v", err)
	}
	expectVersion(t, ctx, "the page opened once v3 waited", "v3")
	expectOnlyCache(t, ctx, s, v3)
	expectOffline(t, ctx, s, pages, "v3")
}

// TestFaultCacheDeletedUnderInstall: a version whose cache is deleted
// while it installs (by an older worker taking over, or the browser
// clearing storage) must not take over with no cache: its install fails,
// and the saved version stays whole offline.
func TestFaultCacheDeletedUnderInstall(t *testing.T) {
	inEachEngine(t, testFaultCacheDeletedUnderInstall)
}

func testFaultCacheDeletedUnderInstall(t *testing.T) {
	s, ctx := savedV1(t)
	pages := s.pages(t)
	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)
	slow := s.stylesheet(t)
	release := s.hold(slow)
	defer release()
	if _, err := eval[bool](ctx, checkForUpdate); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); s.requests(slow) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("v2's install never asked for %s", slow)
		}
	}
	name := "guide:" + s.Base + ":" + v2
	if deleted, err := eval[bool](ctx, `caches.delete(`+strconv.Quote(name)+`)`); err != nil || !deleted {
		t.Fatalf("deleting v2's cache: %v, %v", deleted, err)
	}
	release()
	state, err := eval[string](ctx, installEnds(false))
	if err != nil {
		t.Fatal(err)
	}
	if state != "redundant" {
		t.Errorf("v2, its cache deleted during its install, ended %s, want redundant", state)
	}
	expectOffline(t, ctx, s, pages, "v1")
}

// TestFaultHandOverOffline: the page opened at the hand-over is v2's,
// whole; the network goes off right after it, and every page is then
// v2's, whole, from the caches alone, with only v2's cache left. (With the
// network off before the hand-over, Chromium sometimes opens that page
// with no worker in charge, so its CSS and JS are not loaded at all; not
// yet fixed, so not checked here.)
func TestFaultHandOverOffline(t *testing.T) { inEachEngine(t, testFaultHandOverOffline) }

func testFaultHandOverOffline(t *testing.T) {
	s, ctx := savedV1(t)
	pages := s.pages(t)
	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)
	if _, err := eval[bool](ctx, checkForUpdate); err != nil {
		t.Fatal(err)
	}
	if err := until(ctx, 20*time.Second, waitingReady, swState); err != nil {
		t.Fatalf("v2 is not waiting: %v", err)
	}
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitCSS(ctx, "v2"); err != nil {
		t.Fatalf("the page the hand-over answered: %v", err)
	}
	expectVersion(t, ctx, "the page the hand-over answered", "v2")
	expectOffline(t, ctx, s, pages, "v2")
	expectOnlyCache(t, ctx, s, v2)
}

// waitCSS waits until the page's CSS is version want's: the stylesheet of
// a page opened during a hand-over may come a moment after the page.
func waitCSS(ctx context.Context, want string) error {
	return until(ctx, 10*time.Second, `document.readyState === 'complete' && !!document.body &&
	  getComputedStyle(document.body).getPropertyValue('--build').includes(`+strconv.Quote(want)+`)`,
		`(async () => 'CSS from ' + (document.body ? getComputedStyle(document.body).getPropertyValue('--build') : 'no body') + '; ' + await `+swState+`)()`)
}

// expectOffline takes the reader offline (site.offline), then opens each
// page and fails unless it has its own h1 and the CSS of version want.
func expectOffline(t *testing.T, ctx context.Context, s *site, pages []string, want string) {
	t.Helper()
	s.offline(t, ctx)
	for _, p := range pages {
		if err := navigate(ctx, s.URL(p)); err != nil {
			t.Fatalf("offline: %v", err)
		}
		if h1, _ := eval[string](ctx, `(document.querySelector('h1')||{}).textContent || ''`); collapse(h1) != s.h1(t, p) {
			t.Errorf("offline, %s has h1 %q, want %q", p, collapse(h1), s.h1(t, p))
		}
		if css, err := cssMarker(ctx, "--build"); err != nil || css != want {
			t.Errorf("offline, %s has CSS from %q (%v), want %s", p, css, err, want)
		}
	}
}

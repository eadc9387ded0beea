package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// marked returns a txtar archive that tags the source with version v: a
// line in the home page's content and a CSS custom property on body.
func marked(t *testing.T, src, v string) string {
	t.Helper()
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		// Drop an older marker, so each build carries exactly one.
		text, _, _ := strings.Cut(string(data), "\nBuild marker: ")
		text, _, _ = strings.Cut(text, "\nbody{--build:")
		return strings.TrimRight(text, "\n") + "\n"
	}
	return "-- content/_index.md --\n" + read("content/_index.md") +
		"\nBuild marker: " + v + ".\n" +
		"-- assets/css/main.css --\n" + read("assets/css/main.css") +
		"body{--build:\"" + v + "\"}\n"
}

// markers reads which version the page's content and its CSS come from.
func markers(ctx context.Context) (content, css string, err error) {
	content, err = eval[string](ctx, `((document.querySelector('main')||document.body).textContent.match(/Build marker: (v\d+)/)||[])[1] || 'none'`)
	if err != nil {
		return "", "", err
	}
	css, err = cssMarker(ctx, "--build")
	return content, css, err
}

// expectVersion fails unless the page's content and CSS both come from want.
func expectVersion(t *testing.T, ctx context.Context, when, want string) {
	t.Helper()
	content, css, err := markers(ctx)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	if content != css {
		t.Errorf("%s: mixed versions: content from %s, CSS from %s", when, content, css)
	}
	if content != want || css != want {
		t.Errorf("%s: content %s, CSS %s; want both %s", when, content, css, want)
	}
}

// cacheNames lists the page's Cache Storage.
func cacheNames(ctx context.Context) ([]string, error) {
	names, err := eval[[]string](ctx, `caches.keys()`)
	slices.Sort(names)
	return names, err
}

// TestUpdate: a returning visitor gets a new build at the first page
// opened once it is ready, never a page of one build with the CSS of
// another, and the old build's cache is gone afterwards.
func TestUpdate(t *testing.T) { inEachEngine(t, testUpdate) }

func testUpdate(t *testing.T) {
	s := newSite(t, "")
	s.rebuild(t, marked(t, s.Src, "v1"))
	v1 := s.version(t)
	ctx := newBrowserContext(t)
	other := s.otherPage(t)

	// visit opens a tab, loads the home page, waits until ready is true,
	// checks which version it shows (wantHome; "" for v1 while a new
	// worker waits, else v2), then opens another page in the same tab and
	// checks that one, and closes the tab.
	visit := func(name, ready, wantHome, wantOther string) {
		t.Helper()
		tab, closeTab := newTab(t, ctx)
		defer closeTab()
		if err := navigate(tab, s.URL("index.html")); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := until(tab, 20*time.Second, ready, swState); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if wantHome == "" {
			wantHome = "v2"
			if waiting, _ := eval[bool](tab, waitingReady); waiting {
				wantHome = "v1"
			}
		}
		expectVersion(t, tab, name, wantHome)
		if err := navigate(tab, s.URL(other)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if css, err := cssMarker(tab, "--build"); err != nil || css != wantOther {
			t.Errorf("%s: %s has CSS from %q (%v), want %s", name, other, css, err, wantOther)
		}
	}

	visit("first visit", `navigator.serviceWorker.controller !== null`, "v1", "v1")

	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)
	if v1 == v2 {
		t.Fatalf("the rebuild kept version %s", v1)
	}
	// The first page after the deploy is still served by the v1 worker;
	// the browser's own update check on navigation finds v2, which
	// installs and waits. The tab is the guide's only page, so the next
	// page it opens is v2's, whole. (WebKit makes the check that follows
	// the first visit's last page a second or so later, in the
	// background; when that is after the deploy, v2 installs then and,
	// with no page open, takes over: this visit is v2's, whole.)
	visit("first visit after the update", waitingOrNew, "", "v2")
	visit("second visit after the update", `navigator.serviceWorker.controller !== null`, "v2", "v2")

	tab, _ := newTab(t, ctx)
	if err := navigate(tab, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	expectOnlyCache(t, tab, s, v2)
}

// waitingOrNew is true once the page is controlled and a new worker waits,
// or once the page is v2's.
const waitingOrNew = `(async () => {
  const r = await navigator.serviceWorker.getRegistration();
  return !!(navigator.serviceWorker.controller && r &&
    (r.waiting || getComputedStyle(document.body).getPropertyValue('--build').includes('v2')));
})()`

// waitingReady is true once the page is controlled and a new worker waits.
const waitingReady = `(async () => {
  const r = await navigator.serviceWorker.getRegistration();
  return !!(navigator.serviceWorker.controller && r && r.waiting);
})()`

// otherPage is a page of the sitemap besides the home page.
func (s *site) otherPage(t *testing.T) string {
	t.Helper()
	for _, p := range s.pages(t) {
		if p != "index.html" {
			return p
		}
	}
	t.Fatal("the sitemap lists no page besides the home page")
	return ""
}

// expectOnlyCache fails unless version's cache is the only one left.
func expectOnlyCache(t *testing.T, ctx context.Context, s *site, version string) {
	t.Helper()
	want := "guide:" + s.Base + ":" + version
	err := until(ctx, 15*time.Second, fmt.Sprintf(`caches.keys().then(k => k.length === 1 && k[0] === %q)`, want), `caches.keys().then(k => k.join(', '))`)
	if err != nil {
		names, _ := cacheNames(ctx)
		state, _ := eval[string](ctx, swState)
		t.Errorf("caches = %q, want only %q; %s", names, want, state)
	}
}

// savedV1 serves build v1 (marked, see marked) and opens its home page in a
// new browser context, once the service worker controls it: a reader who
// has the guide saved.
func savedV1(t *testing.T) (*site, context.Context) {
	t.Helper()
	s := newSite(t, "")
	s.rebuild(t, marked(t, s.Src, "v1"))
	ctx := newBrowserContext(t)
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

// TestUpdateOnReload: a reader with one tab who only reloads gets a new
// build on the first or second reload, whole, and only its cache is left.
func TestUpdateOnReload(t *testing.T) { inEachEngine(t, testUpdateOnReload) }

func testUpdateOnReload(t *testing.T) {
	s, ctx := savedV1(t)
	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)

	reload := func(n int) string {
		t.Helper()
		if err := reload(ctx); err != nil {
			t.Fatalf("reload %d: %v", n, err)
		}
		// The reload can return before the page's stylesheet applies on a
		// busy machine; a page whose CSS never comes fails here.
		if err := until(ctx, 10*time.Second, `document.readyState === 'complete' && getComputedStyle(document.body).getPropertyValue('--build').trim() !== ''`, `document.readyState + ' ' + document.styleSheets.length`); err != nil {
			t.Fatalf("reload %d: the page's CSS: %v", n, err)
		}
		content, css, err := markers(ctx)
		if err != nil {
			t.Fatalf("reload %d: %v", n, err)
		}
		if content != css {
			t.Fatalf("reload %d: mixed versions: content from %s, CSS from %s", n, content, css)
		}
		return content
	}
	if reload(1) != "v2" {
		// The reload made the browser check for an update; a reader's
		// next reload comes once it is ready.
		if err := until(ctx, 20*time.Second, waitingReady, swState); err != nil {
			t.Fatalf("after the first reload: %v", err)
		}
		if got := reload(2); got != "v2" {
			t.Fatalf("after the second reload the page shows %s, want v2", got)
		}
	}
	expectOnlyCache(t, ctx, s, v2)
}

// TestUpdateOnResume: a reader who keeps the guide open and comes back to
// it after a deploy gets the new build on the next page they open.
func TestUpdateOnResume(t *testing.T) { inEachEngine(t, testUpdateOnResume) }

func testUpdateOnResume(t *testing.T) {
	s, ctx := savedV1(t)
	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)

	// The reader switches to another app and back.
	if err := hide(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := until(ctx, 5*time.Second, `document.visibilityState === 'hidden'`, `document.visibilityState`); err != nil {
		t.Fatalf("switching away: %v", err)
	}
	if err := hide(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := until(ctx, 5*time.Second, `document.visibilityState === 'visible'`, `document.visibilityState`); err != nil {
		t.Fatalf("coming back: %v", err)
	}
	if err := until(ctx, 20*time.Second, waitingReady, swState); err != nil {
		t.Fatalf("coming back did not find the update: %v", err)
	}
	expectVersion(t, ctx, "before the tap", "v1")
	if err := click(ctx, `.sections a`); err != nil {
		t.Fatal(err)
	}
	if err := until(ctx, 10*time.Second, `location.pathname.endsWith('.html') && !location.pathname.endsWith('/index.html') && document.readyState === 'complete'`, `location.href`); err != nil {
		t.Fatal(err)
	}
	if css, err := cssMarker(ctx, "--build"); err != nil || css != "v2" {
		t.Errorf("the page opened after coming back has CSS from %q (%v), want v2", css, err)
	}
	expectOnlyCache(t, ctx, s, v2)
}

// TestUpdateNotice: while two tabs of the old build are open, a new build
// waits and both tabs show the "newer version" notice; its Reload button,
// pressed in one tab, brings both tabs to the new build, whole.
func TestUpdateNotice(t *testing.T) { inEachEngine(t, testUpdateNotice) }

func testUpdateNotice(t *testing.T) {
	s := newSite(t, "")
	s.rebuild(t, marked(t, s.Src, "v1"))
	ctx := newBrowserContext(t)

	first, _ := newTab(t, ctx)
	if err := navigate(first, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(first); err != nil {
		t.Fatal(err)
	}
	second, _ := newTab(t, ctx)
	if err := navigate(second, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	for _, tab := range []context.Context{first, second} {
		expectVersion(t, tab, "before the update", "v1")
		if hidden, err := eval[bool](tab, `document.getElementById('update').hidden`); err != nil || !hidden {
			t.Fatalf("the update notice shows before any update (hidden=%v, %v)", hidden, err)
		}
	}

	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)
	// The second tab opens another page: the browser checks for an update
	// and finds one. With two tabs open it waits, and the page comes from v1.
	if err := navigate(second, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := until(second, 20*time.Second, waitingReady, swState); err != nil {
		t.Fatalf("no new worker waiting: %v", err)
	}
	for i, tab := range []context.Context{first, second} {
		name := fmt.Sprintf("tab %d", i+1)
		if err := waitVisible(tab, 10*time.Second, "#update"); err != nil {
			t.Fatalf("%s: the update notice did not show: %v", name, err)
		}
		expectVersion(t, tab, name+" with the notice showing", "v1")
		if said, _ := eval[string](tab, `document.getElementById('update-status').textContent`); said == "" {
			t.Errorf("%s: the live region #update-status says nothing: screen readers miss the update", name)
		}
	}

	if err := click(first, "#update-reload"); err != nil {
		t.Fatal(err)
	}
	// The click reloads every tab once the new worker is in charge.
	for i, tab := range []context.Context{first, second} {
		name := fmt.Sprintf("tab %d after Reload", i+1)
		if err := until(tab, 10*time.Second, `document.readyState === 'complete' && !!document.body &&
		    getComputedStyle(document.body).getPropertyValue('--build').includes('v2')`, swState); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		expectVersion(t, tab, name, "v2")
		if hidden, err := eval[bool](tab, `document.getElementById('update').hidden`); err != nil || !hidden {
			t.Errorf("%s: the update notice still shows (hidden=%v, %v)", name, hidden, err)
		}
	}
	expectOnlyCache(t, first, s, v2)
}

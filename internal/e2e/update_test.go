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

	"github.com/chromedp/chromedp"
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
func TestUpdate(t *testing.T) {
	s := newSite(t, "")
	s.rebuild(t, marked(t, s.Src, "v1"))
	v1 := s.version(t)
	ctx := newBrowserContext(t)
	other := s.otherPage(t)

	// visit opens a tab, loads the home page, waits until ready is true,
	// checks which version it shows, then opens another page in the same
	// tab and checks that one, and closes the tab.
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
	// page it opens is v2's, whole.
	visit("first visit after the update", waitingReady, "v1", "v2")
	visit("second visit after the update", `navigator.serviceWorker.controller !== null`, "v2", "v2")

	tab, _ := newTab(t, ctx)
	if err := navigate(tab, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	expectOnlyCache(t, tab, s, v2)
}

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
	err := until(ctx, 5*time.Second, fmt.Sprintf(`caches.keys().then(k => k.length === 1 && k[0] === %q)`, want), `caches.keys().then(k => k.join(', '))`)
	if err != nil {
		names, _ := cacheNames(ctx)
		t.Errorf("caches = %q, want only %q", names, want)
	}
}

// TestUpdateNotice: while a tab of the old build stays open, a new build
// waits and the tab shows the "newer version" notice; its Reload button
// brings that tab to the new build, whole.
func TestUpdateNotice(t *testing.T) {
	s := newSite(t, "")
	s.rebuild(t, marked(t, s.Src, "v1"))
	ctx := newBrowserContext(t)

	old, _ := newTab(t, ctx)
	if err := navigate(old, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(old); err != nil {
		t.Fatal(err)
	}
	expectVersion(t, old, "before the update", "v1")
	if hidden, err := eval[bool](old, `document.getElementById('update').hidden`); err != nil || !hidden {
		t.Fatalf("the update notice shows before any update (hidden=%v, %v)", hidden, err)
	}

	s.rebuild(t, marked(t, s.Src, "v2"))
	v2 := s.version(t)
	// A second tab's navigation makes the browser check for an update.
	other, closeOther := newTab(t, ctx)
	if err := navigate(other, s.URL("about.html")); err != nil {
		t.Fatal(err)
	}
	if err := until(other, 20*time.Second, `navigator.serviceWorker.getRegistration().then(r => !!(r && r.waiting))`, swState); err != nil {
		t.Fatalf("no new worker waiting: %v", err)
	}
	closeOther()

	// The old tab still shows v1, whole, and offers the update.
	wctx, cancel := context.WithTimeout(old, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.ID("update"))); err != nil {
		state, _ := eval[string](old, swState)
		t.Fatalf("the update notice did not show: %v; %s", err, state)
	}
	expectVersion(t, old, "with the notice showing", "v1")
	if said, _ := eval[string](old, `document.getElementById('update-status').textContent`); said == "" {
		t.Error("the live region #update-status says nothing: screen readers miss the update")
	}

	if err := chromedp.Do(old, chromedp.Click(chromedp.ID("update-reload"))); err != nil {
		t.Fatal(err)
	}
	// The click reloads the page once the new worker is in charge.
	if err := until(old, 10*time.Second, fmt.Sprintf(`(async () => {
	  const k = await caches.keys();
	  return document.readyState === 'complete' && !!document.body &&
	    getComputedStyle(document.body).getPropertyValue('--build').includes('v2') &&
	    k.length === 1 && k[0] === %q;
	})()`, "guide:"+s.Base+":"+v2), swState); err != nil {
		t.Fatalf("after Reload: %v", err)
	}
	expectVersion(t, old, "after Reload", "v2")
	if hidden, err := eval[bool](old, `document.getElementById('update').hidden`); err != nil || !hidden {
		t.Errorf("the update notice still shows after Reload (hidden=%v, %v)", hidden, err)
	}
}

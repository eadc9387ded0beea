package e2e

import (
	"net/url"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestSameOriginOnly: loading every page asks nothing of any other origin
// (no fonts, analytics or CDN), so the guide leaks no visit to a third
// party and needs nothing it cannot precache.
func TestSameOriginOnly(t *testing.T) {
	s := newSite(t, "")
	pages := s.pages(t)
	ctx := newBrowserContext(t)

	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := requests
		requests = nil
		return out
	}

	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	origin, _ := url.Parse(s.Base)
	check := func(t *testing.T, rel string) {
		if err := navigate(ctx, s.URL(rel)); err != nil {
			t.Fatal(err)
		}
		// Let late requests (the manifest, icons) start.
		if _, err := eval[bool](ctx, `new Promise(r => setTimeout(() => r(true), 100))`); err != nil {
			t.Fatal(err)
		}
		got := take()
		sawPage := false
		for _, r := range got {
			u, err := url.Parse(r)
			if err != nil {
				t.Errorf("request to an unparsable URL %q", r)
				continue
			}
			switch {
			case u.Scheme == "data" || u.Scheme == "blob":
			case u.Scheme != origin.Scheme || u.Host != origin.Host:
				t.Errorf("request leaves the site: %s", r)
			}
			if r == s.URL(rel) {
				sawPage = true
			}
		}
		// The recorder must have seen at least the page itself.
		if !sawPage {
			t.Errorf("no request for the page itself was recorded; saw %q", got)
		}
	}
	for _, p := range append(pages, "offline.html", "404.html") {
		t.Run(p, func(t *testing.T) { check(t, p) })
	}
}

package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// recordViolations runs in every document before its own scripts, through
// the DevTools protocol (which the page's policy does not govern).
const recordViolations = `window.__csp = [];
addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
}, true);`

// TestCSP: no page, online or offline, breaks its Content-Security-Policy
// or writes anything to the console.
func TestCSP(t *testing.T) {
	s := newSite(t, "")
	pages := append(s.pages(t), "offline.html", "404.html")
	ctx := newBrowserContext(t)

	var mu sync.Mutex
	var console []string
	add := func(format string, args ...any) {
		mu.Lock()
		console = append(console, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			add("console.%s: %s", ev.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			add("exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
		case *log.EventEntryAdded:
			add("log %s/%s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations}); err != nil {
		t.Fatal(err)
	}
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := console
		console = nil
		return out
	}
	// settle lets late reports arrive, then returns the page's violations.
	settle := func(t *testing.T) []string {
		t.Helper()
		v, err := eval[[]string](ctx, `new Promise(r => setTimeout(() => r(window.__csp || ['the violation recorder did not run']), 100))`)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	check := func(t *testing.T, rel string) {
		t.Helper()
		if err := navigate(ctx, s.URL(rel)); err != nil {
			t.Fatal(err)
		}
		for _, v := range settle(t) {
			t.Errorf("securitypolicyviolation: %s", v)
		}
		for _, m := range take() {
			t.Errorf("%s", m)
		}
	}

	// Online: straight from the server, past the service worker.
	if _, err := chromedp.Call(ctx, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		t.Run("online/"+p, func(t *testing.T) { check(t, p) })
	}
	if _, err := chromedp.Call(ctx, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: false}); err != nil {
		t.Fatal(err)
	}
	if err := navigate(ctx, s.URL("index.html")); err != nil {
		t.Fatal(err)
	}
	if err := waitControlled(ctx); err != nil {
		t.Fatal(err)
	}
	take()

	// Offline: every page from the service worker's cache.
	if err := goOffline(ctx); err != nil {
		t.Fatal(err)
	}
	s.Srv.Close()
	for _, p := range append(pages, "nope.html") {
		t.Run("offline/"+p, func(t *testing.T) { check(t, p) })
	}

	// The checks above pass on silence, so prove the recorders hear a
	// real violation: an inline style, which the policy forbids.
	t.Run("the recorders catch a violation", func(t *testing.T) {
		if _, err := eval[bool](ctx, `(document.head.append(Object.assign(document.createElement('style'), {textContent: 'body{color:red}'})), true)`); err != nil {
			t.Fatal(err)
		}
		if v := settle(t); len(v) == 0 {
			t.Error("no securitypolicyviolation event for an inline style")
		}
		mentions := false
		for _, m := range take() {
			mentions = mentions || strings.Contains(m, "Content Security Policy")
		}
		if !mentions {
			t.Error("no console or log entry mentions Content Security Policy for an inline style")
		}
	})
}

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pelletier/go-toml/v2"
)

// User agents of an iPhone's Safari and an Android phone's Chrome.
const (
	iPhoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	androidUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)

// userAgent makes the tab's browser name itself ua on platform.
func userAgent(ctx context.Context, ua, platform string) error {
	_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, Platform: platform})
	return err
}

// loaded navigates to u and waits until its deferred scripts have run.
func loaded(ctx context.Context, u string) error {
	if err := navigate(ctx, u); err != nil {
		return err
	}
	return until(ctx, 10*time.Second, `document.readyState === 'complete'`, `document.readyState`)
}

// shown reports whether the element with id is on screen.
func shown(ctx context.Context, id string) (bool, error) {
	return eval[bool](ctx, fmt.Sprintf(`(() => { const e = document.getElementById(%q); return !!e && !e.hidden && e.getClientRects().length > 0; })()`, id))
}

// i18n reads the messages of one language from the site's i18n/ folder.
func i18n(t *testing.T, s *site, lang string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.Src, "i18n", lang+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := toml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// firePrompt dispatches a beforeinstallprompt event, as Chromium does when
// it would let the reader install the guide, whose prompt() is recorded.
const firePrompt = `(() => {
  const e = new Event('beforeinstallprompt', {cancelable: true});
  e.prompt = () => { window.prompted = (window.prompted || 0) + 1; return Promise.resolve(); };
  dispatchEvent(e);
  return e.defaultPrevented;
})()`

// TestInstallButton: the Install button shows only once the browser fires
// beforeinstallprompt; pressing it calls the event's prompt() and hides
// it. It never shows when the guide runs installed (display-mode:
// standalone), and neither does the iPhone hint.
func TestInstallButton(t *testing.T) {
	s := newSite(t, "")
	ctx := newBrowserContext(t)
	if err := phone(ctx, "light"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"index.html", "es/about.html"} {
		if err := loaded(ctx, s.URL(p)); err != nil {
			t.Fatal(err)
		}
		if on, err := shown(ctx, "install"); err != nil || on {
			t.Fatalf("%s: the Install button shows (%v) before the browser offers to install", p, err)
		}
		prevented, err := eval[bool](ctx, firePrompt)
		if err != nil {
			t.Fatal(err)
		}
		if !prevented {
			t.Errorf("%s: beforeinstallprompt was not taken over, so the browser's own prompt would show too", p)
		}
		if on, err := shown(ctx, "install"); err != nil || !on {
			t.Fatalf("%s: the Install button does not show after beforeinstallprompt (%v)", p, err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("install"))); err != nil {
			t.Fatal(err)
		}
		if n, err := eval[int](ctx, `window.prompted || 0`); err != nil || n != 1 {
			t.Errorf("%s: pressing Install called prompt() %d times (%v), want 1", p, n, err)
		}
		if on, _ := shown(ctx, "install"); on {
			t.Errorf("%s: the Install button still shows after it was used", p)
		}
		if on, _ := shown(ctx, "ios-hint"); on {
			t.Errorf("%s: the iPhone hint shows in Chromium", p)
		}
	}

	// Installed: the guide runs in its own window, which the page learns
	// from display-mode (Chromium, Android) or navigator.standalone (iOS
	// Safari). Headless Chromium cannot open an app window, so the page is
	// told so before its scripts run.
	for _, installed := range []string{
		`const mm = window.matchMedia; window.matchMedia = (q) => /display-mode:\s*standalone/.test(q) ? {matches: true, media: q, addEventListener() {}} : mm.call(window, q);`,
		`Object.defineProperty(Navigator.prototype, 'standalone', {get: () => true});`,
	} {
		ctx := newBrowserContext(t)
		if err := userAgent(ctx, iPhoneUA, "iPhone"); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: installed}); err != nil {
			t.Fatal(err)
		}
		if err := loaded(ctx, s.URL("index.html")); err != nil {
			t.Fatal(err)
		}
		if _, err := eval[bool](ctx, firePrompt); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"install", "ios-hint"} {
			if on, err := shown(ctx, id); err != nil || on {
				t.Errorf("installed (%s), #%s shows (%v)", installed, id, err)
			}
		}
	}
}

// TestIPhoneHint: on an iPhone the "tap Share, then Add to Home Screen"
// hint shows in the page's language; closing it is remembered across
// pages and reloads. On Android it never shows.
func TestIPhoneHint(t *testing.T) {
	s := newSite(t, "")
	ctx := newBrowserContext(t)
	if err := phone(ctx, "light"); err != nil {
		t.Fatal(err)
	}
	if err := userAgent(ctx, androidUA, "Linux armv8l"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"index.html", "es/index.html", "about.html"} {
		if err := loaded(ctx, s.URL(p)); err != nil {
			t.Fatal(err)
		}
		if on, err := shown(ctx, "ios-hint"); err != nil || on {
			t.Errorf("Android, %s: the iPhone hint shows (%v)", p, err)
		}
	}
	if err := userAgent(ctx, iPhoneUA, "iPhone"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ page, lang string }{{"index.html", "en"}, {"es/index.html", "es"}, {"es/about.html", "es"}} {
		if err := loaded(ctx, s.URL(c.page)); err != nil {
			t.Fatal(err)
		}
		if on, err := shown(ctx, "ios-hint"); err != nil || !on {
			t.Fatalf("iPhone, %s: the hint does not show (%v)", c.page, err)
		}
		text, err := eval[string](ctx, `document.querySelector('#ios-hint span').textContent`)
		if err != nil {
			t.Fatal(err)
		}
		if want := i18n(t, s, c.lang)["iosHint"]; want == "" || text != want {
			t.Errorf("iPhone, %s: the hint says %q, want %q", c.page, text, want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ios-hint-close"))); err != nil {
		t.Fatal(err)
	}
	if on, _ := shown(ctx, "ios-hint"); on {
		t.Fatal("the hint still shows after Close")
	}
	for _, p := range []string{"es/about.html", "index.html"} {
		if err := loaded(ctx, s.URL(p)); err != nil {
			t.Fatal(err)
		}
		if on, _ := shown(ctx, "ios-hint"); on {
			t.Errorf("iPhone, %s: the hint shows again after it was closed", p)
		}
	}
}

// TestShareButton: the Share button shows only where the Web Share API
// exists, and shares the reader's language's home page: its address as
// served, or with a base URL the canonical one, and a text that says the
// facts are not yet confirmed (no check is recorded).
func TestShareButton(t *testing.T) {
	for _, withBase := range []bool{false, true} {
		t.Run(fmt.Sprintf("base=%v", withBase), func(t *testing.T) {
			s := serveSite(t, "", withBase)
			ctx := newBrowserContext(t)
			if err := loaded(ctx, s.URL("about.html")); err != nil {
				t.Fatal(err)
			}
			native, err := eval[bool](ctx, `'share' in navigator`)
			if err != nil {
				t.Fatal(err)
			}
			if on, _ := shown(ctx, "share"); on != native {
				t.Errorf("navigator.share exists: %v, but the Share button shows: %v", native, on)
			}
			// A browser with the Web Share API, recording what it is asked
			// to share.
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `navigator.share = (d) => { window.shared = d; return Promise.resolve(); };`,
			}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ page, home, caveat string }{
				{"about.html", "index.html", "not yet confirmed"},
				{"es/about.html", "es/index.html", "todavía no se han confirmado"},
			} {
				if err := loaded(ctx, s.URL(c.page)); err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("share"))); err != nil {
					t.Fatal(err)
				}
				got, err := eval[string](ctx, `window.shared ? window.shared.url : ''`)
				if err != nil {
					t.Fatal(err)
				}
				if want := s.URL(c.home); got != want {
					t.Errorf("%s shares %q, want %q", c.page, got, want)
				}
				if text, _ := eval[string](ctx, `window.shared && window.shared.text || ''`); !strings.Contains(text, c.caveat) {
					t.Errorf("%s shares the text %q, which does not say %q", c.page, text, c.caveat)
				}
			}
		})
	}
}

// TestSpanishManifest: on Spanish pages Chromium reads the Spanish
// manifest, which opens the Spanish home page, keeps the whole guide in
// scope and offers the "Is it an emergency?" shortcut; nothing stops the
// guide being installed from there.
func TestSpanishManifest(t *testing.T) {
	s := newSite(t, "")
	ctx := newDefaultProfileTab(t)
	for _, p := range []string{"es/index.html", "es/about.html"} {
		if err := loaded(ctx, s.URL(p)); err != nil {
			t.Fatal(err)
		}
		if err := waitControlled(ctx); err != nil {
			t.Fatal(err)
		}
		man, err := chromedp.Call(ctx, page.GetAppManifest, page.GetAppManifestParams{})
		if err != nil {
			t.Fatal(err)
		}
		if want := s.URL("es/manifest.webmanifest"); man.URL != want {
			t.Fatalf("%s: Chromium reads the manifest %s, want %s", p, man.URL, want)
		}
		for _, e := range man.Errors {
			t.Errorf("manifest %s:%d:%d: %s", man.URL, e.Line, e.Column, e.Message)
		}
		m := man.Manifest
		if m == nil {
			t.Fatal("the browser parsed no manifest")
		}
		var raw struct {
			Lang string `json:"lang"`
		}
		if err := json.Unmarshal(fetch(t, man.URL, "application/manifest+json"), &raw); err != nil || raw.Lang != "es" {
			t.Errorf("%s: the manifest's lang is %q (%v), want es", man.URL, raw.Lang, err)
		}
		if m.StartURL != s.URL("es/") || m.Scope != s.Base {
			t.Errorf("%s: start_url %q, scope %q; want %s, %s", p, m.StartURL, m.Scope, s.URL("es/"), s.Base)
		}
		if !strings.Contains(m.Name, "Guía") || strings.Contains(m.ShortName, "Non-Emergency") {
			t.Errorf("%s: name %q, short_name %q are not Spanish", p, m.Name, m.ShortName)
		}
		if len(m.Shortcuts) != 1 || m.Shortcuts[0].URL != s.URL("es/is-it-an-emergency.html") || !strings.Contains(m.Shortcuts[0].Name, "emergencia") {
			var got []string
			for _, sc := range m.Shortcuts {
				got = append(got, sc.Name+" "+sc.URL)
			}
			t.Errorf("%s: shortcuts %v", p, got)
		}
		res, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.InstallabilityErrors {
			t.Errorf("%s: installability error %s", p, e.ErrorID)
		}
	}
}

// TestSEOWithBase: served at the base URL it was built for, each page's
// canonical link is its own address, its hreflang alternates are absolute
// and load, its og:image loads as a 1200x630 PNG, and the page has the
// rest of what search engines read: lang, title, a meta description and
// crawlable links. axe-core finds nothing with the install button and
// iPhone hint showing.
func TestSEOWithBase(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteWithBase(t, "")
	ctx := newBrowserContext(t)
	if err := phone(ctx, "light"); err != nil {
		t.Fatal(err)
	}
	if err := userAgent(ctx, iPhoneUA, "iPhone"); err != nil {
		t.Fatal(err)
	}
	type facts struct {
		Lang, Title, Description, Canonical, Image string
		Alternates                                 map[string]string
		Uncrawlable                                []string
	}
	const read = `(() => {
	  const meta = (sel) => { const e = document.querySelector(sel); return e ? e.content : ''; };
	  const alts = {};
	  document.querySelectorAll('link[rel=alternate][hreflang]').forEach(l => { alts[l.hreflang] = l.getAttribute('href'); });
	  const canon = document.querySelector('link[rel=canonical]');
	  return {
	    lang: document.documentElement.lang, title: document.title,
	    description: meta('meta[name=description]'), canonical: canon ? canon.getAttribute('href') : '',
	    image: meta('meta[property="og:image"]'), alternates: alts,
	    uncrawlable: [...document.querySelectorAll('a')].filter(a => !a.getAttribute('href') || a.getAttribute('href').startsWith('javascript:')).map(a => a.outerHTML),
	  };
	})()`
	for _, p := range s.pages(t) {
		t.Run(p, func(t *testing.T) {
			if err := loaded(ctx, s.URL(p)); err != nil {
				t.Fatal(err)
			}
			f, err := eval[facts](ctx, read)
			if err != nil {
				t.Fatal(err)
			}
			if f.Canonical != s.URL(p) {
				t.Errorf("canonical %q, want %q", f.Canonical, s.URL(p))
			}
			if f.Lang == "" || f.Title == "" || len(f.Description) < 20 || len(f.Uncrawlable) > 0 {
				t.Errorf("lang %q, title %q, description %q, uncrawlable links %v", f.Lang, f.Title, f.Description, f.Uncrawlable)
			}
			if len(f.Alternates) != 3 || f.Alternates[f.Lang] != f.Canonical {
				t.Errorf("hreflang alternates %v; want en, es and x-default, with the page itself for %s", f.Alternates, f.Lang)
			}
			for _, u := range append([]string{f.Image}, f.Alternates["en"], f.Alternates["es"]) {
				if !strings.HasPrefix(u, s.Base) {
					t.Errorf("%q is not under the base URL %s", u, s.Base)
				}
			}
			for _, l := range []string{"en", "es"} {
				fetch(t, f.Alternates[l], "text/html")
			}
			img, err := png.DecodeConfig(bytes.NewReader(fetch(t, f.Image, "image/png")))
			if err != nil || img.Width != 1200 || img.Height != 630 {
				t.Errorf("og:image %s: %v, %dx%d; want a 1200x630 PNG", f.Image, err, img.Width, img.Height)
			}
		})
	}
	for _, p := range []string{"index.html", "es/index.html"} {
		if err := loaded(ctx, s.URL(p)); err != nil {
			t.Fatal(err)
		}
		if _, err := eval[bool](ctx, firePrompt); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"install", "ios-hint"} {
			if on, err := shown(ctx, id); err != nil || !on {
				t.Fatalf("%s: #%s does not show (%v)", p, id, err)
			}
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(axeJS))); err != nil {
			t.Fatalf("loading axe-core: %v", err)
		}
		res, err := eval[axeResult](ctx, axeRun)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Violations {
			b, _ := json.Marshal(v.Nodes)
			t.Errorf("%s: %s (%s): %s %s", p, v.ID, v.Impact, v.Help, b)
		}
	}
}

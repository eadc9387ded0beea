package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeRun runs axe-core on the page with the WCAG 2.0, 2.1 and 2.2 A and AA
// rules and keeps what a failure message needs.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}).then(r => ({
  version: axe.version,
  passes: r.passes.length,
  incomplete: r.incomplete.map(v => v.id),
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help,
    nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), summary: n.failureSummary || ''})),
  })),
}))`

type axeResult struct {
	Version    string   `json:"version"`
	Passes     int      `json:"passes"`
	Incomplete []string `json:"incomplete"`
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  string `json:"target"`
			Summary string `json:"summary"`
		} `json:"nodes"`
	} `json:"violations"`
}

// TestAccessibility: axe-core finds no WCAG 2.2 AA violation on any page,
// in either language, light or dark, on a 360 px wide phone.
func TestAccessibility(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, "")
	pages := append(s.pages(t), "offline.html", "404.html")
	ctx := newBrowserContext(t)

	for _, scheme := range []string{"light", "dark"} {
		if err := phone(ctx, scheme); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			t.Run(scheme+"/"+p, func(t *testing.T) {
				if err := navigate(ctx, s.URL(p)); err != nil {
					t.Fatal(err)
				}
				if dark, err := eval[bool](ctx, `matchMedia('(prefers-color-scheme: dark)').matches`); err != nil || dark != (scheme == "dark") {
					t.Fatalf("prefers-color-scheme: dark = %v (%v), want %v", dark, err, scheme == "dark")
				}
				if w, err := eval[int](ctx, `document.documentElement.clientWidth`); err != nil || w != 360 {
					t.Fatalf("viewport width %d (%v), want 360", w, err)
				}
				// Evaluated through the protocol, so the page's policy
				// stays as strict as it ships.
				if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(axeJS))); err != nil {
					t.Fatalf("loading axe-core: %v", err)
				}
				res, err := eval[axeResult](ctx, axeRun)
				if err != nil {
					t.Fatalf("running axe-core: %v", err)
				}
				if res.Passes == 0 {
					t.Fatalf("axe-core %s checked nothing", res.Version)
				}
				for _, v := range res.Violations {
					var targets []string
					for _, n := range v.Nodes {
						targets = append(targets, n.Target+": "+strings.ReplaceAll(n.Summary, "\n", " "))
					}
					t.Errorf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(targets, "\n\t"))
				}
				if len(res.Incomplete) > 0 {
					t.Logf("axe-core %s could not decide, check by hand: %v", res.Version, res.Incomplete)
				}
			})
		}
	}
}

// TestKeyboard: from a fresh load, Tab reaches the skip link, then the
// page's first non-emergency call button, then its first 911 button (in the
// header; on the home page, which has no header, its big buttons), and
// both buttons are on screen without scrolling.
func TestKeyboard(t *testing.T) {
	s := newSite(t, "")
	tels := s.tels(t)
	pages := s.pages(t)
	ctx := newBrowserContext(t)
	if err := phone(ctx, "light"); err != nil {
		t.Fatal(err)
	}
	type stop struct {
		Selector, Href string
	}
	want := []stop{
		{"a.skip", "#main"},
		{"a.call-main", tels[0]},
		{"a.call-911", tels[1]},
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			if err := navigate(ctx, s.URL(p)); err != nil {
				t.Fatal(err)
			}
			for i, w := range want {
				if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
					t.Fatal(err)
				}
				ok, err := eval[bool](ctx, fmt.Sprintf(`(() => {
				  const e = document.activeElement;
				  return e === document.querySelector(%q) && e.getAttribute('href') === %q;
				})()`, w.Selector, w.Href))
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					desc, _ := eval[string](ctx, `document.activeElement.outerHTML.slice(0, 120)`)
					t.Fatalf("Tab %d focuses %s\nwant the first %s, linking to %s", i+1, desc, w.Selector, w.Href)
				}
				if i == 0 {
					continue
				}
				onScreen, err := eval[bool](ctx, `(() => {
				  const r = document.activeElement.getBoundingClientRect();
				  return scrollY === 0 && r.top >= 0 && r.bottom <= innerHeight;
				})()`)
				if err != nil {
					t.Fatal(err)
				}
				if !onScreen {
					t.Errorf("%s is not on screen at 360x800 without scrolling", w.Selector)
				}
			}
		})
	}
	t.Log(fmt.Sprintf("Tab order checked on %d pages", len(pages)))
}

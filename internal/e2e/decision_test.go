package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// visibleSteps lists the ids of the decision guide's sections a reader can
// see.
const visibleSteps = `[...document.querySelectorAll('.decision > section')].filter(s => s.offsetParent !== null).map(s => s.id)`

// callsInView says whether both header call buttons are fully on screen.
const callsInView = `['.site-header .call-main', '.site-header .call-911'].every(sel => {
  const r = document.querySelector(sel).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
})`

// TestDecisionGuide: with JavaScript off, on a phone, "Is it an emergency?"
// shows one question at a time in both languages. Choosing answers moves
// through the questions to an outcome with its call button; Back and the
// browser's back button return; the header's call buttons stay on screen at
// every step.
func TestDecisionGuide(t *testing.T) {
	s := newSite(t, "")
	ctx := newBrowserContext(t)
	if err := phone(ctx, "light"); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	shows := func(t *testing.T, want string) {
		t.Helper()
		got, err := eval[[]string](ctx, visibleSteps)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("visible steps %v, want only %s", got, want)
		}
		in, err := eval[bool](ctx, callsInView)
		if err != nil {
			t.Fatal(err)
		}
		if !in {
			y, _ := eval[float64](ctx, `scrollY`)
			t.Errorf("at %s the call buttons are off screen (scrollY %v)", want, y)
		}
	}
	choose := func(t *testing.T, from, to string) {
		t.Helper()
		sel := fmt.Sprintf(`#%s a[href="#%s"]`, from, to)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("choosing %s: %v", sel, err)
		}
		shows(t, to)
	}
	for _, name := range []string{"is-it-an-emergency.html", "es/is-it-an-emergency.html"} {
		t.Run(name, func(t *testing.T) {
			if err := navigate(ctx, s.URL(name)); err != nil {
				t.Fatal(err)
			}
			shows(t, "danger")
			// A theft still going on: 911.
			choose(t, "danger", "what")
			choose(t, "what", "now")
			choose(t, "now", "call-911")
			tel, err := eval[bool](ctx, `document.querySelector('#call-911 a[href="tel:911"]').offsetParent !== null`)
			if err != nil || !tel {
				t.Errorf("the 911 outcome shows no 911 call button (%v)", err)
			}
			// The browser's back button returns to the question.
			hist, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
			if err != nil {
				t.Fatal(err)
			}
			prev := hist.Entries[hist.CurrentIndex-1]
			if _, err := chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: prev.ID}); err != nil {
				t.Fatal(err)
			}
			if err := until(ctx, 5*time.Second, visibleSteps+`.join() === 'now'`, visibleSteps+`.join()`); err != nil {
				t.Fatal(err)
			}
			shows(t, "now")
			// Back, on the page, goes to the question before.
			choose(t, "now", "what")
			// Lost property, and the reader would rather talk: the line.
			choose(t, "what", "talk")
			choose(t, "talk", "call-line")
			choose(t, "call-line", "danger")
		})
	}
}

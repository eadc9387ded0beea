package browsertest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Close()
	os.Exit(code)
}

// page is what the test server answers every address with.
const page = `<!doctype html><html lang="en"><title>t</title><h1>Hello</h1>`

func serve(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// TestDriver checks what every engine's driver does, the same way in each.
func TestDriver(t *testing.T) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			url := serve(t)
			t.Run("one context", func(t *testing.T) { testContext(t, e, url) })
			// A new context does not see the storage of one before it.
			// (WebKitWebDriver runs one session at a time, so the first is
			// closed by now.)
			ctx := e.NewContext(t, 60*time.Second)
			if err := Navigate(ctx, url+"a.html"); err != nil {
				t.Fatal(err)
			}
			if v, err := Eval[any](ctx, `localStorage.getItem('k')`); err != nil || v != nil {
				t.Errorf("a new context reads %v, %v from another's storage; want nothing", v, err)
			}
		})
	}
}

func testContext(t *testing.T, e *Engine, url string) {
	ctx := e.NewContext(t, 60*time.Second)
	if got := EngineOf(ctx); got != e.Name {
		t.Errorf("EngineOf = %q", got)
	}
	if err := Navigate(ctx, url+"a.html"); err != nil {
		t.Fatal(err)
	}
	t.Run("eval", func(t *testing.T) {
		if h1, err := Eval[string](ctx, `document.querySelector('h1').textContent`); err != nil || h1 != "Hello" {
			t.Errorf("h1 = %q, %v", h1, err)
		}
		if v, err := Eval[[]any](ctx, `new Promise((ok) => setTimeout(() => ok([1, 'a', {x: true}, null]), 50))`); err != nil ||
			!reflect.DeepEqual(v, []any{1.0, "a", map[string]any{"x": true}, nil}) {
			t.Errorf("an awaited array = %#v, %v", v, err)
		}
		if v, err := Eval[any](ctx, `undefined`); err != nil || v != nil {
			t.Errorf("undefined = %#v, %v; want nil", v, err)
		}
		if _, err := Eval[bool](ctx, `Promise.reject(new Error('boom'))`); err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("a rejected promise gave error %v, want one saying boom", err)
		}
		if _, err := Eval[bool](ctx, `nope()`); err == nil {
			t.Error("a thrown error gave no error")
		}
	})
	t.Run("tabs share storage, contexts do not", func(t *testing.T) {
		if _, err := Eval[any](ctx, `localStorage.setItem('k', 'v')`); err != nil {
			t.Fatal(err)
		}
		tab, closeTab := NewTab(t, ctx)
		if err := Navigate(tab, url+"b.html"); err != nil {
			t.Fatal(err)
		}
		if v, err := Eval[any](tab, `localStorage.getItem('k')`); err != nil || v != "v" {
			t.Errorf("a second tab reads %v, %v; want the first tab's v", v, err)
		}
		if p, _ := Eval[string](ctx, `location.pathname`); p != "/a.html" {
			t.Errorf("the first tab is at %s after the second navigated", p)
		}
		closeTab()
		if p, err := Eval[string](ctx, `location.pathname`); err != nil || p != "/a.html" {
			t.Errorf("after closing the second tab, the first is at %q, %v", p, err)
		}
	})
	t.Run("reload", func(t *testing.T) {
		if _, err := Eval[bool](ctx, `window.mark = true`); err != nil {
			t.Fatal(err)
		}
		if err := Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if v, err := Eval[bool](ctx, `window.mark === undefined && document.readyState === 'complete'`); err != nil || !v {
			t.Errorf("after Reload the old page is still there (%v, %v)", v, err)
		}
	})
	t.Run("hidden", func(t *testing.T) {
		if err := SetHidden(ctx, true); err != nil {
			skipUnsupported(t, err)
			t.Fatal(err)
		}
		if _, err := Until(ctx, 5*time.Second, `document.visibilityState === 'hidden'`, `document.visibilityState`); err != nil {
			t.Error(err)
		}
		if err := SetHidden(ctx, false); err != nil {
			t.Fatal(err)
		}
		if _, err := Until(ctx, 5*time.Second, `document.visibilityState === 'visible'`, `document.visibilityState`); err != nil {
			t.Error(err)
		}
	})
	t.Run("offline", func(t *testing.T) {
		if err := SetOffline(ctx, true); err != nil {
			skipUnsupported(t, err)
			t.Fatal(err)
		}
		if on, err := Eval[bool](ctx, `navigator.onLine`); err != nil || on {
			t.Errorf("offline, navigator.onLine = %v, %v", on, err)
		}
		if err := SetOffline(ctx, false); err != nil {
			t.Fatal(err)
		}
		if on, err := Eval[bool](ctx, `navigator.onLine`); err != nil || !on {
			t.Errorf("back online, navigator.onLine = %v, %v", on, err)
		}
	})
}

func skipUnsupported(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip(err)
	}
}

package render_test

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/sitetest"
)

// Cancelling a render while Hugo writes its pages stops it: Hugo renders
// no more than the pages under way (far fewer than the 400 left), and
// Render returns context.Canceled. With hundreds of pages still to
// render, this runs into no wait in Hugo that never ends (the test's
// timeout would catch one).
func TestCancelledDuringRender(t *testing.T) {
	const pages = 400
	cfg := load(t, sitetest.Synthetic(t, pages))
	for _, at := range []int64{0, 40, 80, 120, 160} {
		t.Run(fmt.Sprintf("after-%d", at), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var written atomic.Int64
			render.ObserveWrites(t, func(name string) {
				if strings.HasPrefix(path.Base(name), "page-") && written.Add(1) > at {
					cancel()
				}
			})
			if _, err := render.Render(ctx, cfg, nil); !errors.Is(err, context.Canceled) {
				t.Fatalf("Render: %v, want context.Canceled", err)
			}
			// The pages under way when the render was cancelled may
			// finish: Hugo has a few workers per core.
			if n := written.Load(); n > at+100 {
				t.Errorf("cancelled after %d pages, Hugo wrote %d of %d: render did not stop", at, n, pages)
			}
		})
	}
}

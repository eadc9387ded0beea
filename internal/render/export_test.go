package render

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/settings"
)

// SecondBuild is the build Render starts after one that did not finish,
// bounding the pages by the content files alone. It says whether the build
// was stuck too.
func SecondBuild(cfg *settings.Site) (stuck bool, err error) {
	_, err = secondBuild(context.Background(), cfg, nil, "", 0)
	return errors.As(err, new(*stuckError)), err
}

// SetSecondGrace sets how long the second build may write nothing after
// Hugo stops it, for the rest of the test.
func SetSecondGrace(t testing.TB, grace time.Duration) {
	old := graces
	graces[1] = grace
	t.Cleanup(func() { graces = old })
}

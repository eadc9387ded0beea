package render

import (
	"context"

	"github.com/okcguide/guide/internal/settings"
)

// ErrStuck is what a build that did not finish returns.
var ErrStuck = errStuck

// SecondBuild is the build Render starts after one that did not finish.
func SecondBuild(cfg *settings.Site) error {
	_, err := secondBuild(context.Background(), cfg, nil, "")
	return err
}

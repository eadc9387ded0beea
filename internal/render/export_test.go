package render

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/spf13/afero"

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

// ObserveWrites calls seen with the name of each file Hugo opens for
// writing, for the rest of the test.
func ObserveWrites(t testing.TB, seen func(name string)) {
	old := newTree
	newTree = func() afero.Fs { return &observed{Fs: old(), seen: seen} }
	t.Cleanup(func() { newTree = old })
}

type observed struct {
	afero.Fs
	seen func(name string)
}

func (o *observed) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		o.seen(name)
	}
	return o.Fs.OpenFile(name, flag, perm)
}

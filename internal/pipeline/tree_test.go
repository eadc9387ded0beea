package pipeline_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// What verify checked is what is published: as many files, and as many
// bytes in all (publish's TestWriteCopiesTheTree checks that Write copies
// a tree byte for byte; TestPrecacheRevisionsMatchFiles checks the
// precached files' contents against revisions taken from the tree in
// memory). A rebuild into the same folder, which links the files that did
// not change, publishes byte for byte what a build into an empty folder
// does.
func TestPublishedIsWhatVerifyChecked(t *testing.T) {
	src := sitetest.CopySite(t)
	dest := filepath.Join(t.TempDir(), "public")
	build := func(dest string) *pipeline.Summary {
		t.Helper()
		sum, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest, BaseURL: "https://example.org/okc/"})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	sum := build(dest)
	published := sitetest.ReadTree(t, dest)
	var total int64
	for _, data := range published {
		total += int64(len(data))
	}
	if r := sum.Report; r.Files != len(published) || r.TotalBytes != total {
		t.Errorf("verify checked %d files, %d bytes; %d files, %d bytes were published", r.Files, r.TotalBytes, len(published), total)
	}

	sitetest.Edit(t, src, "content/about.md", "\n---\n", "\n---\n\nA line this rebuild adds.\n")
	build(dest)
	rebuilt := sitetest.ReadTree(t, dest)
	empty := filepath.Join(t.TempDir(), "public")
	build(empty)
	fresh := sitetest.ReadTree(t, empty)
	if bytes.Equal(rebuilt["about.html"], published["about.html"]) {
		t.Error("about.html is the same after the rebuild that changed it")
	}
	for name, data := range fresh {
		if !bytes.Equal(rebuilt[name], data) {
			t.Errorf("%s: the rebuild published other bytes than a build into an empty folder", name)
		}
	}
	if len(rebuilt) != len(fresh) {
		t.Errorf("the rebuild published %d files, a build into an empty folder %d", len(rebuilt), len(fresh))
	}
}

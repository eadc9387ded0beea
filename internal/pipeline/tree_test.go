package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

// What verify checked is what is published: the same files, the same
// bytes in all. (TestPrecacheRevisionsMatchFiles checks the precached
// files' contents against revisions taken from the tree in memory.)
func TestPublishedIsWhatVerifyChecked(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	sum, err := pipeline.Build(context.Background(), pipeline.Options{Source: sitetest.CopySite(t), Dest: dest, BaseURL: "https://example.org/okc/"})
	if err != nil {
		t.Fatal(err)
	}
	published := sitetest.ReadTree(t, dest)
	var bytes int64
	for _, data := range published {
		bytes += int64(len(data))
	}
	if r := sum.Report; r.Files != len(published) || r.TotalBytes != bytes {
		t.Errorf("verify checked %d files, %d bytes; %d files, %d bytes were published", r.Files, r.TotalBytes, len(published), bytes)
	}
}

package verify_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
	"github.com/okcguide/guide/internal/verify"
)

// BenchmarkCheck checks the built 1,000-page synthetic site, as the
// build's last stage does.
func BenchmarkCheck(b *testing.B) {
	dest := filepath.Join(b.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: sitetest.Synthetic(b, 1000), Dest: dest}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verify.Check(os.DirFS(dest), nil, verify.DefaultBudgets, ""); err != nil {
			b.Fatal(err)
		}
	}
}

package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/sitetest"
)

// syntheticSite is the real site plus n generated pages of realistic
// length, with headings, links between them and the phone shortcode. The
// budgets are lifted: the benchmark measures speed, not a real guide.
func syntheticSite(b testing.TB, n int) string {
	return writeSynthetic(b, sitetest.CopySite(b), n)
}

func writeSynthetic(b testing.TB, src string, n int) string {
	sitetest.Edit(b, src, "hugo.toml", "precache = 307200", "precache = 0")
	dir := filepath.Join(src, "content", "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "_index.md"), []byte("---\ntitle: Bench\ndescription: Generated pages.\n---\n"), 0o644)
	para := "Call the non-emergency line when no one is in danger. Have the address ready. Say what happened and when. The dispatcher will tell you what comes next. "
	for i := 0; i < n; i++ {
		var s strings.Builder
		fmt.Fprintf(&s, "---\ntitle: \"Page %d\"\ndescription: \"Generated page %d.\"\nweight: %d\n---\n\n", i, i, i)
		for h := 1; h <= 4; h++ {
			fmt.Fprintf(&s, "## Part %d\n\n%s%s\n\n", h, para, para)
			fmt.Fprintf(&s, "- Call {{< phone \"nonEmergency\" >}} any time.\n- Read [page %d](page-%d.md).\n- Danger now: call {{< phone \"emergency\" >}}.\n\n", (i+1)%n, (i+1)%n)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%d.md", i)), []byte(s.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return src
}

// The synthetic site builds, with every generated page checked. Set
// GUIDE_SYNTHETIC_OUT=DIR to also write the 1,000-page site to DIR, to
// measure a real process on it, e.g.
//
//	/usr/bin/time -v go run ./cmd/guide build -source DIR -destination DIR/public
func TestSyntheticSite(t *testing.T) {
	n := 100
	src := syntheticSite(t, n)
	if out := os.Getenv("GUIDE_SYNTHETIC_OUT"); out != "" {
		if err := os.CopyFS(out, os.DirFS(writeSynthetic(t, src, 1000))); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: filepath.Join(t.TempDir(), "public")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Report.Pages < n {
		t.Errorf("built %d pages, want at least %d", sum.Report.Pages, n)
	}
}

// BenchmarkBuild compares, on a 1,000-page site, `guide build` end to end
// with a plain Hugo library build of the same source (Hugo's minifier only,
// no offline step, no checks, no swap). It reports both and their ratio.
func BenchmarkBuild(b *testing.B) {
	src := syntheticSite(b, 1000)
	out := b.TempDir()
	ctx := context.Background()
	// Warm up both paths once (file system cache, Hugo's template parse).
	if _, err := pipeline.Build(ctx, pipeline.Options{Source: src, Dest: filepath.Join(out, "guide")}); err != nil {
		b.Fatal(err)
	}
	var guide, hugo time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := render.Render(render.Options{Source: src, Dest: filepath.Join(out, fmt.Sprint("hugo", i))}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := pipeline.Build(ctx, pipeline.Options{Source: src, Dest: filepath.Join(out, "guide")}); err != nil {
			b.Fatal(err)
		}
		hugo += t1.Sub(t0)
		guide += time.Since(t1)
		b.StopTimer()
		os.RemoveAll(filepath.Join(out, fmt.Sprint("hugo", i)))
		b.StartTimer()
	}
	b.ReportMetric(float64(guide.Milliseconds())/float64(b.N), "guide-ms/op")
	b.ReportMetric(float64(hugo.Milliseconds())/float64(b.N), "hugo-ms/op")
	b.ReportMetric(float64(guide)/float64(hugo), "ratio")
}

// BenchmarkBuildRealSite is the real guide, warm.
func BenchmarkBuildRealSite(b *testing.B) {
	src := sitetest.CopySite(b)
	dest := filepath.Join(b.TempDir(), "public")
	for i := 0; i < b.N; i++ {
		if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest}); err != nil {
			b.Fatal(err)
		}
	}
}

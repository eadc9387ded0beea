package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/cli"
	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/render"
	"github.com/okcguide/guide/internal/sitetest"
)

// The synthetic site builds, with every generated page checked. Set
// GUIDE_SYNTHETIC_OUT=DIR to also write the 1,000-page site to DIR, to
// measure a real process on it, e.g.
//
//	/usr/bin/time -v go run ./cmd/guide build -source DIR -destination DIR/public
func TestSyntheticSite(t *testing.T) {
	n := 100
	src := sitetest.Synthetic(t, n)
	if out := os.Getenv("GUIDE_SYNTHETIC_OUT"); out != "" {
		if err := os.CopyFS(out, os.DirFS(sitetest.AddPages(t, src, 1000))); err != nil {
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
// with a plain Hugo library build of the same source (Hugo's minifier only:
// no content check, offline step, verify or swap). Each build runs in a
// fresh process, as a person runs it, so neither inherits the other's heap
// or caches. It reports both times and their ratio, the ratio with the
// guide held to Go's default collector settings (as the Hugo build is), and
// the guide's peak RSS.
func BenchmarkBuild(b *testing.B) {
	src := sitetest.Synthetic(b, 1000)
	out := b.TempDir()
	var guide, guideGC100, hugo time.Duration
	var rss int64
	run := func(mode, dest string, env ...string) time.Duration {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "GUIDE_BENCH_BUILD="+mode, "GUIDE_BENCH_SRC="+src, "GUIDE_BENCH_DEST="+dest)
		cmd.Env = append(cmd.Env, env...)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s build: %v\n%s", mode, err, out)
		}
		d := time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && mode == "guide" && len(env) == 0 {
			rss = max(rss, ru.Maxrss) // KiB on Linux
		}
		return d
	}
	run("guide", filepath.Join(out, "guide")) // warm the file system cache
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hugo += run("hugo", filepath.Join(out, fmt.Sprint("hugo", i)))
		guide += run("guide", filepath.Join(out, "guide"))
		guideGC100 += run("guide", filepath.Join(out, "guide"), "GOGC=100")
	}
	b.ReportMetric(float64(guide.Milliseconds())/float64(b.N), "guide-ms/op")
	b.ReportMetric(float64(hugo.Milliseconds())/float64(b.N), "hugo-ms/op")
	b.ReportMetric(float64(guide)/float64(hugo), "ratio")
	b.ReportMetric(float64(guideGC100)/float64(hugo), "ratio-same-gc")
	b.ReportMetric(float64(rss)/1024, "guide-maxrss-MB")
}

// benchBuildProcess is the test binary run as one build for BenchmarkBuild.
func benchBuildProcess(mode string) int {
	src, dest := os.Getenv("GUIDE_BENCH_SRC"), os.Getenv("GUIDE_BENCH_DEST")
	var err error
	switch mode {
	case "hugo":
		_, err = render.Render(render.Options{Source: src, Dest: dest})
	case "guide":
		// As `guide build` runs it, collector settings included.
		var stderr strings.Builder
		if cli.Main([]string{"build", "-source", src, "-destination", dest}, io.Discard, &stderr) != 0 {
			err = errors.New(stderr.String())
		}
	default:
		err = fmt.Errorf("unknown GUIDE_BENCH_BUILD=%q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
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

package pipeline_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
)

var speed = flag.Bool("speed", false, "measure `guide build` against the hugo CLI and print the README's Speed table (with -update, write it into README.md)")

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

// run is one measured build: wall time, CPU time and the child's peak
// resident memory.
type run struct {
	wall, user, sys time.Duration
	maxRSS          int64 // bytes
}

// commands are the two programs compared, each built as a person gets it:
// `guide` from this module, and the plain `hugo` CLI from the Hugo module
// version this module pins, built with Hugo's own go.mod.
type commands struct{ guide, hugo string }

func buildCommands(tb testing.TB) commands {
	tb.Helper()
	bin := tb.TempDir()
	root := sitetest.RepoRoot(tb)
	goCmd := func(args ...string) string {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOBIN="+bin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			tb.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	version := goCmd("list", "-m", "-f", "{{.Version}}", "github.com/gohugoio/hugo")
	goCmd("build", "-o", filepath.Join(bin, "guide"), "./cmd/guide")
	goCmd("install", "github.com/gohugoio/hugo@"+version)
	return commands{guide: filepath.Join(bin, "guide"), hugo: filepath.Join(bin, "hugo")}
}

// measure runs one build as its own process, with the environment the
// test runs in minus any GOGC or GOMEMLIMIT, so that neither side gets a
// collector setting the other does not.
func measure(tb testing.TB, name string, args ...string) run {
	tb.Helper()
	cmd := exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	r := run{wall: time.Since(start), user: cmd.ProcessState.UserTime(), sys: cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) * 1024 // KiB on Linux
	}
	return r
}

// comparison holds alternating pairs of runs on the same source.
type comparison struct{ guide, hugo []run }

// compare builds the 1,000-page synthetic site pairs times with each
// program, alternating, after one unmeasured build each to warm the file
// cache. Each runs the way a person runs it: `hugo --minify` into its own
// folder, and `guide build`.
func compare(tb testing.TB, cmds commands, pairs int) comparison {
	src := sitetest.Synthetic(tb, 1000)
	out := tb.TempDir()
	guideArgs := []string{"build", "-source", src, "-destination", filepath.Join(out, "guide")}
	hugoArgs := []string{"--minify", "--quiet", "--source", src, "--destination", filepath.Join(out, "hugo")}
	measure(tb, cmds.guide, guideArgs...)
	measure(tb, cmds.hugo, hugoArgs...)
	var c comparison
	for range pairs {
		c.hugo = append(c.hugo, measure(tb, cmds.hugo, hugoArgs...))
		c.guide = append(c.guide, measure(tb, cmds.guide, guideArgs...))
	}
	return c
}

func median[T int64 | time.Duration](runs []run, f func(run) T) T {
	v := make([]T, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func wall(r run) time.Duration    { return r.wall }
func cpu(r run) time.Duration     { return r.user + r.sys }
func sysTime(r run) time.Duration { return r.sys }
func rss(r run) int64             { return r.maxRSS }

// BenchmarkBuild compares `guide build` with the plain `hugo --minify`
// CLI on the 1,000-page synthetic site, each a fresh process per build,
// and reports the median wall time and peak memory of each and their
// ratios.
func BenchmarkBuild(b *testing.B) {
	cmds := buildCommands(b)
	b.ResetTimer()
	c := compare(b, cmds, b.N)
	b.StopTimer()
	b.ReportMetric(float64(median(c.guide, wall).Milliseconds()), "guide-ms")
	b.ReportMetric(float64(median(c.hugo, wall).Milliseconds()), "hugo-ms")
	b.ReportMetric(float64(median(c.guide, wall))/float64(median(c.hugo, wall)), "wall-ratio")
	b.ReportMetric(float64(median(c.guide, rss))/(1<<20), "guide-maxrss-MiB")
	b.ReportMetric(float64(median(c.hugo, rss))/(1<<20), "hugo-maxrss-MiB")
	b.ReportMetric(float64(median(c.guide, rss))/float64(median(c.hugo, rss)), "maxrss-ratio")
}

// TestSpeedTable measures and prints the README's Speed table; with
// -update it also writes the table into README.md. It runs only with
// -speed, as it builds the hugo CLI and takes a minute or more:
//
//	go test ./internal/pipeline -run TestSpeedTable -speed -update
func TestSpeedTable(t *testing.T) {
	if !*speed {
		t.Skip("measures only with -speed")
	}
	const pairs = 7
	c := compare(t, buildCommands(t), pairs)
	ms := func(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }
	mib := func(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
	ratio := func(a, b float64) string { return fmt.Sprintf("%.2f×", a/b) }
	row := func(what string, f func(run) time.Duration) string {
		g, h := median(c.guide, f), median(c.hugo, f)
		return fmt.Sprintf("| %s | %s | %s | %s |\n", what, ms(h), ms(g), ratio(float64(g), float64(h)))
	}
	var table strings.Builder
	load := "unknown"
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	fmt.Fprintf(&table, "Measured %s on %s/%s with %d CPUs, %s, load average %s when done; medians of %d alternating pairs of fresh processes on the 1,000-page synthetic site.\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), load, pairs)
	table.WriteString("| median | `hugo --minify` | `guide build` | ratio |\n|---|---|---|---|\n")
	table.WriteString(row("wall time", wall))
	table.WriteString(row("CPU time (user + system)", cpu))
	table.WriteString(row("system time", sysTime))
	g, h := median(c.guide, rss), median(c.hugo, rss)
	fmt.Fprintf(&table, "| peak memory (max RSS) | %s | %s | %s |\n", mib(h), mib(g), ratio(float64(g), float64(h)))
	t.Logf("\n%s", table.String())
	if !*update {
		return
	}
	readme := filepath.Join(sitetest.RepoRoot(t), "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)(<!-- speed table -->\n).*?(<!-- /speed table -->)`)
	if !re.Match(data) {
		t.Fatal("README.md has no <!-- speed table --> ... <!-- /speed table --> section")
	}
	data = re.ReplaceAllLiteral(data, []byte("<!-- speed table -->\n"+table.String()+"<!-- /speed table -->"))
	if err := os.WriteFile(readme, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkBuildRealSite is the real guide, warm, in process.
func BenchmarkBuildRealSite(b *testing.B) {
	src := sitetest.CopySite(b)
	dest := filepath.Join(b.TempDir(), "public")
	for i := 0; i < b.N; i++ {
		if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: src, Dest: dest}); err != nil {
			b.Fatal(err)
		}
	}
}

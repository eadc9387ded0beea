package pipeline_test

import (
	"context"
	"flag"
	"fmt"
	"math"
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
// version this module pins, built with Hugo's own go.mod. goVersion is
// the Go that built both.
type commands struct{ guide, hugo, goVersion string }

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
	return commands{guide: filepath.Join(bin, "guide"), hugo: filepath.Join(bin, "hugo"), goVersion: goCmd("env", "GOVERSION")}
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

// comparison holds alternating pairs of runs on the same source: hugo[i]
// ran just before guide[i].
type comparison struct{ guide, hugo []run }

// compare builds the 1,000-page synthetic site pairs times with each
// program, alternating, after one unmeasured build each to warm the file
// cache. Each runs the way a person runs it: `hugo --minify` into its own
// folder, and `guide build`. Each writes into the folder its last build
// wrote (a rebuild, which is how both are mostly run) or, with empty,
// into an empty folder: the one the last build wrote is removed before
// each build, untimed.
func compare(tb testing.TB, src string, cmds commands, pairs int, empty bool) comparison {
	out := tb.TempDir()
	guideDest, hugoDest := filepath.Join(out, "guide"), filepath.Join(out, "hugo")
	guideArgs := []string{"build", "-source", src, "-destination", guideDest}
	hugoArgs := []string{"--minify", "--quiet", "--source", src, "--destination", hugoDest}
	emptied := func(dest string) {
		if empty {
			if err := os.RemoveAll(dest); err != nil {
				tb.Fatal(err)
			}
		}
	}
	measure(tb, cmds.guide, guideArgs...)
	measure(tb, cmds.hugo, hugoArgs...)
	var c comparison
	for range pairs {
		emptied(hugoDest)
		c.hugo = append(c.hugo, measure(tb, cmds.hugo, hugoArgs...))
		emptied(guideDest)
		c.guide = append(c.guide, measure(tb, cmds.guide, guideArgs...))
	}
	return c
}

// spread is the median of some measures, and their lowest and highest.
type spread struct{ median, min, max float64 }

func spreadOf(v []float64) spread {
	v = slices.Sorted(slices.Values(v))
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return spread{m, v[0], v[len(v)-1]}
}

// measures picks one measure, as a number, out of each run.
func measures(runs []run, f func(run) float64) []float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	return v
}

// ratios is each pair's guide measure over its hugo measure.
func (c comparison) ratios(f func(run) float64) []float64 {
	v := make([]float64, len(c.guide))
	for i := range c.guide {
		v[i] = f(c.guide[i]) / f(c.hugo[i])
	}
	return v
}

func wall(r run) float64    { return float64(r.wall) }
func cpu(r run) float64     { return float64(r.user + r.sys) }
func sysTime(r run) float64 { return float64(r.sys) }
func rss(r run) float64     { return float64(r.maxRSS) }

// BenchmarkBuild compares `guide build` with the plain `hugo --minify`
// CLI on the 1,000-page synthetic site, each a fresh process per build
// that writes into the folder its last build wrote, and reports the
// median wall time and peak memory of each and the medians of the
// pairs' ratios.
func BenchmarkBuild(b *testing.B) {
	cmds := buildCommands(b)
	src := sitetest.Synthetic(b, 1000)
	b.ResetTimer()
	c := compare(b, src, cmds, b.N, false)
	b.StopTimer()
	b.ReportMetric(spreadOf(measures(c.guide, wall)).median/1e6, "guide-ms")
	b.ReportMetric(spreadOf(measures(c.hugo, wall)).median/1e6, "hugo-ms")
	b.ReportMetric(spreadOf(c.ratios(wall)).median, "wall-ratio")
	b.ReportMetric(spreadOf(measures(c.guide, rss)).median/(1<<20), "guide-maxrss-MiB")
	b.ReportMetric(spreadOf(measures(c.hugo, rss)).median/(1<<20), "hugo-maxrss-MiB")
	b.ReportMetric(spreadOf(c.ratios(rss)).median, "maxrss-ratio")
}

// TestSpeedTable measures and prints the README's Speed table; with
// -update it also writes the table into README.md. It runs only with
// -speed, as it builds the hugo CLI and takes a few minutes:
//
//	go test ./internal/pipeline -run TestSpeedTable -speed -update -timeout 30m
//
// The table says what it was measured on and how busy the machine was
// (its load average before and after), and for every measure the median,
// lowest and highest of each side and of the pairs' ratios. Measure on a
// quiet machine: the load average counts runnable threads, and one build
// keeps about two busy.
func TestSpeedTable(t *testing.T) {
	if !*speed {
		t.Skip("measures only with -speed")
	}
	const pairs = 7
	cmds := buildCommands(t)
	src := sitetest.Synthetic(t, 1000)
	before := loadAverage()
	rebuild := compare(t, src, cmds, pairs, false)
	first := compare(t, src, cmds, pairs, true)
	after := loadAverage()

	var table strings.Builder
	fmt.Fprintf(&table, "Measured %s on %s; load average (1, 5 and 15 minutes) %s before and %s after. Each cell is the median of %d alternating pairs of fresh processes on the 1,000-page synthetic site, with the lowest and highest in brackets; the last column is the median of each pair's ratio, `guide build` over `hugo --minify`.\n",
		time.Now().UTC().Format("2006-01-02"), machine(cmds.goVersion), before, after, pairs)
	section(&table, "Rebuild: each writes into the folder its last build wrote.", rebuild)
	section(&table, "First build: each writes into an empty folder.", first)
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

// section writes one comparison's table, under its title.
func section(w *strings.Builder, title string, c comparison) {
	ms := func(v float64) string { return fmt.Sprintf("%.0f", v/1e6) }
	mib := func(v float64) string { return fmt.Sprintf("%.0f", v/(1<<20)) }
	times := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	cell := func(s spread, f func(float64) string, unit string) string {
		return fmt.Sprintf("%s%s (%s–%s)", f(s.median), unit, f(s.min), f(s.max))
	}
	row := func(what string, f func(run) float64, format func(float64) string, unit string) {
		h, g := spreadOf(measures(c.hugo, f)), spreadOf(measures(c.guide, f))
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", what, cell(h, format, unit), cell(g, format, unit), cell(spreadOf(c.ratios(f)), times, "×"))
	}
	fmt.Fprintf(w, "\n%s\n\n", title)
	w.WriteString("| | `hugo --minify` | `guide build` | ratio |\n|---|---|---|---|\n")
	row("wall time", wall, ms, " ms")
	row("CPU time (user + system)", cpu, ms, " ms")
	row("system time", sysTime, ms, " ms")
	row("peak memory (max RSS)", rss, mib, " MiB")
}

// The table's numbers: a median (of an even count, the mean of the
// middle two), the lowest and highest, and each pair's own ratio.
func TestSpeedTableSpread(t *testing.T) {
	if got, want := spreadOf([]float64{5, 1, 4, 2}), (spread{3, 1, 5}); got != want {
		t.Errorf("spreadOf(5 1 4 2) = %v, want %v", got, want)
	}
	if got, want := spreadOf([]float64{3, 9, 1}), (spread{3, 1, 9}); got != want {
		t.Errorf("spreadOf(3 9 1) = %v, want %v", got, want)
	}
	ms := func(n int) run { return run{wall: time.Duration(n) * time.Millisecond} }
	c := comparison{hugo: []run{ms(100), ms(200), ms(400)}, guide: []run{ms(110), ms(180), ms(600)}}
	if got, want := c.ratios(wall), []float64{1.1, 0.9, 1.5}; !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) {
		t.Errorf("ratios = %v, want %v (guide over hugo, pair by pair)", got, want)
	}
}

// machine names the system the table was measured on: OS and
// architecture, processor, CPUs and the Go that built both programs.
func machine(goVersion string) string {
	cpuName := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpuName = strings.TrimSpace(v) + ", "
				break
			}
		}
	}
	return fmt.Sprintf("%s/%s, %s%d CPUs, %s", runtime.GOOS, runtime.GOARCH, cpuName, runtime.NumCPU(), goVersion)
}

// loadAverage is the system's load average over 1, 5 and 15 minutes,
// as /proc/loadavg says, or "unknown".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
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

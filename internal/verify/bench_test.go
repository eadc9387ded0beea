package verify_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/okcguide/guide/internal/pipeline"
	"github.com/okcguide/guide/internal/sitetest"
	"github.com/okcguide/guide/internal/verify"
)

// BenchmarkCheck checks the built 1,000-page synthetic site, as the
// build's last stage does. Besides wall time it reports the CPU time of
// a check (cpu-ns/op), which is what the check costs a build on a busy
// machine, and which wall time on all cores hides.
func BenchmarkCheck(b *testing.B) {
	dest := filepath.Join(b.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{Source: sitetest.Synthetic(b, 1000), Dest: dest}); err != nil {
		b.Fatal(err)
	}
	tree := os.DirFS(dest)
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		if _, err := verify.Check(tree, nil, budgets, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the user and system time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

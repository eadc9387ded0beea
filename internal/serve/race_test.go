//go:build race

package serve_test

// The race detector makes Hugo's builds several times slower.
const slowdown = 6

//go:build race

package preview_test

// The race detector makes Hugo's builds several times slower.
const slowdown = 6

//go:build !race

package serve_test

// slowdown scales the tests' time limits; see race_test.go.
const slowdown = 1

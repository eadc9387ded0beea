//go:build !race

package preview_test

// slowdown scales the tests' time limits; see race_test.go.
const slowdown = 1

//go:build !race

package conformance

// raceEnabled reports a -race build.
const raceEnabled = false

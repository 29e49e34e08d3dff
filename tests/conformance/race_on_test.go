//go:build race

package conformance

// raceEnabled reports a -race build (the race detector allows at most
// 8128 live goroutines, too few for the 10,000-connection run).
const raceEnabled = true

//go:build race

package store

// raceEnabled tells timing tests that the race detector slows everything
// several times over.
const raceEnabled = true

//go:build race

package storetest

// raceEnabled tells timing tests that the race detector slows everything
// several times over.
const raceEnabled = true

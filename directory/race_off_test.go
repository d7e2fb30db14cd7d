//go:build !race

package directory_test

// raceEnabled tells the agreement test that the race detector slows the
// store's queries several times over.
const raceEnabled = false

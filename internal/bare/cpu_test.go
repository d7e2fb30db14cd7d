package bare_test

import (
	"testing"
	"time"

	"sotepe/internal/bare"
)

// TestMachineCPUCountsWork: a busy loop of 300 ms in this process shows in
// the machine's CPU time (other processes can only add to it).
func TestMachineCPUCountsWork(t *testing.T) {
	before, ok := bare.MachineCPU()
	if !ok {
		t.Skip("no /proc/stat: not Linux")
	}
	x := 0
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		x++
	}
	after, _ := bare.MachineCPU()
	if got := after - before; got < 200*time.Millisecond {
		t.Fatalf("a 300 ms busy loop added %v of CPU time (%d turns)", got, x)
	}
}

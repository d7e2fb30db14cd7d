package bare

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/stat's counters, USER_HZ, which Linux
// fixes at 100 a second for user space.
const clockTick = 10 * time.Millisecond

// MachineCPU returns the CPU time every process of the machine has used
// since boot, summed over its cores: the database's backends and the
// kernel's work for loopback connections included, which a process's own
// rusage leaves out. A round's share is the difference of two readings.
// It reports false where /proc/stat cannot be read (not Linux).
func MachineCPU() (time.Duration, bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, false
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, false
	}
	var busy int64
	for i, v := range fields[1:] {
		// idle (4th) and iowait (5th) are time no core worked; guest
		// and guest_nice (9th, 10th) are counted in user and nice too.
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		busy += n
	}
	return time.Duration(busy) * clockTick, true
}

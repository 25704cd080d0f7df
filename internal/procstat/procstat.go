// Package procstat reads what Linux says of a process, for benchmarks and
// the load tool.
package procstat

import (
	"os"
	"strconv"
	"strings"
)

// RSSMB is the resident memory of a process ("self" for this one) in MB,
// or 0 where /proc does not say.
func RSSMB(pid string) float64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

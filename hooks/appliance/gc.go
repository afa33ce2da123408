package appliance

import (
	"os"
	"runtime/debug"
)

// gcPercent is the appliance's GOGC. In a surge the appliance is CPU-bound and allocates
// per request; collecting at twice the live heap's growth instead of once cut the relay's
// backlog drain from 31 s to 25-27 s for about 5 MB more memory (BENCHMARKS.md).
const gcPercent = 200

// TuneGC sets the garbage collector's target, unless the operator set GOGC.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

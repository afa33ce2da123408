package appliance

import (
	"os"
	"runtime/pprof"
)

// ProfileEnv names a file to write a CPU profile of the whole run into, for IT or a benchmark
// that needs to see where an appliance spends its time. Unset, nothing is profiled.
const ProfileEnv = "ALERTBUTTON_CPUPROFILE"

// StartProfile starts the CPU profile ProfileEnv asks for and returns the function that
// finishes it.
func StartProfile() (stop func(), err error) {
	path := os.Getenv(ProfileEnv)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

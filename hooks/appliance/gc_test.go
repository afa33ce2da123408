package appliance_test

import (
	"runtime/debug"
	"testing"

	"alertbutton/hooks/appliance"
)

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	appliance.TuneGC()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Fatalf("GOGC %d, want 200", got)
	}

	t.Setenv("GOGC", "150")
	appliance.TuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC set by the operator, TuneGC changed it to %d", got)
	}
}

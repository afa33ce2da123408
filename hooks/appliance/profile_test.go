package appliance_test

import (
	"os"
	"path/filepath"
	"testing"

	"alertbutton/hooks/appliance"
)

func TestProfileOnlyWhenAsked(t *testing.T) {
	t.Setenv(appliance.ProfileEnv, "")
	stop, err := appliance.StartProfile()
	if err != nil {
		t.Fatal(err)
	}
	stop()

	path := filepath.Join(t.TempDir(), "cpu.pprof")
	t.Setenv(appliance.ProfileEnv, path)
	stop, err = appliance.StartProfile()
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("no profile written at %s: %v", path, err)
	}
}

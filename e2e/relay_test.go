package e2e

import (
	"testing"

	"alertbutton/e2e/tcprelay"
)

// newTCPRelay is a relay to target that the test cuts at its end.
func newTCPRelay(t *testing.T, target string) *tcprelay.Relay {
	t.Helper()
	r, err := tcprelay.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Cut)
	return r
}

// heal makes a cut relay listen again, on the same address.
func heal(t *testing.T, r *tcprelay.Relay) {
	t.Helper()
	if err := r.Heal(); err != nil {
		t.Fatal(err)
	}
}

package schedule_test

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/schedule"
)

// TestTheAuditHeadIsSignedDaily: the job writes the chain's head as a line signed by the
// appliance, which later checks the log against it.
func TestTheAuditHeadIsSignedDaily(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	apptest.Audit(w.app).Append(w.app, audit.Entry{Actor: "system", Action: "test"})
	now := time.Date(2026, 12, 3, 7, 55, 0, 0, time.UTC)
	s := apptest.Appliance(w.app).Scheduler
	s.Clock = func() time.Time { return now }
	var out bytes.Buffer
	s.Out = &out
	if n, err := s.RunJob(schedule.JobAnchorAudit); n != 1 || err != nil {
		t.Fatalf("run: %d %v", n, err)
	}
	a, err := audit.ParseAnchor(out.String())
	if err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	seq, hash, _ := audit.Head(w.app)
	if a.Seq != seq || a.Hash != hash || a.Key != w.cfg.Keys().SigningKey() || !a.Time.Equal(now) {
		t.Errorf("signed %+v, head is %d %s", a, seq, hash)
	}
	if err := audit.CheckAnchor(w.app, a, w.cfg.Keys().Signer().Public().(ed25519.PublicKey)); err != nil {
		t.Error(err)
	}
}

package federation_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/apptest"
)

// TestInboxRetentionLeavesTombstones: the nightly job empties the envelopes applied more than
// 30 days ago, keeps those held for an alert not here yet, and records its run in the jobs
// collection in the consulate's time zone. An emptied envelope sent again gets a new valid
// receipt and changes nothing.
func TestInboxRetentionLeavesTombstones(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	created := envelopeFrom(t, la, fresno, protocol.TypeCreated, "0195f3a4-0000-7000-8000-0000000000e1", 1, `{"kind":"detained","origin":"los-angeles"}`)
	held := envelopeFrom(t, la, fresno, protocol.TypeStatus, "0195f3a4-0000-7000-8000-0000000000e2", 2, `{"status":"in_progress"}`)
	deliver(t, la, fresno, created)
	deliver(t, la, fresno, held)

	s := apptest.Appliance(fresno.app).Scheduler
	run := func(after time.Duration) int {
		t.Helper()
		s.Clock = func() time.Time { return time.Now().Add(after) }
		n, err := s.RunJob(federation.JobInboxRetention)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := run(29 * 24 * time.Hour); n != 0 {
		t.Fatalf("after 29 days %d envelopes emptied", n)
	}
	if n := run(31 * 24 * time.Hour); n != 1 {
		t.Fatalf("after 31 days %d envelopes emptied, want 1", n)
	}
	row := inboxRow(t, fresno, created)
	for _, f := range []string{"envelope", "signature", "receipt"} {
		if row.GetString(f) != "" {
			t.Errorf("%s kept after the retention", f)
		}
	}
	if row.GetString("alert") == "" || row.GetString("origin") != "los-angeles" {
		t.Errorf("tombstone %v", row.FieldsData())
	}
	if inboxRow(t, fresno, held).GetString("envelope") == "" {
		t.Error("an envelope held for its alert was emptied")
	}
	job, err := fresno.app.FindFirstRecordByData("jobs", "name", federation.JobInboxRetention)
	if err != nil || job.GetInt("last_count") != 1 || job.GetString("timezone") != "America/Los_Angeles" || job.GetString("last_error") != "" {
		t.Fatalf("job row %v %v", job, err)
	}

	before := stored(t, fresno)
	status, answer := post(t, fresno.url, created.body, created.sig, signedBy(t, la, created.body, 0))
	env, _ := protocol.ParseEnvelope(created.body)
	if status != 200 || protocol.VerifyReceipt(answer, env, pubKey(t, fresno)) != nil {
		t.Fatalf("the emptied envelope sent again: %d %s", status, answer)
	}
	after := stored(t, fresno)
	if after[0] != before[0] || after[2] != before[2] || after[3] != before[3] || after[4] != before[4] {
		t.Fatalf("sent again it changed something: %v, then %v", before, after)
	}
	if n := run(31 * 24 * time.Hour); n != 0 {
		t.Fatalf("a second run emptied %d", n)
	}
}

func inboxRow(t *testing.T, n *node, e builtEnvelope) *core.Record {
	t.Helper()
	env, err := protocol.ParseEnvelope(e.body)
	if err != nil {
		t.Fatal(err)
	}
	row, err := n.app.FindFirstRecordByData("federation_inbox", "envelope_id", env.ID)
	if err != nil {
		t.Fatal(err)
	}
	return row
}

package federation_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/apptest"
)

// TestInboxStoresArrivalsTogether: envelopes that arrive while another is being stored
// are stored together, in one transaction, each answered with its own receipt; one the
// inbox refuses in such a group refuses no other.
func TestInboxStoresArrivalsTogether(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, fresno, la)
	alertsN := 0
	created := func(uid string) builtEnvelope {
		return envelopeFrom(t, la, fresno, protocol.TypeCreated, uid, 1, `{"kind":"detained","origin":"los-angeles"}`)
	}
	valid := func() string {
		alertsN++
		return fmt.Sprintf("0195f3a4-0000-7000-8000-%012d", alertsN)
	}

	// The first envelope's transaction waits until the others are queued behind it.
	var hold sync.Mutex
	queued := 0
	entered := make(chan struct{}, 1)
	fresno.app.OnRecordCreate("federation_inbox").BindFunc(func(e *core.RecordEvent) error {
		hold.Lock()
		want := queued
		queued = 0
		hold.Unlock()
		if want == 0 {
			return e.Next()
		}
		entered <- struct{}{}
		deadline := time.Now().Add(10 * time.Second)
		for apptest.Appliance(fresno.app).Federation.InboxWaiting() < want && time.Now().Before(deadline) {
			runtime.Gosched()
		}
		return e.Next()
	})
	// How many envelopes were committed when each was.
	var mu sync.Mutex
	committedWith := map[string]int{}
	fresno.app.OnRecordAfterCreateSuccess("federation_inbox").BindFunc(func(e *core.RecordEvent) error {
		n := count(t, fresno, "federation_inbox")
		mu.Lock()
		committedWith[e.Record.GetString("envelope_id")] = n
		mu.Unlock()
		return e.Next()
	})

	postAll := func(first builtEnvelope, rest []builtEnvelope) []int {
		hold.Lock()
		queued = len(rest)
		hold.Unlock()
		statuses := make([]int, len(rest)+1)
		var wg sync.WaitGroup
		wg.Go(func() { statuses[0], _ = post(t, fresno.url, first.body, first.sig, signedBy(t, la, first.body, 0)) })
		select {
		case <-entered: // the first is being stored
		case <-time.After(10 * time.Second):
			wg.Wait()
			t.Fatalf("the first envelope was not stored: %d", statuses[0])
		}
		for i, e := range rest {
			wg.Go(func() { statuses[i+1], _ = post(t, fresno.url, e.body, e.sig, signedBy(t, la, e.body, 0)) })
		}
		wg.Wait()
		return statuses
	}

	first, together := created(valid()), []builtEnvelope{created(valid()), created(valid()), created(valid())}
	if got := postAll(first, together); fmt.Sprint(got) != "[200 200 200 200]" {
		t.Fatalf("statuses %v", got)
	}
	for _, e := range together {
		env, _ := protocol.ParseEnvelope(e.body)
		if n := committedWith[env.ID]; n != 4 {
			t.Errorf("envelope %s: committed with %d stored, want 4 (the three together after the first)", env.ID, n)
		}
	}

	bad := created(protocol.NewID()) // not a uuid: the alerts collection cannot hold it
	second, mixed := created(valid()), []builtEnvelope{created(valid()), bad, created(valid())}
	if got := postAll(second, mixed); fmt.Sprint(got) != "[200 200 400 200]" {
		t.Fatalf("statuses with one refused among them: %v", got)
	}
	if n := count(t, fresno, "federation_inbox"); n != 7 {
		t.Errorf("%d envelopes stored, want 7", n)
	}
	if n := count(t, fresno, "alerts", dbx.HashExp{"origin_consulate": "los-angeles"}); n != 7 {
		t.Errorf("%d alerts stored, want 7", n)
	}
}

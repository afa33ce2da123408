package federation_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"alertbutton/federation"
)

// TestRosterVersionOnlyGoesUp: removing the roster rows (by hand, a retention bug, anything
// outside the import) does not let an older roster, say one still trusting a revoked peer,
// import again.
func TestRosterVersionOnlyGoesUp(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	pub, root, _ := ed25519.GenerateKey(rand.Reader)
	signed := func(version int64) []byte {
		raw, err := federation.SignRosterFile(rosterFor(t, version, nil, la, fresno), root, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	if _, err := federation.ImportRoster(fresno.app, "fresno", signed(5), pub, time.Now()); err != nil {
		t.Fatal(err)
	}
	rows, err := fresno.app.FindAllRecords("federation_rosters")
	if err != nil || len(rows) != 1 {
		t.Fatalf("roster rows: %d %v", len(rows), err)
	}
	if err := fresno.app.Delete(rows[0]); err != nil {
		t.Fatal(err)
	}
	if v, err := federation.HeldRosterVersion(fresno.app); err != nil || v != 5 {
		t.Fatalf("held version %d after removing the row (%v), want 5", v, err)
	}
	_, err = federation.ImportRoster(fresno.app, "fresno", signed(4), pub, time.Now())
	if err == nil || !strings.Contains(err.Error(), "roster version 4 is not newer than the one held (version 5)") {
		t.Fatalf("an older roster after the rows were removed: %v", err)
	}
	if _, err := federation.ImportRoster(fresno.app, "fresno", signed(6), pub, time.Now()); err != nil {
		t.Fatalf("a newer roster: %v", err)
	}
	if v, _ := federation.HeldRosterVersion(fresno.app); v != 6 {
		t.Fatalf("held version %d, want 6", v)
	}
}

// TestFederationStateIsNotWritableThroughTheAPI: IT, which may write the directory and the
// other queues, cannot write the federation's collections, its outbox rows or a
// consulate's trust and keys; it still reads them, and still edits a consulate's details.
func TestFederationStateIsNotWritableThroughTheAPI(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	_, it := newStaff(t, la, "it@consulado.example", "it")
	reg := newRegistrant(t, la, "+13105550123")
	raise(t, la, reg)
	row := queueRow(t, la, "fresno", "alert.created", "0190f0a4-7c3a-7b2e-8a1d-3c4b5a697887")
	peer, err := la.app.FindFirstRecordByData("consulates", "code", "fresno")
	if err != nil {
		t.Fatal(err)
	}
	base := la.url + "/api/collections/"
	refused := []struct {
		method, url string
		body        any
	}{
		{http.MethodPost, base + "federation_rosters/records", map[string]any{"version": 99, "roster": "{}"}},
		{http.MethodPost, base + "federation_peers/records", map[string]any{"code": "san-diego"}},
		{http.MethodPost, base + "federation_nonces/records", map[string]any{"key_id": "fresno:k", "nonce": "n1"}},
		{http.MethodPost, base + "federation_seq/records", map[string]any{"alert": "x", "seq": 1}},
		{http.MethodPost, base + "federation_inbox/records", map[string]any{"envelope_id": "e", "type": "alert.created", "alert": "x", "origin": "fresno", "envelope": "{}", "signature": "s", "receipt": "r"}},
		{http.MethodPost, base + "outbox/records", map[string]any{"channel": "federation", "target": "fresno", "state": "pending"}},
		{http.MethodPatch, base + "outbox/records/" + row.Id, map[string]any{"state": "dead"}},
		{http.MethodPatch, base + "outbox/records/" + row.Id, map[string]any{"channel": "push"}},
		{http.MethodDelete, base + "outbox/records/" + row.Id, nil},
		{http.MethodPatch, base + "consulates/records/" + peer.Id, map[string]any{"seal_key": "x"}},
		{http.MethodPatch, base + "consulates/records/" + peer.Id, map[string]any{"trust": ""}},
		{http.MethodPatch, base + "consulates/records/" + peer.Id, map[string]any{"signing_keys": []any{}}},
		{http.MethodPatch, base + "consulates/records/" + peer.Id, map[string]any{"public_url": "https://elsewhere.example.org"}},
		{http.MethodDelete, base + "consulates/records/" + peer.Id, nil},
		{http.MethodPost, base + "consulates/records", map[string]any{"code": "test-office", "name": "x", "city": "x", "state": "CA", "trust": "direct", "seal_key": "k"}},
	}
	for _, r := range refused {
		status, body := do(t, r.method, r.url, it, r.body)
		// The outbox is the appliance's alone (hooks/staff), so the role policy refuses those first.
		says := "Federation state is the federation's own"
		if strings.Contains(r.url, "/outbox/") {
			says = "does not allow"
		}
		if status != 403 || !strings.Contains(string(body), says) {
			t.Errorf("IT %s %s: %d %s", r.method, r.url, status, body)
		}
	}
	if p, err := federation.LoadPeer(la.app, "fresno"); err != nil || p.URL != fresno.url {
		t.Errorf("fresno's trust changed: %+v %v", p, err)
	}
	if got := count(t, la, "outbox", dbx.HashExp{"id": row.Id, "channel": "federation", "state": "pending"}); got != 1 {
		t.Error("the federation row changed")
	}

	for _, url := range []string{base + "federation_rosters/records", base + "federation_peers/records", base + "outbox/records/" + row.Id} {
		if status, body := do(t, http.MethodGet, url, it, nil); status != 200 {
			t.Errorf("IT can no longer read %s: %d %s", url, status, body)
		}
	}
	if status, body := do(t, http.MethodPatch, base+"consulates/records/"+peer.Id, it, map[string]any{"phone": "+15595550100"}); status != 200 {
		t.Errorf("IT can no longer edit a consulate's details: %d %s", status, body)
	}
	if status, body := do(t, http.MethodPost, base+"consulates/records", it, map[string]any{"code": "test-office", "name": "x", "city": "x", "state": "CA"}); status != 200 {
		t.Errorf("IT can no longer add a consulate: %d %s", status, body)
	}
}

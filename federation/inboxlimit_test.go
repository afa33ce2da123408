package federation_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/apptest"
)

// TestInboxLimitsEachPeerKey: each peer key has its own allowance; past it the inbox answers
// 429 with Retry-After and stores nothing; requests that do not prove the key spend none of
// it; the allowance comes back with time.
func TestInboxLimitsEachPeerKey(t *testing.T) {
	t.Parallel()
	la, fresno, sd := newNode(t, "los-angeles"), newNode(t, "fresno"), newNode(t, "san-diego")
	trust(t, fresno, la)
	trust(t, fresno, sd)
	c := apptest.NewClock(time.Now())
	apptest.Appliance(fresno.app).Federation.SetClock(c.Now)
	apptest.Appliance(fresno.app).Federation.SetInboxLimit(0.5, 2) // one envelope every 2 s, 2 at once

	fromLA := func(uid string) builtEnvelope {
		return envelopeFrom(t, la, fresno, protocol.TypeCreated, uid, 1, `{"kind":"detained","origin":"los-angeles"}`)
	}
	uids := []string{"0195f3a4-0000-7000-8000-00000000000a", "0195f3a4-0000-7000-8000-00000000000b",
		"0195f3a4-0000-7000-8000-00000000000c", "0195f3a4-0000-7000-8000-00000000000d"}

	// A forger naming los-angeles's key, many times over: refused, and spends nothing of it.
	forged := fromLA(uids[0])
	for range 5 {
		status, _ := post(t, fresno.url, forged.body, forged.sig, func(r *http.Request) {
			signedBy(t, sd, forged.body, 0)(r)
			r.Header.Set(protocol.HeaderKeyID, protocol.KeyID(la.code, la.cfg.Keys().SigningKey()))
		})
		if status != http.StatusUnauthorized {
			t.Fatalf("a request signed by another key under los-angeles's key id: %d", status)
		}
	}

	deliver(t, la, fresno, fromLA(uids[0]))
	deliver(t, la, fresno, fromLA(uids[1]))
	before := stored(t, fresno)
	third := fromLA(uids[2])
	status, answer, h := postHeaders(t, fresno.url, third.body, third.sig, signedBy(t, la, third.body, 0))
	if retry := h.Get("Retry-After"); status != http.StatusTooManyRequests || retry != "2" || !strings.Contains(string(answer), "send again in 2 s") {
		t.Fatalf("over the allowance: %d, Retry-After %q, %s", status, h.Get("Retry-After"), answer)
	}
	if after := stored(t, fresno); after != before {
		t.Fatalf("a refused envelope stored something: %v, then %v", before, after)
	}

	// Another peer's key has its own allowance.
	deliver(t, sd, fresno, sdEnvelope(t, sd, fresno, uids[3]))

	c.Add(2 * time.Second)
	deliver(t, la, fresno, third)
	if n := count(t, fresno, "federation_inbox"); n != 4 {
		t.Fatalf("%d envelopes stored, want 4", n)
	}
}

// TestRelayWaitsWhenThePeerAsksTo: a 429 stops the pass at once; the relay sends nothing,
// and does not probe, until the Retry-After the peer gave, then goes on where it stopped.
func TestRelayWaitsWhenThePeerAsksTo(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	c := apptest.NewClock(time.Now())
	apptest.Appliance(fresno.app).Federation.SetClock(c.Now)
	apptest.Appliance(fresno.app).Federation.SetInboxLimit(0.5, 2) // one envelope every 2 s, 2 at once
	for i := range 6 {
		raise(t, la, newRegistrant(t, la, fmt.Sprintf("+1310555020%d", i)))
	}
	relay := la.relay(c)
	attempts := func() int {
		n := 0
		for _, row := range federationRows(t, la, "fresno", "pending") {
			n += row.GetInt("attempts")
		}
		return n
	}

	runOnce(t, relay)
	if sent := len(federationRows(t, la, "fresno", "sent")); sent != 2 {
		t.Fatalf("%d rows sent within the allowance of 2", sent)
	}
	if got, want := relay.RetryAt("fresno"), c.Now().Add(2*time.Second); !got.Equal(want) {
		t.Fatalf("after a 429 with Retry-After 2 the relay tries again at %v, want %v", got, want)
	}
	tried := attempts()
	if tried == 0 {
		t.Fatal("the refused rows do not show the attempt")
	}
	if row := federationRows(t, la, "fresno", "pending")[0]; !strings.Contains(row.GetString("last_error"), "fresno answered 429") {
		t.Errorf("last error %q", row.GetString("last_error"))
	}

	c.Add(1500 * time.Millisecond) // past a first backoff, before the time the peer gave
	runOnce(t, relay)
	if n := attempts(); n != tried {
		t.Fatalf("the relay sent %d rows again before the Retry-After", n-tried)
	}

	c.Add(500 * time.Millisecond)
	runOnce(t, relay)
	if sent := len(federationRows(t, la, "fresno", "sent")); sent != 3 {
		t.Fatalf("%d rows sent once the peer's wait was over, want 3", sent)
	}
	if n := count(t, fresno, "federation_inbox"); n != 3 {
		t.Fatalf("fresno stored %d envelopes, want 3", n)
	}
}

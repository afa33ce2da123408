package federation_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/apptest"
)

// stored counts what an inbox request may store at n.
func stored(t *testing.T, n *node) [5]int {
	return [5]int{
		count(t, n, "federation_inbox"), count(t, n, "federation_nonces"), count(t, n, "alerts"),
		count(t, n, "alert_events"), count(t, n, "outbox"),
	}
}

// TestInboxRefusals: every refusal says why and stores nothing.
func TestInboxRefusals(t *testing.T) {
	t.Parallel()
	la, fresno, sd := newNode(t, "los-angeles"), newNode(t, "fresno"), newNode(t, "san-diego")
	trust(t, la, fresno)
	trust(t, fresno, la)
	trust(t, la, sd)
	trust(t, sd, fresno)
	raise(t, la, newRegistrant(t, la, "+13105550101"))
	row := builtRow(t, la, "fresno")
	body, sig := []byte(row.GetString("envelope")), row.GetString("signature")

	// An envelope for san-diego; one sealed to the wrong key; one whose origin fresno does
	// not trust (san-diego), carried by los-angeles.
	uid := row.GetString("alert")
	toSD := envelopeRow(t, la, "san-diego", protocol.TypeCreated, uid)
	federation.AddPeer(la.app, la.code, "fresno", fresno.url, fresno.cfg.Keys().SigningKey(), sd.cfg.Keys().SealKey(), time.Now())
	wrongSeal := envelopeRow(t, la, "fresno", protocol.TypeCreated, uid)
	trust(t, la, fresno)
	fromSD := sdEnvelope(t, sd, fresno, "0195f3a4-0000-7000-8000-abcdefabcdef")

	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	tampered := bytes.Replace(body, []byte(`"seq":1`), []byte(`"seq":9`), 1)
	if bytes.Equal(tampered, body) {
		t.Fatalf("test envelope: %s", body)
	}

	cases := []struct {
		name   string
		body   []byte
		envSig string
		sign   func(*http.Request)
		status int
		says   string
	}{
		{"no signature", body, sig, nil, 401, "missing signature headers"},
		{"unknown consulate", body, sig, signAs(t, "houston", otherKey, body, 0), 401, "houston is not a trusted peer"},
		{"another key for a trusted code", body, sig, signAs(t, "los-angeles", otherKey, body, 0), 401, "not a current key of los-angeles"},
		{"bad request signature", body, sig, badSignature(t, la, body), 401, "does not verify"},
		{"tampered body", tampered, sig, signedBy(t, la, body, 0), 401, "the body is not what was signed"},
		{"tampered envelope", tampered, sig, signedBy(t, la, tampered, 0), 401, "not signed by its origin"},
		{"no envelope signature", body, "", signedBy(t, la, body, 0), 401, "envelope signature"},
		{"expired", body, sig, signedBy(t, la, body, -6*time.Minute), 401, "expired"},
		{"from the future", body, sig, signedBy(t, la, body, 6*time.Minute), 401, "future"},
		{"malformed", []byte(`{"v":1}`), sig, signedBy(t, la, []byte(`{"v":1}`), 0), 400, "malformed"},
		{"wrong destination", []byte(toSD.GetString("envelope")), toSD.GetString("signature"), signedBy(t, la, []byte(toSD.GetString("envelope")), 0), 400, "the envelope is for san-diego"},
		{"sealed to another key", []byte(wrongSeal.GetString("envelope")), wrongSeal.GetString("signature"), signedBy(t, la, []byte(wrongSeal.GetString("envelope")), 0), 400, "does not open"},
		{"origin not trusted", fromSD.body, fromSD.sig, signedBy(t, la, fromSD.body, 0), 401, "the origin san-diego is not a trusted peer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := stored(t, fresno)
			status, answer := post(t, fresno.url, c.body, c.envSig, c.sign)
			if status != c.status || !strings.Contains(string(answer), c.says) {
				t.Errorf("got %d %s, want %d saying %q", status, answer, c.status, c.says)
			}
			if after := stored(t, fresno); after != before {
				t.Errorf("a refusal stored something: %v -> %v", before, after)
			}
		})
	}

	t.Run("replayed nonce", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, fresno.url+federation.InboxPath, nil)
		signedBy(t, la, body, 0)(req)
		replay := func(r *http.Request) {
			for _, h := range []string{protocol.HeaderKeyID, protocol.HeaderCreated, protocol.HeaderNonce, protocol.HeaderDigest, protocol.HeaderSignature} {
				r.Header.Set(h, req.Header.Get(h))
			}
		}
		if status, answer := post(t, fresno.url, body, sig, replay); status != 200 {
			t.Fatalf("first delivery: %d %s", status, answer)
		}
		before := stored(t, fresno)
		status, answer := post(t, fresno.url, body, sig, replay)
		if status != 401 || !strings.Contains(string(answer), "replayed") {
			t.Errorf("replay: %d %s", status, answer)
		}
		if after := stored(t, fresno); after != before {
			t.Errorf("a replay stored something: %v -> %v", before, after)
		}
	})

	t.Run("carried by another peer", func(t *testing.T) {
		trust(t, fresno, sd)
		status, answer := post(t, fresno.url, fromSD.body, fromSD.sig, signedBy(t, la, fromSD.body, 0))
		if status != 200 {
			t.Fatalf("an envelope from san-diego carried by los-angeles: %d %s", status, answer)
		}
	})
}

type builtEnvelope struct {
	body []byte
	sig  string
}

// sdEnvelope is an alert.created from san-diego to dest about uid.
func sdEnvelope(t *testing.T, sd, dest *node, uid string) builtEnvelope {
	return envelopeFrom(t, sd, dest, protocol.TypeCreated, uid, 1, `{"kind":"raid","origin":"san-diego"}`)
}

// signAs signs with any key under any code.
func signAs(t *testing.T, code string, key ed25519.PrivateKey, body []byte, offset time.Duration) func(*http.Request) {
	return func(r *http.Request) {
		pub := base64.RawURLEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
		if err := protocol.SignRequest(r, body, protocol.KeyID(code, pub), key, time.Now().Add(offset)); err != nil {
			t.Fatal(err)
		}
	}
}

// badSignature signs properly, then puts the signature of another request in its place.
func badSignature(t *testing.T, n *node, body []byte) func(*http.Request) {
	return func(r *http.Request) {
		other, _ := http.NewRequest(http.MethodPost, r.URL.String(), nil)
		signedBy(t, n, []byte("other"), 0)(other)
		signedBy(t, n, body, 0)(r)
		r.Header.Set(protocol.HeaderSignature, other.Header.Get(protocol.HeaderSignature))
	}
}

// TestDeliveriesStayOutOfTheRequestLog: an envelope taken is in federation_inbox, so the
// request log keeps only the refusals.
func TestDeliveriesStayOutOfTheRequestLog(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	fresno.app.Settings().Logs.MaxDays = 3 // as the settings migration has it; the test app turns logging off
	raise(t, la, newRegistrant(t, la, "+13105550101"))
	row := builtRow(t, la, "fresno")
	body, sig := []byte(row.GetString("envelope")), row.GetString("signature")
	if status, answer := post(t, fresno.url, body, sig, signedBy(t, la, body, 0)); status != 200 {
		t.Fatalf("delivery: %d %s", status, answer)
	}
	if status, answer := post(t, fresno.url, body, sig, nil); status != 401 {
		t.Fatalf("unsigned: %d %s", status, answer)
	}
	// The refusal's row, made after the delivery's would have been.
	statuses := apptest.RequestLogStatuses(t, fresno.app, federation.InboxPath, 1)
	if fmt.Sprint(statuses) != "[401]" {
		t.Fatalf("request log statuses for the inbox: %v, want [401]", statuses)
	}
}

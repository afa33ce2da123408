package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReceiptRoundTrip(t *testing.T) {
	env := sealedEnvelope(t)
	b, err := NewReceipt(env, "san-diego", destSigner, testNow.Add(1500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyReceipt(b, env, pub(destSigner)); err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"envelope": env.ID, "alert": env.Alert, "receiver": "san-diego", "received_at": "2026-03-14T15:09:27.5Z"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
	if len(m) != 5 || m["signature"] == "" {
		t.Errorf("receipt fields %v", m)
	}
}

func TestReceiptRefuses(t *testing.T) {
	env := sealedEnvelope(t)
	b, err := NewReceipt(env, "san-diego", destSigner, testNow)
	if err != nil {
		t.Fatal(err)
	}

	other := func(edit func(*Envelope)) *Envelope {
		e := *env
		edit(&e)
		return &e
	}
	mismatches := map[string]*Envelope{
		"other envelope id":  other(func(e *Envelope) { e.ID = NewID() }),
		"other alert":        other(func(e *Envelope) { e.Alert = NewID() }),
		"other destination":  other(func(e *Envelope) { e.Destination = "san-jose" }),
		"no envelope at all": nil,
	}
	for name, e := range mismatches {
		if err := VerifyReceipt(b, e, pub(destSigner)); !errors.Is(err, ErrReceiptMismatch) {
			t.Errorf("%s: err %v, want ErrReceiptMismatch", name, err)
		}
	}

	if err := VerifyReceipt(b, env, pub(otherSigner)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("verified with another signer's key: %v", err)
	}
	forged, err := NewReceipt(env, "san-diego", otherSigner, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyReceipt(forged, env, pub(destSigner)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("receipt signed by another key verified: %v", err)
	}
	later := bytes.Replace(b, []byte(`"received_at":"2026-03-14T15:09:26Z"`), []byte(`"received_at":"2026-03-14T15:09:27Z"`), 1)
	if bytes.Equal(later, b) {
		t.Fatal("test did not change received_at")
	}
	if err := VerifyReceipt(later, env, pub(destSigner)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("receipt with another received_at verified: %v", err)
	}

	malformed := map[string][]byte{
		"not json":      []byte("ok"),
		"unknown field": bytes.Replace(b, []byte(`{`), []byte(`{"status":"ok",`), 1),
		"repeated":      bytes.Replace(b, []byte(`{`), []byte(`{"receiver":"san-diego",`), 1),
		"missing field": bytes.Replace(b, []byte(`"receiver":"san-diego",`), nil, 1),
		"bad time":      bytes.Replace(b, []byte(`2026-03-14T15:09:26Z`), []byte(`now`), 1),
		"oversize":      append(bytes.Repeat([]byte(" "), MaxReceiptSize), b...),
	}
	for name, m := range malformed {
		if err := VerifyReceipt(m, env, pub(destSigner)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", name, err)
		}
	}
}

func TestNewReceiptOnlyByDestination(t *testing.T) {
	env := sealedEnvelope(t)
	_, err := NewReceipt(env, "los-angeles", originSigner, testNow)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "san-diego") {
		t.Fatalf("a receipt by the origin: %v", err)
	}
}

package protocol

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// MaxReceiptSize caps a receipt.
const MaxReceiptSize = 4 << 10

const receiptLabel = "alertbutton-federation-receipt-v1"

type receipt struct {
	Envelope   string `json:"envelope"`
	Alert      string `json:"alert"`
	Receiver   string `json:"receiver"`
	ReceivedAt string `json:"received_at"`
	Signature  string `json:"signature"`
}

// NewReceipt is the destination's answer to an envelope it stored: signed
// JSON to send back as is, and to send again for a duplicate.
func NewReceipt(env *Envelope, receiver string, priv ed25519.PrivateKey, now time.Time) ([]byte, error) {
	if err := env.checkHeader(); err != nil {
		return nil, err
	}
	if receiver != env.Destination {
		return nil, fmt.Errorf("%w: %q cannot sign a receipt for an envelope to %q", ErrMalformed, receiver, env.Destination)
	}
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: not an Ed25519 private key", ErrMalformed)
	}
	rc := receipt{
		Envelope:   env.ID,
		Alert:      env.Alert,
		Receiver:   receiver,
		ReceivedAt: now.UTC().Format(time.RFC3339Nano),
	}
	rc.Signature = base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, rc.signed()))
	return json.Marshal(rc)
}

// VerifyReceipt checks that b is env's destination's receipt for env, signed
// with receiverKey.
func VerifyReceipt(b []byte, env *Envelope, receiverKey ed25519.PublicKey) error {
	rc, err := parseReceipt(b)
	if err != nil {
		return err
	}
	if env == nil || rc.Envelope != env.ID || rc.Alert != env.Alert || rc.Receiver != env.Destination {
		return fmt.Errorf("%w: receipt for envelope %s, alert %s, from %s", ErrReceiptMismatch, rc.Envelope, rc.Alert, rc.Receiver)
	}
	sig, ok := decodeKey(rc.Signature, ed25519.SignatureSize)
	if !ok {
		return fmt.Errorf("%w: receipt signature is not base64url Ed25519", ErrBadSignature)
	}
	if len(receiverKey) != ed25519.PublicKeySize || !ed25519.Verify(receiverKey, rc.signed(), sig) {
		return fmt.Errorf("%w: receipt is not signed by %s's key", ErrBadSignature, rc.Receiver)
	}
	return nil
}

func parseReceipt(b []byte) (receipt, error) {
	var rc receipt
	if len(b) > MaxReceiptSize {
		return rc, fmt.Errorf("%w: receipt is %d bytes, more than %d", ErrMalformed, len(b), MaxReceiptSize)
	}
	seen, err := decodeObject(b, map[string]any{
		"envelope": &rc.Envelope, "alert": &rc.Alert, "receiver": &rc.Receiver,
		"received_at": &rc.ReceivedAt, "signature": &rc.Signature,
	})
	if err != nil {
		return rc, fmt.Errorf("receipt: %w", err)
	}
	if err := requireFields(seen, "receipt", "envelope", "alert", "receiver", "received_at", "signature"); err != nil {
		return rc, err
	}
	if !validID(rc.Envelope) || !validID(rc.Alert) || !validCode(rc.Receiver) {
		return rc, fmt.Errorf("%w: receipt has a bad envelope id, alert uid or receiver", ErrMalformed)
	}
	if _, err := time.Parse(time.RFC3339Nano, rc.ReceivedAt); err != nil {
		return rc, fmt.Errorf("%w: receipt received_at %q is not RFC 3339", ErrMalformed, rc.ReceivedAt)
	}
	return rc, nil
}

// signed is what the receipt signature covers: received_at as written, so no
// time formatting can change it.
func (rc receipt) signed() []byte {
	return []byte(strings.Join([]string{
		receiptLabel, rc.Envelope, rc.Alert, rc.Receiver, rc.ReceivedAt,
	}, "\n"))
}

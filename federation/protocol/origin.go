package protocol

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
)

// HeaderEnvelopeSignature carries the origin's signature of the envelope
// bytes (SignEnvelope) on every hop, so that a peer other than the origin can
// carry the envelope and the destination can still tell who wrote it.
const HeaderEnvelopeSignature = "Federation-Envelope-Signature"

const envelopeLabel = "alertbutton-federation-envelope-v1\n"

// SignEnvelope signs the exact bytes Marshal returned with the origin's key;
// the result is base64url.
func SignEnvelope(body []byte, priv ed25519.PrivateKey) (string, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("%w: not an Ed25519 private key", ErrMalformed)
	}
	sig := ed25519.Sign(priv, append([]byte(envelopeLabel), body...))
	return base64.RawURLEncoding.EncodeToString(sig), nil
}

// VerifyEnvelope checks SignEnvelope's signature against the origin's keys
// (those valid at the envelope's created_at); one must verify.
func VerifyEnvelope(body []byte, sig string, originKeys ...ed25519.PublicKey) error {
	if len(originKeys) == 0 {
		return fmt.Errorf("%w: no key for the origin", ErrUnknownKey)
	}
	raw, ok := decodeKey(sig, ed25519.SignatureSize)
	if !ok {
		return fmt.Errorf("%w: envelope signature is not base64url Ed25519", ErrBadSignature)
	}
	msg := append([]byte(envelopeLabel), body...)
	for _, k := range originKeys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, raw) {
			return nil
		}
	}
	return fmt.Errorf("%w: envelope is not signed by its origin", ErrBadSignature)
}

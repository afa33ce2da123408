// Package protocol is the federation's wire format and cryptography
// (DESIGN.md section 6): envelopes sealed with HPKE to the destination,
// signed inbox requests, signed receipts and the roster signed by the
// federation root key. It holds no state: storing nonces, envelopes and
// receipts, and choosing which keys to trust, is the caller's.
package protocol

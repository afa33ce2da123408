package protocol

import "errors"

var (
	// ErrMalformed is input that is not in the wire format: bad JSON, unknown
	// or missing fields, bad ids, an unknown version, too large.
	ErrMalformed = errors.New("protocol: malformed")

	// ErrMissingHeaders is a request without one of the signature headers.
	ErrMissingHeaders = errors.New("protocol: missing signature headers")

	// ErrUnknownKey is a key the caller does not trust.
	ErrUnknownKey = errors.New("protocol: unknown key")

	// ErrBadSignature is a signature that does not verify.
	ErrBadSignature = errors.New("protocol: bad signature")

	// ErrDigestMismatch is a body whose SHA-256 is not the Content-Digest.
	ErrDigestMismatch = errors.New("protocol: content digest mismatch")

	// ErrExpired is a request created longer ago than the window.
	ErrExpired = errors.New("protocol: request expired")

	// ErrFuture is a request created further ahead than the window.
	ErrFuture = errors.New("protocol: request created in the future")

	// ErrCannotOpen is sealed content that does not open with the key and
	// envelope given: another recipient's, or moved from another envelope.
	ErrCannotOpen = errors.New("protocol: sealed content does not open")

	// ErrReceiptMismatch is a receipt for another envelope, alert or receiver.
	ErrReceiptMismatch = errors.New("protocol: receipt does not match the envelope")

	// ErrInsecureURL is a peer URL that is neither https nor loopback.
	ErrInsecureURL = errors.New("protocol: insecure peer URL")
)

package protocol

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

// The fuzz targets' seed corpora are in testdata/fuzz/<Name>/ and run with
// every `go test`; TestWriteFuzzSeeds (-update-seeds) rewrites them and
// TestFuzzSeedsReachValidPaths keeps them deep. None of the targets may
// panic, and every error must be one of this package's.

func FuzzParseEnvelope(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { checkParseEnvelope(t, b) })
}

func FuzzVerifyRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, method, uri string, body []byte, keyID, created, nonce, digest, sig string) {
		checkVerifyRequest(t, method, uri, body, keyID, created, nonce, digest, sig)
	})
}

func FuzzVerifyReceipt(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { checkVerifyReceipt(t, b) })
}

func FuzzParseRoster(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { checkParseRoster(t, b) })
}

// checkParseEnvelope reports whether b parsed; what parses must marshal back
// to bytes that parse to the same envelope.
func checkParseEnvelope(t *testing.T, b []byte) bool {
	env, err := ParseEnvelope(b)
	if err != nil {
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("ParseEnvelope error %v is not ErrMalformed", err)
		}
		return false
	}
	out, err := Marshal(env)
	if err != nil {
		t.Fatalf("parsed envelope does not marshal: %v", err)
	}
	again, err := ParseEnvelope(out)
	if err != nil {
		t.Fatalf("marshalled envelope does not parse: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(env, again) {
		t.Fatalf("envelope changed through Marshal:\n%+v\n%+v", env, again)
	}
	return true
}

// checkVerifyRequest builds an inbox request from the parts and verifies it
// at testNow, trusting testKeyID; it reports whether it verified.
func checkVerifyRequest(t *testing.T, method, uri string, body []byte, keyID, created, nonce, digest, sig string) bool {
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return false
	}
	r := &http.Request{Method: method, URL: u, Header: http.Header{}}
	for name, v := range map[string]string{
		HeaderKeyID: keyID, HeaderCreated: created, HeaderNonce: nonce, HeaderDigest: digest, HeaderSignature: sig,
	} {
		if v != "" {
			r.Header.Set(name, v)
		}
	}
	v, err := VerifyRequest(r, body, lookupOrigin, testNow, Window)
	if err != nil {
		if !isOneOf(err, ErrMissingHeaders, ErrMalformed, ErrExpired, ErrFuture, ErrDigestMismatch, ErrUnknownKey, ErrBadSignature) {
			t.Fatalf("VerifyRequest error %v is not one of the package's", err)
		}
		return false
	}
	if v.KeyID != keyID || v.Nonce != nonce {
		t.Fatalf("Verified %+v does not match the headers", v)
	}
	if _, err := VerifyRequest(r, append(bytes.Clone(body), 'x'), lookupOrigin, testNow, Window); !errors.Is(err, ErrDigestMismatch) {
		t.Fatalf("a longer body verified: %v", err)
	}
	return true
}

// checkVerifyReceipt verifies b as destSigner's receipt for testEnvelope.
func checkVerifyReceipt(t *testing.T, b []byte) bool {
	env := testEnvelope()
	err := VerifyReceipt(b, env, pub(destSigner))
	if err != nil {
		if !isOneOf(err, ErrMalformed, ErrReceiptMismatch, ErrBadSignature) {
			t.Fatalf("VerifyReceipt error %v is not one of the package's", err)
		}
		return false
	}
	if err := VerifyReceipt(b, env, pub(otherSigner)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("receipt verified with another key: %v", err)
	}
	return true
}

// checkParseRoster parses b under rootKey; what parses must sign and parse
// back to the same roster.
func checkParseRoster(t *testing.T, b []byte) bool {
	r, err := ParseRoster(b, pub(rootKey))
	if err != nil {
		if !isOneOf(err, ErrMalformed, ErrBadSignature, ErrInsecureURL) {
			t.Fatalf("ParseRoster error %v is not one of the package's", err)
		}
		return false
	}
	signed, err := SignRoster(r, rootKey)
	if err != nil {
		t.Fatalf("parsed roster does not sign: %v", err)
	}
	again, err := ParseRoster(signed, pub(rootKey))
	if err != nil {
		t.Fatalf("re-signed roster does not parse: %v", err)
	}
	if !reflect.DeepEqual(r, again) {
		t.Fatalf("roster changed through SignRoster:\n%+v\n%+v", r, again)
	}
	return true
}

func isOneOf(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

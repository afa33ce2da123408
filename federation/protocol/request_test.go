package protocol

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var testKeyID = KeyID("los-angeles", pubString(originSigner))

func lookupOrigin(keyID string) (ed25519.PublicKey, error) {
	if keyID == testKeyID {
		return pub(originSigner), nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownKey, keyID)
}

func signedRequest(t *testing.T, body []byte, at time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/api/federation/v1/inbox", bytes.NewReader(body))
	if err := SignRequest(r, body, testKeyID, originSigner, at); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSignVerifyRequest(t *testing.T) {
	body := []byte(`{"v":1}`)
	r := signedRequest(t, body, testNow)
	v, err := VerifyRequest(r, body, lookupOrigin, testNow, Window)
	if err != nil {
		t.Fatal(err)
	}
	if v.KeyID != testKeyID || v.Code != "los-angeles" || !v.Created.Equal(testNow) || v.Nonce != r.Header.Get(HeaderNonce) {
		t.Fatalf("Verified %+v", v)
	}
	if len(v.Nonce) != 22 {
		t.Fatalf("nonce %q is not 128 bits in base64url", v.Nonce)
	}
	if other := signedRequest(t, body, testNow); other.Header.Get(HeaderNonce) == v.Nonce {
		t.Fatal("two requests got the same nonce")
	}
	if got := r.Header.Get(HeaderDigest); got != "sha-256=:r7+dDzVgsP13legcQqCnnua2/GfgZPd4Jq7mQsrSjZE=:" {
		t.Fatalf("Content-Digest %q", got)
	}
}

// TestSignedRequestOverTCP sends a signed request through a TCP relay, as the
// multi-process tests do: the Host the server sees is the relay's.
func TestSignedRequestOverTCP(t *testing.T) {
	verified := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, MaxEnvelopeSize))
		_, err := VerifyRequest(r, body, lookupOrigin, testNow, Window)
		verified <- err
	}))
	defer srv.Close()
	relay := tcpRelay(t, srv.Listener.Addr().String())

	body := []byte(`{"v":1,"id":"x"}`)
	req, err := http.NewRequest(http.MethodPost, "http://"+relay+"/api/federation/v1/inbox?retry=2", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := SignRequest(req, body, testKeyID, originSigner, testNow); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	select {
	case err := <-verified:
		if err != nil {
			t.Fatalf("server refused the signed request: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the server")
	}
}

func tcpRelay(t *testing.T, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go io.Copy(s, c)
				io.Copy(c, s)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestVerifyRequestRefuses(t *testing.T) {
	body := []byte(`{"v":1}`)
	cases := []struct {
		name string
		edit func(r *http.Request) []byte // returns the body the server reads
		want error
	}{
		{"tampered body", func(r *http.Request) []byte { return []byte(`{"v":2}`) }, ErrDigestMismatch},
		{"digest of another body", func(r *http.Request) []byte {
			r.Header.Set(HeaderDigest, contentDigest([]byte(`{"v":2}`)))
			return []byte(`{"v":2}`)
		}, ErrBadSignature},
		{"tampered signature", func(r *http.Request) []byte {
			sig := []byte(r.Header.Get(HeaderSignature))
			if sig[0] = 'A'; r.Header.Get(HeaderSignature)[0] == 'A' {
				sig[0] = 'B'
			}
			r.Header.Set(HeaderSignature, string(sig))
			return body
		}, ErrBadSignature},
		{"other method", func(r *http.Request) []byte { r.Method = http.MethodPut; return body }, ErrBadSignature},
		{"other path", func(r *http.Request) []byte { r.URL.Path = "/api/federation/v1/other"; return body }, ErrBadSignature},
		{"added query", func(r *http.Request) []byte { r.URL.RawQuery = "x=1"; return body }, ErrBadSignature},
		{"other nonce", func(r *http.Request) []byte { r.Header.Set(HeaderNonce, NewID()); return body }, ErrBadSignature},
		{"other created", func(r *http.Request) []byte {
			r.Header.Set(HeaderCreated, fmt.Sprint(testNow.Unix()-1))
			return body
		}, ErrBadSignature},
		{"other key id", func(r *http.Request) []byte {
			r.Header.Set(HeaderKeyID, KeyID("los-angeles", pubString(otherSigner)))
			return body
		}, ErrUnknownKey},
		{"repeated header", func(r *http.Request) []byte { r.Header.Add(HeaderNonce, NewID()); return body }, ErrMalformed},
		{"bad nonce", func(r *http.Request) []byte { r.Header.Set(HeaderNonce, "abc"); return body }, ErrMalformed},
		{"bad created", func(r *http.Request) []byte { r.Header.Set(HeaderCreated, "+1773500966"); return body }, ErrMalformed},
		{"bad digest", func(r *http.Request) []byte { r.Header.Set(HeaderDigest, "sha-512=:AAAA:"); return body }, ErrMalformed},
	}
	for _, name := range []string{HeaderKeyID, HeaderCreated, HeaderNonce, HeaderDigest, HeaderSignature} {
		cases = append(cases, struct {
			name string
			edit func(r *http.Request) []byte
			want error
		}{"missing " + name, func(r *http.Request) []byte { r.Header.Del(name); return body }, ErrMissingHeaders})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := signedRequest(t, body, testNow)
			got := c.edit(r)
			_, err := VerifyRequest(r, got, lookupOrigin, testNow, Window)
			if !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
}

// TestHostIsNotSigned: requests reach peers through proxies that change Host.
func TestHostIsNotSigned(t *testing.T) {
	body := []byte(`{}`)
	r := signedRequest(t, body, testNow)
	r.Host = "127.0.0.1:39999"
	if _, err := VerifyRequest(r, body, lookupOrigin, testNow, Window); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyRequestWindow(t *testing.T) {
	body := []byte(`{}`)
	cases := []struct {
		name    string
		created time.Time
		want    error
	}{
		{"now", testNow, nil},
		{"skew behind, inside", testNow.Add(-Window + time.Second), nil},
		{"skew ahead, inside", testNow.Add(Window - time.Second), nil},
		{"at the window's edge", testNow.Add(-Window), nil},
		{"expired", testNow.Add(-Window - time.Second), ErrExpired},
		{"future", testNow.Add(Window + time.Second), ErrFuture},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := signedRequest(t, body, c.created)
			_, err := VerifyRequest(r, body, lookupOrigin, testNow, Window)
			if !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}

	// window <= 0 means the default, not "anything goes" or "nothing goes".
	r := signedRequest(t, body, testNow.Add(-Window-time.Second))
	if _, err := VerifyRequest(r, body, lookupOrigin, testNow, 0); !errors.Is(err, ErrExpired) {
		t.Fatalf("zero window: %v", err)
	}
	r = signedRequest(t, body, testNow.Add(-time.Minute))
	if _, err := VerifyRequest(r, body, lookupOrigin, testNow, 0); err != nil {
		t.Fatalf("zero window: %v", err)
	}
	// A narrower window is honoured.
	if _, err := VerifyRequest(r, body, lookupOrigin, testNow, 30*time.Second); !errors.Is(err, ErrExpired) {
		t.Fatalf("30s window: %v", err)
	}
}

func TestVerifyRequestLookupErrors(t *testing.T) {
	body := []byte(`{}`)
	r := signedRequest(t, body, testNow)
	dbDown := errors.New("database is locked")
	_, err := VerifyRequest(r, body, func(string) (ed25519.PublicKey, error) { return nil, dbDown }, testNow, Window)
	if !errors.Is(err, dbDown) || errors.Is(err, ErrUnknownKey) {
		t.Fatalf("lookup failure became %v", err)
	}
	_, err = VerifyRequest(r, body, func(string) (ed25519.PublicKey, error) { return nil, nil }, testNow, Window)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("nil key: %v", err)
	}
	_, err = VerifyRequest(r, body, func(string) (ed25519.PublicKey, error) { return pub(otherSigner), nil }, testNow, Window)
	if !errors.Is(err, ErrBadSignature) {
		t.Fatalf("another peer's key: %v", err)
	}
}

func TestSignRequestRefusesBadInput(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/api/federation/v1/inbox", nil)
	if err := SignRequest(r, nil, "los-angeles", originSigner, testNow); !errors.Is(err, ErrMalformed) {
		t.Errorf("key id without key: %v", err)
	}
	if err := SignRequest(r, nil, testKeyID, originSigner[:10], testNow); !errors.Is(err, ErrMalformed) {
		t.Errorf("short private key: %v", err)
	}
	if len(r.Header.Values(HeaderSignature)) != 0 || strings.Contains(fmt.Sprint(r.Header), "Federation") {
		t.Errorf("a refused request got headers: %v", r.Header)
	}
}

package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pushKeys are a browser's subscription keys: the receiver holds the private half, so it
// can open what the appliance encrypts (RFC 8291, aes128gcm).
type pushKeys struct {
	P256dh, Auth string // base64url without padding, as stored
	priv         *ecdh.PrivateKey
	pub, auth    []byte
}

func newPushKeys() (pushKeys, error) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return pushKeys{}, err
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	pub := priv.PublicKey().Bytes()
	return pushKeys{
		P256dh: base64.RawURLEncoding.EncodeToString(pub),
		Auth:   base64.RawURLEncoding.EncodeToString(auth),
		priv:   priv, pub: pub, auth: auth,
	}, nil
}

func hmacSum(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// decrypt opens an aes128gcm web push message of one record (RFC 8188, 8291).
func (k pushKeys) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short message")
	}
	salt, idLen := body[:16], int(body[20])
	_ = binary.BigEndian.Uint32(body[16:20]) // record size: one record is all webpush-go sends
	if len(body) < 21+idLen {
		return nil, errors.New("short header")
	}
	senderPub, ct := body[21:21+idLen], body[21+idLen:]
	pub, err := ecdh.P256().NewPublicKey(senderPub)
	if err != nil {
		return nil, err
	}
	shared, err := k.priv.ECDH(pub)
	if err != nil {
		return nil, err
	}
	ikm := hmacSum(hmacSum(k.auth, shared), []byte("WebPush: info\x00"), k.pub, senderPub, []byte{1})
	prk := hmacSum(salt, ikm)
	cek := hmacSum(prk, []byte("Content-Encoding: aes128gcm\x00\x01"))[:16]
	nonce := hmacSum(prk, []byte("Content-Encoding: nonce\x00\x01"))[:12]
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	pt, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, err
	}
	i := len(pt) - 1
	for i >= 0 && pt[i] == 0 {
		i--
	}
	if i < 0 || pt[i] != 2 {
		return nil, errors.New("no final-record delimiter")
	}
	return pt[:i], nil
}

// arrival is one push the receiver got.
type arrival struct {
	Sub, Type, Alert string
	At               time.Time
}

// pushReceiver is a push service on 127.0.0.1: it answers 201 to every message at
// /push/{subscription}, timestamps it and decrypts it.
type pushReceiver struct {
	keys pushKeys
	Host string // 127.0.0.1:PORT, for --push-hosts
	Base string // endpoint prefix: http://127.0.0.1:PORT/push
	srv  *http.Server

	// Latency is how long the service takes to answer, as a real one across the internet
	// does (FCM, Mozilla, Apple); the arrival is timestamped before it.
	Latency time.Duration

	// Opaque receivers count messages without opening them, as a push service does: the
	// ingest scenario's receipts are not what it measures, and opening each one would take
	// the appliance's CPU.
	Opaque bool

	mu       sync.Mutex
	opaque   int
	arrivals []arrival
	bad      int
	badErr   string
	changed  chan struct{}
}

func startPushReceiver() (*pushReceiver, error) {
	keys, err := newPushKeys()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &pushReceiver{keys: keys, Host: ln.Addr().String(), changed: make(chan struct{}, 1)}
	r.Base = "http://" + r.Host + "/push"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /push/{sub}", r.handle)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *pushReceiver) handle(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 8<<10))
	at := time.Now()
	if r.Latency > 0 {
		time.Sleep(r.Latency)
	}
	w.WriteHeader(http.StatusCreated)
	if r.Opaque {
		r.mu.Lock()
		r.opaque++
		r.mu.Unlock()
		return
	}
	a := arrival{Sub: req.PathValue("sub"), At: at}
	if err == nil {
		var pt []byte
		if pt, err = r.keys.decrypt(body); err == nil {
			var p struct{ Type, Alert string }
			if err = json.Unmarshal(pt, &p); err == nil {
				a.Type, a.Alert = p.Type, p.Alert
			}
		}
	}
	if err == nil && req.Header.Get("Content-Encoding") != "aes128gcm" {
		err = errors.New("Content-Encoding is not aes128gcm")
	}
	if err == nil && !strings.HasPrefix(req.Header.Get("Authorization"), "vapid ") {
		err = errors.New("no VAPID Authorization")
	}
	r.mu.Lock()
	if err != nil {
		r.bad++
		r.badErr = err.Error()
	} else {
		r.arrivals = append(r.arrivals, a)
	}
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Counted is how many messages an Opaque receiver got.
func (r *pushReceiver) Counted() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.opaque
}

// Take returns the arrivals so far and forgets them, with the count of undecryptable ones.
func (r *pushReceiver) Take() ([]arrival, int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out, bad, badErr := r.arrivals, r.bad, r.badErr
	r.arrivals, r.bad, r.badErr = nil, 0, ""
	return out, bad, badErr
}

// Wait waits until n arrivals are held or the timeout passes; it reports how many are held.
func (r *pushReceiver) Wait(n int, timeout time.Duration) int {
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		got := len(r.arrivals)
		r.mu.Unlock()
		if got >= n {
			return got
		}
		select {
		case <-deadline:
			return got
		case <-r.changed:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (r *pushReceiver) Close() { r.srv.Close() }

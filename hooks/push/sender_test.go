package push

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/SherClockHolmes/webpush-go"
)

// received is what a fake push service saw.
type received struct {
	header http.Header
	body   []byte
}

// fakeService answers every request with status (and headers) and reports
// what it received.
func fakeService(t *testing.T, status int, header map[string]string) (*httptest.Server, <-chan received) {
	t.Helper()
	got := make(chan received, 200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- received{r.Header.Clone(), body}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"reason":"test"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func testSender(t testing.TB, subject string, client *http.Client) *Sender {
	t.Helper()
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	return NewSender(public, private, subject, client)
}

func testSubscription(t testing.TB, endpoint string) Subscription {
	t.Helper()
	p256dh, auth := newKeys(t)
	return Subscription{
		Endpoint: endpoint + "/push/abc",
		P256dh:   base64.RawURLEncoding.EncodeToString(p256dh),
		Auth:     base64.RawURLEncoding.EncodeToString(auth),
	}
}

var testClient = &http.Client{Timeout: 5 * time.Second}

// jwtClaims decodes the claims of the VAPID token in "vapid t=JWT, k=KEY".
func jwtClaims(t *testing.T, authorization string) map[string]any {
	t.Helper()
	token, _, _ := strings.Cut(strings.TrimPrefix(authorization, "vapid t="), ",")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("Authorization %q holds no JWT", authorization)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// webpush-go appends the padding to the message itself when the slice has
// spare capacity: sending one slice to many subscriptions at once raced and
// scribbled over the caller's memory.
func TestSendLeavesPayloadAlone(t *testing.T) {
	srv, _ := fakeService(t, http.StatusCreated, nil)
	sender := testSender(t, "it@consulado.example", testClient)
	payload := make([]byte, 0, 4096)
	payload = append(payload, Payload{Type: "alert.created", Alert: "01JD3X"}.JSON()...)
	spare := payload[:cap(payload)]
	for i := len(payload); i < len(spare); i++ {
		spare[i] = 0xAA
	}
	before := bytes.Clone(spare)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			res := sender.Send(context.Background(), testSubscription(t, srv.URL), payload, 0)
			if res.Outcome != Delivered {
				t.Errorf("Send = %+v", res)
			}
		})
	}
	wg.Wait()
	if !bytes.Equal(spare, before) {
		t.Fatal("Send wrote into the payload's backing array")
	}
}

// The record size and TTL of each message are its own while others are in
// flight: webpush-go reads them from Options while it works, so Options shared
// between sends would hand one message another's.
func TestConcurrentSendsKeepTheirOwnOptions(t *testing.T) {
	srv, got := fakeService(t, http.StatusCreated, nil)
	sender := testSender(t, "x@y", testClient)
	sub := testSubscription(t, srv.URL)
	sizes := map[string]int{"60": 1024, "120": 2048, "180": 3000} // TTL in seconds: record size
	const rounds = 50

	var wg sync.WaitGroup
	for range rounds {
		for ttl, size := range sizes {
			wg.Go(func() {
				secs, _ := strconv.Atoi(ttl)
				res := sender.Send(context.Background(), sub, make([]byte, size-recordOverhead), time.Duration(secs)*time.Second)
				if res.Outcome != Delivered {
					t.Errorf("Send = %+v", res)
				}
			})
		}
	}
	wg.Wait() // the service reports each message before it answers
	if len(got) != rounds*len(sizes) {
		t.Errorf("the service got %d messages, want %d", len(got), rounds*len(sizes))
	}
	for len(got) > 0 {
		r := <-got
		if want := sizes[r.header.Get("TTL")]; len(r.body) != want {
			t.Errorf("TTL %s came with a record of %d bytes, want %d", r.header.Get("TTL"), len(r.body), want)
		}
	}
}

// "mailto:" is prefixed to any subject that is not https, once.
func TestVAPIDSubject(t *testing.T) {
	srv, got := fakeService(t, http.StatusCreated, nil)
	for subject, want := range map[string]string{
		"mailto:x@y":                         "mailto:x@y",
		"MAILTO:x@y":                         "mailto:x@y",
		"x@y":                                "mailto:x@y",
		"https://consulado.example/contacto": "https://consulado.example/contacto",
	} {
		res := testSender(t, subject, testClient).Send(context.Background(), testSubscription(t, srv.URL), []byte("{}"), 0)
		if res.Outcome != Delivered {
			t.Fatalf("Send = %+v", res)
		}
		claims := jwtClaims(t, (<-got).header.Get("Authorization"))
		if claims["sub"] != want {
			t.Errorf("subject %q: sub claim %q, want %q", subject, claims["sub"], want)
		}
		if claims["aud"] != srv.URL {
			t.Errorf("aud claim %q, want %q", claims["aud"], srv.URL)
		}
	}
}

// Push services refuse tokens that expire more than 24 hours ahead.
func TestVAPIDExpiry(t *testing.T) {
	srv, got := fakeService(t, http.StatusCreated, nil)
	start := time.Now()
	testSender(t, "x@y", testClient).Send(context.Background(), testSubscription(t, srv.URL), []byte("{}"), 0)
	exp, ok := jwtClaims(t, (<-got).header.Get("Authorization"))["exp"].(float64)
	if !ok {
		t.Fatal("the VAPID token has no exp claim")
	}
	expires := time.Unix(int64(exp), 0)
	if expires.Before(start.Add(time.Hour)) || expires.After(start.Add(24*time.Hour)) {
		t.Fatalf("token expires at %v, want between 1 h and 24 h after %v", expires, start)
	}
}

func TestSendHeadersAndPadding(t *testing.T) {
	srv, got := fakeService(t, http.StatusCreated, nil)
	sender := testSender(t, "x@y", testClient)
	sub := testSubscription(t, srv.URL)

	tests := []struct {
		payloadSize int
		ttl         time.Duration
		wantTTL     string
		wantSize    int
	}{
		{10, 0, "86400", 1024},
		{1024 - recordOverhead, time.Hour, "3600", 1024},
		{1024 - recordOverhead + 1, 0, "86400", 2048},
		{maxPayload, 0, "86400", 3000},
	}
	for _, tt := range tests {
		res := sender.Send(context.Background(), sub, bytes.Repeat([]byte("a"), tt.payloadSize), tt.ttl)
		if res.Outcome != Delivered {
			t.Fatalf("payload of %d: Send = %+v", tt.payloadSize, res)
		}
		r := <-got
		for name, want := range map[string]string{"Urgency": "high", "TTL": tt.wantTTL, "Content-Encoding": "aes128gcm"} {
			if v := r.header.Get(name); v != want {
				t.Errorf("payload of %d: %s: %q, want %q", tt.payloadSize, name, v, want)
			}
		}
		// One aes128gcm record: the body is the record size given in its header.
		if len(r.body) != tt.wantSize || binary.BigEndian.Uint32(r.body[16:20]) != uint32(tt.wantSize) {
			t.Errorf("payload of %d: body of %d bytes, rs %d; want %d", tt.payloadSize, len(r.body), binary.BigEndian.Uint32(r.body[16:20]), tt.wantSize)
		}
	}
}

func TestSendTooLargeStaysLocal(t *testing.T) {
	srv, got := fakeService(t, http.StatusCreated, nil)
	res := testSender(t, "x@y", testClient).Send(context.Background(), testSubscription(t, srv.URL), make([]byte, maxPayload+1), 0)
	if res.Outcome != TooLarge || res.Err == nil || res.Status != 0 {
		t.Fatalf("Send = %+v, want too large", res)
	}
	if len(got) != 0 {
		t.Fatal("a payload too large to encrypt was sent")
	}
}

// Send reports whatever the push service answered, 4xx and 5xx included.
func TestSendOutcomes(t *testing.T) {
	httpDate := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		status     int
		header     map[string]string
		want       Outcome
		retryAfter time.Duration
	}{
		{http.StatusCreated, nil, Delivered, 0},
		{http.StatusOK, nil, Delivered, 0},
		{http.StatusAccepted, nil, Delivered, 0},
		{http.StatusNotFound, nil, Gone, 0},
		{http.StatusGone, nil, Gone, 0},
		{http.StatusRequestEntityTooLarge, nil, TooLarge, 0},
		{http.StatusTooManyRequests, map[string]string{"Retry-After": "120"}, Retry, 120 * time.Second},
		{http.StatusServiceUnavailable, map[string]string{"Retry-After": httpDate}, Retry, 90 * time.Second},
		{http.StatusInternalServerError, nil, Retry, 0},
		{http.StatusBadGateway, map[string]string{"Retry-After": "soon"}, Retry, 0},
		{http.StatusRequestTimeout, nil, Retry, 0},
		{http.StatusBadRequest, nil, Rejected, 0},
		{http.StatusUnauthorized, nil, Rejected, 0},
		{http.StatusForbidden, nil, Rejected, 0},
	}
	sender := testSender(t, "x@y", testClient)
	for _, tt := range tests {
		srv, _ := fakeService(t, tt.status, tt.header)
		res := sender.Send(context.Background(), testSubscription(t, srv.URL), []byte("{}"), 0)
		if res.Outcome != tt.want || res.Status != tt.status {
			t.Errorf("%d: got %v/%d, want %v", tt.status, res.Outcome, res.Status, tt.want)
		}
		if (res.Err == nil) != (tt.want == Delivered) {
			t.Errorf("%d: Err = %v", tt.status, res.Err)
		}
		if d := res.RetryAfter - tt.retryAfter; d < -2*time.Second || d > 0 {
			t.Errorf("%d: RetryAfter = %v, want %v", tt.status, res.RetryAfter, tt.retryAfter)
		}
	}
}

func TestSendDoesNotFollowRedirects(t *testing.T) {
	elsewhere, got := fakeService(t, http.StatusCreated, nil)
	srv, _ := fakeService(t, http.StatusTemporaryRedirect, map[string]string{"Location": elsewhere.URL + "/push/abc"})
	res := testSender(t, "x@y", testClient).Send(context.Background(), testSubscription(t, srv.URL), []byte("{}"), 0)
	if res.Outcome != Rejected || res.Status != http.StatusTemporaryRedirect {
		t.Fatalf("Send = %+v, want rejected 307", res)
	}
	if len(got) != 0 {
		t.Fatal("the redirect was followed")
	}
}

// http.DefaultClient has no timeout: a push service that never answers
// would hold a dispatcher forever.
func TestSenderClientHasTimeout(t *testing.T) {
	noTimeout := &http.Client{}
	for _, client := range []*http.Client{nil, noTimeout} {
		if got := testSender(t, "x@y", client).client.Timeout; got != DefaultTimeout {
			t.Errorf("client timeout %v, want %v", got, DefaultTimeout)
		}
	}
	if noTimeout.Timeout != 0 || noTimeout.CheckRedirect != nil {
		t.Error("NewSender changed the caller's client")
	}
	if got := testSender(t, "x@y", &http.Client{Timeout: time.Second}).client.Timeout; got != time.Second {
		t.Errorf("client timeout %v, want the caller's 1s", got)
	}
}

func TestSendHangingServiceIsRetry(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-release // never answers while the test runs
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	sender := testSender(t, "x@y", &http.Client{Timeout: 300 * time.Millisecond})

	start := time.Now()
	res := sender.Send(context.Background(), testSubscription(t, srv.URL), []byte("{}"), 0)
	if res.Outcome != Retry || res.Err == nil || res.Status != 0 {
		t.Fatalf("Send = %+v, want retry", res)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Fatalf("Send took %v with a 300ms timeout", elapsed)
	}
	if calls.Load() != 1 {
		t.Fatalf("the service got %d requests, want 1", calls.Load())
	}
}

func TestSendUnreachableIsRetry(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	endpoint := srv.URL
	srv.Close()
	res := testSender(t, "x@y", testClient).Send(context.Background(), testSubscription(t, endpoint), []byte("{}"), 0)
	if res.Outcome != Retry || res.Err == nil {
		t.Fatalf("Send = %+v, want retry", res)
	}
}

func TestSendBadKeysIsRejected(t *testing.T) {
	srv, got := fakeService(t, http.StatusCreated, nil)
	sub := testSubscription(t, srv.URL)
	sub.P256dh = base64.RawURLEncoding.EncodeToString(make([]byte, 65))
	res := testSender(t, "x@y", testClient).Send(context.Background(), sub, []byte("{}"), 0)
	if res.Outcome != Rejected || res.Err == nil || len(got) != 0 {
		t.Fatalf("Send = %+v, want rejected before sending", res)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for value, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"-5":                            0,
		"99999999999999999":             24 * time.Hour,
		"Wed, 25 Nov 2026 12:01:00 GMT": time.Minute,
		"Wed, 25 Nov 2026 11:00:00 GMT": 0,
		"later":                         0,
	} {
		if got := retryAfter(value, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", value, got, want)
		}
	}
}

package push

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// DefaultTTL is how long a push service keeps a message for an offline
	// phone when Send is given no TTL.
	DefaultTTL = 24 * time.Hour

	// DefaultTimeout bounds one send when the given client has no timeout
	// (http.DefaultClient has none).
	DefaultTimeout = 30 * time.Second

	// vapidLifetime is the VAPID token's lifetime; push services refuse more
	// than 24 h.
	vapidLifetime = 12 * time.Hour

	// recordOverhead is what aes128gcm adds to a message: salt (16), record
	// size (4), key id length (1), key (65), padding delimiter (1), tag (16).
	recordOverhead = 103
)

// recordSizes are the sizes messages are padded to: a push service sees one of
// three lengths, never the payload's, and a Payload.Shorter after a 413 can
// drop to a smaller one. None reaches 4096, which Firefox for Android rejects.
var recordSizes = []uint32{1024, 2048, 3000}

// maxPayload is the largest payload Send accepts.
const maxPayload = 3000 - recordOverhead

// Sender sends web push messages signed with the consulate's VAPID key.
// It is safe for concurrent use.
type Sender struct {
	vapid  *vapid
	client *http.Client
}

// NewSender returns a Sender. subject is the consulate's contact e-mail
// ("mailto:" optional) or an https URL. client may be nil; a client without
// a timeout gets DefaultTimeout.
func NewSender(vapidPublic, vapidPrivate, subject string, client *http.Client) *Sender {
	c := http.Client{}
	if client != nil {
		c = *client
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	// Push services do not redirect; following one could reach a host
	// outside the allow-list.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Sender{
		vapid:  newVAPID(vapidPublic, vapidPrivate, bareSubject(subject)),
		client: &c,
	}
}

// bareSubject strips "mailto:", which is added back to anything that is not
// an https URL.
func bareSubject(subject string) string {
	if len(subject) >= 7 && strings.EqualFold(subject[:7], "mailto:") {
		return subject[7:]
	}
	return subject
}

// Send encrypts payload for sub and posts it to the push service with
// Urgency: high. A ttl <= 0 means DefaultTTL.
func (s *Sender) Send(ctx context.Context, sub Subscription, payload []byte, ttl time.Duration) Result {
	size, ok := recordSize(len(payload))
	if !ok {
		return Result{Outcome: TooLarge, Err: fmt.Errorf("push: payload of %d bytes is over %d", len(payload), maxPayload)}
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	req, err := s.request(ctx, sub, payload, size, ttl)
	if err != nil {
		return Result{Outcome: Rejected, Err: err} // bad keys or endpoint: retrying will not help
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return Result{Outcome: Retry, Err: err} // no answer: timeout, refused, reset
	}
	defer resp.Body.Close()
	return readResult(resp)
}

// request builds the POST of one encrypted message (RFC 8030, RFC 8291, RFC 8292).
func (s *Sender) request(ctx context.Context, sub Subscription, payload []byte, size uint32, ttl time.Duration) (*http.Request, error) {
	body, err := encrypt(payload, sub, size)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	auth, err := s.vapid.header(req.URL.Scheme + "://" + req.URL.Host)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("TTL", strconv.Itoa(int(ttl/time.Second)))
	req.Header.Set("Urgency", "high")
	return req, nil
}

// recordSize is the smallest of recordSizes that holds a payload of n bytes.
func recordSize(n int) (uint32, bool) {
	for _, size := range recordSizes {
		if n+recordOverhead <= int(size) {
			return size, true
		}
	}
	return 0, false
}

func readResult(resp *http.Response) Result {
	// Drain some of the body so that the connection can be reused.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	r := Result{Outcome: outcomeOf(resp.StatusCode), Status: resp.StatusCode}
	if r.Outcome == Delivered {
		return r
	}
	r.Err = fmt.Errorf("push service answered %d: %.200q", resp.StatusCode, bytes.TrimSpace(body))
	if r.Outcome == Retry {
		r.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return r
}

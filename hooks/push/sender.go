package push

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/SherClockHolmes/webpush-go"
)

const (
	// DefaultTTL is how long a push service keeps a message for an offline
	// phone when Send is given no TTL.
	DefaultTTL = 24 * time.Hour

	// DefaultTimeout bounds one send when the given client has no timeout
	// (webpush-go's own client has none).
	DefaultTimeout = 30 * time.Second

	// vapidLifetime is the VAPID token's lifetime; push services refuse more
	// than 24 h.
	vapidLifetime = 12 * time.Hour

	// recordOverhead is what aes128gcm adds to a message: salt (16), record
	// size (4), key id length (1), key (65), padding delimiter (1), tag (16).
	recordOverhead = 103
)

// recordSizes are the sizes messages are padded to (webpush-go pads to the
// full record size): a push service sees one of three lengths, never the
// payload's, and a Payload.Shorter after a 413 can drop to a smaller one.
// None reaches 4096, which Firefox for Android rejects.
var recordSizes = []uint32{1024, 2048, 3000}

// maxPayload is the largest payload Send accepts.
const maxPayload = 3000 - recordOverhead

// Sender sends web push messages signed with the consulate's VAPID key.
// It is safe for concurrent use.
type Sender struct {
	public     string
	private    string
	subscriber string
	client     *http.Client
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
		public:     vapidPublic,
		private:    vapidPrivate,
		subscriber: bareSubject(subject),
		client:     &c,
	}
}

// bareSubject strips "mailto:", which webpush-go adds to anything that is
// not an https URL ("mailto:x" would become "mailto:mailto:x").
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
	resp, err := webpush.SendNotificationWithContext(ctx,
		// webpush-go pads the message in place when it has spare capacity,
		// a data race when one slice goes to several subscriptions at once.
		bytes.Clone(payload),
		&webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth}},
		&webpush.Options{
			HTTPClient:      s.client,
			RecordSize:      size,
			Subscriber:      s.subscriber,
			TTL:             int(ttl / time.Second),
			Urgency:         webpush.UrgencyHigh,
			VAPIDPublicKey:  s.public,
			VAPIDPrivateKey: s.private,
			// v1.4.0 ignores this and always signs for 12 h; set it so
			// that a fixed version keeps the same lifetime.
			VapidExpiration: time.Now().Add(vapidLifetime),
		})
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) && urlErr.Op != "parse" {
			return Result{Outcome: Retry, Err: err} // no answer: timeout, refused, reset
		}
		return Result{Outcome: Rejected, Err: err} // bad keys or endpoint: retrying will not help
	}
	defer resp.Body.Close()
	return readResult(resp)
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

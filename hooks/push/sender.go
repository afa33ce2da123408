package push

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

const (
	// DefaultTTL is how long a push service keeps a message for an offline
	// phone when Send is given no TTL.
	DefaultTTL = 24 * time.Hour

	// DefaultTimeout bounds one send when the given client has no timeout
	// (webpush-go's own client, like http.DefaultClient, has none).
	DefaultTimeout = 30 * time.Second
)

// Sender sends web push messages signed with the consulate's VAPID key, through
// webpush-go (webpush.go holds what its v1.4.0 needs around it). It is safe for
// concurrent use.
type Sender struct {
	public     string // the VAPID key pair, base64url
	private    string
	subscriber string // the VAPID subject without "mailto:"
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
	resp, err := s.post(ctx, sub, payload, size, ttl)
	if err != nil {
		return failure(err)
	}
	defer resp.Body.Close()
	return readResult(resp)
}

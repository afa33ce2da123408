package push

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/SherClockHolmes/webpush-go"
)

// What webpush-go v1.4.0 needs around it; sender_test.go has a test for each.
//
//   - It pads the message in place (bytes.NewBuffer(message), then the delimiter and
//     the zeros are appended), writing into the caller's array when the slice has
//     spare capacity, as Payload.JSON's has: one payload sent to several phones at
//     once raced. post gives it a copy of its own.
//   - Its Options hold what differs per message (record size, TTL): post builds them
//     for each send, so that sends in flight never share them.
//   - It pads to 4096 bytes unless told otherwise, which Firefox for Android refuses:
//     recordSizes.
//   - It prefixes "mailto:" to any subject that is not an https URL: bareSubject.
//   - Its default client has no timeout and follows redirects: NewSender's has one and
//     does not.
//   - It returns the push service's answer whatever its status (readResult sorts it),
//     and the same kind of error for a message it could not build as for a push
//     service that did not answer (failure tells them apart).
//   - It signs a new VAPID token per message and ignores VapidExpiration (the token
//     always lasts 12 h, which push services accept); BenchmarkSend measures the cost.

const (
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

// recordSize is the smallest of recordSizes that holds a payload of n bytes.
func recordSize(n int) (uint32, bool) {
	for _, size := range recordSizes {
		if n+recordOverhead <= int(size) {
			return size, true
		}
	}
	return 0, false
}

// post encrypts payload for sub into one record of size bytes, signs it and
// posts it (RFC 8030, RFC 8291, RFC 8292).
func (s *Sender) post(ctx context.Context, sub Subscription, payload []byte, size uint32, ttl time.Duration) (*http.Response, error) {
	return webpush.SendNotificationWithContext(ctx,
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
			VapidExpiration: time.Now().Add(vapidLifetime), // for a version that reads it
		})
}

// failure sorts an error of post: the push service did not answer (timeout,
// refused, reset: try again later), or the message could not be built (bad
// keys or endpoint: trying again will not help).
func failure(err error) Result {
	var urlErr *url.Error
	switch {
	case errors.As(err, &urlErr) && urlErr.Op != "parse":
		return Result{Outcome: Retry, Err: err}
	case errors.Is(err, webpush.ErrMaxPadExceeded):
		return Result{Outcome: TooLarge, Err: err}
	}
	return Result{Outcome: Rejected, Err: err}
}

// bareSubject strips "mailto:", which webpush-go adds to anything that is
// not an https URL ("mailto:x" would become "mailto:mailto:x").
func bareSubject(subject string) string {
	if len(subject) >= 7 && strings.EqualFold(subject[:7], "mailto:") {
		return subject[7:]
	}
	return subject
}

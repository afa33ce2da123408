package push

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Outcome tells the dispatcher what to do with a subscription after a send.
type Outcome int

const (
	Delivered Outcome = iota // 2xx
	Gone                     // 404, 410: delete the subscription
	Retry                    // 408, 429, 5xx, network errors: back off, honour RetryAfter
	TooLarge                 // 413, or too big to encrypt: send Payload.Shorter
	Rejected                 // other answers (bad request, bad VAPID token): log, do not retry
)

func (o Outcome) String() string {
	switch o {
	case Delivered:
		return "delivered"
	case Gone:
		return "gone"
	case Retry:
		return "retry"
	case TooLarge:
		return "too_large"
	case Rejected:
		return "rejected"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// Result is the outcome of one send.
type Result struct {
	Outcome    Outcome
	Status     int           // the push service's HTTP status; 0 if it did not answer
	RetryAfter time.Duration // from Retry-After when Outcome is Retry; 0 if absent
	Err        error         // nil only when Delivered
}

// readResult sorts the push service's answer: webpush-go hands back whatever
// it got, 4xx and 5xx included.
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

func outcomeOf(status int) Outcome {
	switch {
	case status >= 200 && status < 300:
		return Delivered
	case status == http.StatusNotFound || status == http.StatusGone:
		return Gone
	case status == http.StatusRequestEntityTooLarge:
		return TooLarge
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500:
		return Retry
	}
	return Rejected
}

const maxRetryAfter = 24 * time.Hour

// RetryAfter reads a Retry-After header (delay-seconds or an HTTP date), capped at a day:
// push services' and SMS providers' alike.
func RetryAfter(value string, now time.Time) time.Duration { return retryAfter(value, now) }

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(value string, now time.Time) time.Duration {
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), int64(maxRetryAfter/time.Second))) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil {
		return min(max(at.Sub(now), 0), maxRetryAfter)
	}
	return 0
}

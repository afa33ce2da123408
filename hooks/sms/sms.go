// Package sms sends text messages through Twilio's Messages API with twilio-go, on Twilio or
// on a compatible provider at another base URL, and checks the signature of the provider's
// delivery callbacks. The workarounds for twilio-go v1.31.0's defects are in client.go.
package sms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// SignatureHeader carries the provider's signature of a callback.
const SignatureHeader = "X-Twilio-Signature"

// Account is the provider account messages are sent from.
type Account struct {
	SID, Token string
	From       string // the sending number, E.164
	BaseURL    string // the Messages API's base URL; empty is Twilio's own
}

// Message is one text to send.
type Message struct {
	To             string // E.164
	Body           string
	StatusCallback string // where the provider reports delivery
}

// Outcome is what became of a send.
type Outcome int

const (
	Accepted Outcome = iota // the provider took it; its callback tells delivery
	Retry                   // not taken now: the provider or the network failed, or asked to wait
	Refused                 // the provider will never take it (bad number, account, message)
)

// Result is a send's outcome. Reason says why it was not accepted, in words IT can act on,
// without the recipient's number.
type Result struct {
	Outcome    Outcome
	SID        string        // the provider's message id, when Accepted
	Status     int           // the provider's HTTP status; 0 when none came
	Code       int           // the provider's error code, when it gave one
	RetryAfter time.Duration // what a 429 or 503 asked to wait
	Reason     string
}

// Sender sends messages from one account. It is safe for concurrent use.
type Sender struct {
	acct   Account
	base   *url.URL // nil: Twilio's
	client *http.Client
}

// DefaultTimeout bounds one request to the provider when New is given no client.
const DefaultTimeout = 20 * time.Second

// New returns a sender from acct, whose requests go through hc (nil: a client with a
// DefaultTimeout that follows no redirect).
func New(acct Account, hc *http.Client) (*Sender, error) {
	s := &Sender{acct: acct, client: hc}
	if s.client == nil {
		s.client = &http.Client{Timeout: DefaultTimeout}
	}
	if acct.BaseURL != "" {
		u, err := url.Parse(strings.TrimRight(acct.BaseURL, "/"))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("sms: the base URL %q is not an address like https://api.twilio.com", acct.BaseURL)
		}
		s.base = u
	}
	return s, nil
}

// Send asks the provider to send m. ctx bounds the request (twilio-go alone cannot).
func (s *Sender) Send(ctx context.Context, m Message) Result {
	ex := s.exchange(ctx)
	defer ex.close()
	api := openapi.NewApiService(ex.twilio())
	params := &openapi.CreateMessageParams{}
	params.SetTo(m.To).SetFrom(s.acct.From).SetBody(m.Body).SetStatusCallback(m.StatusCallback)
	msg, err := api.CreateMessage(params)
	return ex.result(msg, err, m.To)
}

// result classifies the answer of the exchange, whose status twilio-go does not report.
func (ex *exchange) result(msg *openapi.ApiV2010Message, err error, to string) Result {
	r := Result{Status: ex.status, RetryAfter: ex.retryAfter}
	if err == nil && msg != nil && msg.Sid != nil && *msg.Sid != "" {
		r.Outcome, r.SID = Accepted, *msg.Sid
		return r
	}
	var rest *client.TwilioRestError
	switch {
	case errors.As(err, &rest):
		r.Code = rest.Code
		if r.Status == 0 {
			r.Status = rest.Status
		}
		r.Reason = fmt.Sprintf("the SMS provider answered %d, error %d: %s", r.Status, rest.Code, rest.Message)
	case err == nil:
		r.Reason = fmt.Sprintf("the SMS provider answered %d without a message id", r.Status)
	case r.Status == 0:
		r.Reason = "the SMS provider could not be reached: " + errorText(err)
	default:
		r.Reason = fmt.Sprintf("the SMS provider answered %d", r.Status)
	}
	r.Reason = redact(r.Reason, to)
	r.Outcome = outcomeOf(r.Status)
	return r
}

// outcomeOf is what an unaccepted answer's HTTP status means: the provider cannot now (0:
// no answer, 408, 429, 5xx, or a 2xx without an id, taken perhaps) or will never.
func outcomeOf(status int) Outcome {
	switch {
	case status == 0, status < 300, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		return Retry
	default:
		return Refused
	}
}

// errorText is err without the URL a *url.Error carries.
func errorText(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Op + ": " + urlErr.Err.Error()
	}
	return err.Error()
}

// redact takes the recipient's number out of a provider's words (Twilio's 21211 quotes it).
func redact(reason, to string) string {
	if to == "" {
		return reason
	}
	return strings.ReplaceAll(reason, to, "<recipient>")
}

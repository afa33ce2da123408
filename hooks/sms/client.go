package sms

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"

	"alertbutton/hooks/push"
)

// exchange is one request to the provider through twilio-go v1.31.0, made with a client of
// its own whose transport does what twilio-go does not:
//   - it posts to https://api.twilio.com, fixed in its ApiService: the transport sends to the
//     base URL instead (a compatible provider's, or a test's), path prefix included;
//   - it refuses an account id that is not alphanumeric (a compatible provider's may be a
//     UUID): twilio-go is given no credentials, and the transport signs in with basic auth;
//   - it sends with context.Background(): the transport puts the send's context on it;
//   - it drops an error answer's status when the body is not JSON, and always its
//     Retry-After, and leaves its body open: the transport records both and closes it;
//   - it rewrites the host from $TWILIO_EDGE and $TWILIO_REGION: the handler's are cleared,
//     the base URL alone says where.
//
// Redirects are not followed: the credentials go to the base URL only.
type exchange struct {
	ctx    context.Context
	s      *Sender
	next   http.RoundTripper
	status int
	// retryAfter is what the answer asked to wait.
	retryAfter time.Duration
	bodies     []io.Closer
}

func (s *Sender) exchange(ctx context.Context) *exchange {
	next := s.client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	return &exchange{ctx: ctx, s: s, next: next}
}

// twilio is the twilio-go request handler of this exchange.
func (ex *exchange) twilio() *client.RequestHandler {
	hc := *ex.s.client
	hc.Transport = ex
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &client.Client{Credentials: client.NewCredentials("", ""), HTTPClient: &hc}
	c.SetAccountSid(ex.s.acct.SID)
	h := client.NewRequestHandler(c)
	h.Edge, h.Region = "", ""
	return h
}

func (ex *exchange) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(ex.ctx)
	if b := ex.s.base; b != nil {
		out.URL.Scheme, out.URL.Host = b.Scheme, b.Host
		out.URL.Path = b.Path + req.URL.Path
		out.URL.RawPath = ""
		out.Host = ""
	}
	out.SetBasicAuth(ex.s.acct.SID, ex.s.acct.Token)
	res, err := ex.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	ex.status = res.StatusCode
	ex.retryAfter = push.RetryAfter(res.Header.Get("Retry-After"), time.Now())
	ex.bodies = append(ex.bodies, res.Body)
	return res, nil
}

// close closes the answers' bodies, which twilio-go leaves open on an error.
func (ex *exchange) close() {
	for _, b := range ex.bodies {
		b.Close()
	}
}

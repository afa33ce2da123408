package sms_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/sms"
	"alertbutton/hooks/sms/smstest"
)

const (
	from     = "+13105550100"
	to       = "+13235550123"
	callback = "https://alerta.consulado.example/api/alertbutton/sms/status"
)

func sender(t *testing.T, p *smstest.Server, account string) *sms.Sender {
	t.Helper()
	s, err := sms.New(sms.Account{SID: account, Token: smstest.Token, From: from, BaseURL: p.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func send(t *testing.T, s *sms.Sender, number string) sms.Result {
	t.Helper()
	return s.Send(context.Background(), sms.Message{To: number, Body: "Alerta de Ana", StatusCallback: callback})
}

func TestAcceptedMessageHasTheProvidersID(t *testing.T) {
	t.Parallel()
	p := smstest.New(t)
	res := send(t, sender(t, p, smstest.Account), to)
	if res.Outcome != sms.Accepted || !strings.HasPrefix(res.SID, "SM") || res.Status != http.StatusCreated {
		t.Fatalf("got %+v", res)
	}
	got := p.Messages()
	want := smstest.Message{SID: res.SID, To: to, From: from, Body: "Alerta de Ana", StatusCallback: callback}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("the provider took %+v, want %+v", got, want)
	}
}

// Twilio's 21211 quotes the number; the reason staff read must not.
func TestInvalidNumberIsRefusedWithoutTheNumber(t *testing.T) {
	t.Parallel()
	p := smstest.New(t)
	res := send(t, sender(t, p, smstest.Account), "+1555")
	if res.Outcome != sms.Refused || res.Code != 21211 || res.Status != http.StatusBadRequest {
		t.Fatalf("got %+v", res)
	}
	if strings.Contains(res.Reason, "+1555") || !strings.Contains(res.Reason, "21211") {
		t.Fatalf("reason %q", res.Reason)
	}
}

func TestWrongCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	p := smstest.New(t)
	s, _ := sms.New(sms.Account{SID: smstest.Account, Token: "wrong", From: from, BaseURL: p.URL}, nil)
	res := send(t, s, to)
	if res.Outcome != sms.Refused || res.Status != http.StatusUnauthorized || res.Code != 20003 {
		t.Fatalf("got %+v", res)
	}
}

// twilio-go drops the answer of an error, Retry-After included: the exchange keeps it.
func TestTooManyRequestsTellsHowLongToWait(t *testing.T) {
	t.Parallel()
	p := smstest.New(t)
	p.Script(smstest.Answer{Status: http.StatusTooManyRequests, Code: 20429, RetryAfter: "120"})
	res := send(t, sender(t, p, smstest.Account), to)
	if res.Outcome != sms.Retry || res.RetryAfter != 120*time.Second || res.Code != 20429 {
		t.Fatalf("got %+v", res)
	}
}

// An answer that is not Twilio's JSON (a proxy's page): twilio-go reports only that it could
// not decode it; the status tells it is worth retrying.
func TestServerErrorWithAPageIsRetried(t *testing.T) {
	t.Parallel()
	p := smstest.New(t)
	p.Script(smstest.Answer{Status: http.StatusBadGateway, Raw: "<html>Bad Gateway</html>"},
		smstest.Answer{Status: http.StatusInternalServerError, Code: 20500})
	s := sender(t, p, smstest.Account)
	for _, status := range []int{http.StatusBadGateway, http.StatusInternalServerError} {
		if res := send(t, s, to); res.Outcome != sms.Retry || res.Status != status {
			t.Fatalf("got %+v, want a retry after %d", res, status)
		}
	}
	if res := send(t, s, to); res.Outcome != sms.Accepted {
		t.Fatalf("got %+v", res)
	}
}

// A compatible provider: its API under a path, an account id twilio-go alone refuses
// (Invalid Username. Illegal chars).
func TestCompatibleProviderAtItsBaseURL(t *testing.T) {
	t.Parallel()
	const project = "b1e4a0f2-6a7c-4d2e-9f3b-0c5d8e7a6b41"
	p := smstest.NewAt(t, project, "/api/laml")
	if res := send(t, sender(t, p, project), to); res.Outcome != sms.Accepted {
		t.Fatalf("got %+v", res)
	}
}

// twilio-go sends with context.Background(): the exchange puts the send's context on it.
func TestSendEndsWithItsContext(t *testing.T) {
	t.Parallel()
	hit := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the server sees the client leave once the body is read
		hit <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	s, _ := sms.New(sms.Account{SID: smstest.Account, Token: smstest.Token, From: from, BaseURL: srv.URL}, &http.Client{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan sms.Result)
	go func() { done <- s.Send(ctx, sms.Message{To: to, Body: "x", StatusCallback: callback}) }()
	<-hit
	cancel()
	select {
	case res := <-done:
		if res.Outcome != sms.Retry || res.Status != 0 {
			t.Fatalf("got %+v", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the send outlived its context")
	}
}

func TestBaseURLMustBeAnAddress(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"ftp://x", "api.twilio.com", "https://"} {
		if _, err := sms.New(sms.Account{BaseURL: base}, nil); err == nil {
			t.Errorf("%q was accepted", base)
		}
	}
}

// The fake provider signs as Twilio does: twilio-go's own test vector.
func TestFakeSignsAsTwilio(t *testing.T) {
	t.Parallel()
	form := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"},
		"From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
	if got := smstest.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form); got != "vOEb5UThFn24KEfnOFLQY2AE5FY=" {
		t.Fatalf("signature %s", got)
	}
}

func TestCallbackSignature(t *testing.T) {
	t.Parallel()
	form := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"delivered"}, "AccountSid": {smstest.Account}}
	sig := smstest.Sign(smstest.Token, callback, form)
	if !sms.Signed(smstest.Token, callback, form, sig) {
		t.Fatal("a signed callback was refused")
	}
	forged := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"failed"}, "AccountSid": {smstest.Account}}
	twice := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {"delivered", "failed"}, "AccountSid": {smstest.Account}}
	cases := []struct {
		name, token, url string
		form             url.Values
		sig              string
	}{
		{"another status", smstest.Token, callback, forged, sig},
		{"another URL", smstest.Token, "https://forged.example/api/alertbutton/sms/status", form, sig},
		{"another token", "f" + smstest.Token[1:], callback, form, sig},
		{"no signature", smstest.Token, callback, form, ""},
		{"no token", "", callback, form, smstest.Sign("", callback, form)},
		{"a key twice", smstest.Token, callback, twice, smstest.Sign(smstest.Token, callback, twice)},
	}
	for _, c := range cases {
		if sms.Signed(c.token, c.url, c.form, c.sig) {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestWhyNamesTheProvidersError(t *testing.T) {
	t.Parallel()
	if w := sms.Why("30003"); !strings.Contains(w, "off or out of reach") || !strings.Contains(w, "30003") {
		t.Fatal(w)
	}
	if w := sms.Why("39999"); !strings.Contains(w, "39999") {
		t.Fatal(w)
	}
}

// Package smstest is for tests only: an SMS provider on 127.0.0.1. No real SMS service can
// run here, so the tests use this server, which implements the published contract of
// Twilio's Messages API (https://www.twilio.com/docs/messaging/api/message-resource):
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json with basic auth and the form fields
// To, From, Body and StatusCallback, answered 201 with the message resource (sid "SM...",
// status "queued") or with Twilio's error body ({"code","message","more_info","status"}:
// 400 code 21211 for an invalid To, 401 code 20003, and whatever a test scripts: 429,
// 500...); and the status callback, POSTed to the message's StatusCallback with MessageSid,
// MessageStatus, ErrorCode, To, From, AccountSid... and signed in X-Twilio-Signature as
// Twilio signs (base64 of the HMAC-SHA1, keyed with the auth token, of the URL followed by
// each parameter's name and value, sorted by name).
package smstest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Account and Token are the provider account the server knows.
const (
	Account = "AC0123456789abcdef0123456789abcdef"
	Token   = "0123456789abcdef0123456789abcdef"
)

// Message is a message the server took.
type Message struct {
	SID, To, From, Body, StatusCallback string
}

// Answer is a scripted answer to a create request: Status with Twilio's error body of
// Code (and RetryAfter in its header), or Raw as the whole body when set.
type Answer struct {
	Status     int
	Code       int
	RetryAfter string
	Raw        string
}

// Server is the fake provider.
type Server struct {
	URL    string // the base URL to configure, e.g. http://127.0.0.1:PORT
	Prefix string // a path before /2010-04-01 (a compatible provider's), "" for Twilio's

	t        testing.TB
	mu       sync.Mutex
	messages []Message
	script   []Answer
	requests int
	account  string
}

// New starts a server for Account, closed when the test ends.
func New(t testing.TB) *Server { return NewAt(t, Account, "") }

// NewAt starts a server for account whose API lives under prefix.
func NewAt(t testing.TB, account, prefix string) *Server {
	s := &Server{t: t, Prefix: prefix, account: account}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + prefix
	return s
}

// Script makes the next create requests get answers, in order, before the server accepts again.
func (s *Server) Script(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, answers...)
}

// Messages are the messages taken so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Requests counts the create requests received, refused ones included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	want := s.Prefix + "/2010-04-01/Accounts/" + s.account + "/Messages.json"
	if r.Method != http.MethodPost || r.URL.Path != want {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found", "")
		return
	}
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	if user, pass, ok := r.BasicAuth(); !ok || user != s.account || pass != Token {
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate", "")
		return
	}
	s.mu.Lock()
	var next *Answer
	if len(s.script) > 0 {
		next = &s.script[0]
		s.script = s.script[1:]
	}
	s.mu.Unlock()
	if next != nil {
		if next.Raw != "" {
			if next.RetryAfter != "" {
				w.Header().Set("Retry-After", next.RetryAfter)
			}
			w.WriteHeader(next.Status)
			w.Write([]byte(next.Raw))
			return
		}
		twilioError(w, next.Status, next.Code, "Scripted failure", next.RetryAfter)
		return
	}
	if err := r.ParseForm(); err != nil {
		twilioError(w, http.StatusBadRequest, 20001, "Invalid form", "")
		return
	}
	m := Message{SID: "SM" + randomHex(), To: r.PostForm.Get("To"), From: r.PostForm.Get("From"),
		Body: r.PostForm.Get("Body"), StatusCallback: r.PostForm.Get("StatusCallback")}
	switch {
	case !e164.MatchString(m.To):
		twilioError(w, http.StatusBadRequest, 21211, "Invalid 'To' Phone Number: "+m.To, "")
		return
	case m.From == "":
		twilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.", "")
		return
	case m.Body == "":
		twilioError(w, http.StatusBadRequest, 21602, "Message body is required.", "")
		return
	}
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	now := time.Now().UTC().Format(time.RFC1123Z)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"sid": m.SID, "account_sid": s.account, "to": m.To, "from": m.From, "body": m.Body,
		"status": "queued", "direction": "outbound-api", "api_version": "2010-04-01",
		"num_segments": "1", "num_media": "0", "price": nil, "price_unit": "USD",
		"error_code": nil, "error_message": nil, "date_created": now, "date_updated": now, "date_sent": nil,
		"uri": "/2010-04-01/Accounts/" + s.account + "/Messages/" + m.SID + ".json",
	})
}

// twilioError answers as Twilio does when it refuses a request.
func twilioError(w http.ResponseWriter, status, code int, message, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"code": code, "message": message, "status": status,
		"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
	})
}

// Report POSTs the status callback of the message sid with status (sent, delivered,
// undelivered, failed) and errorCode ("" for none), signed as Twilio signs it, and returns
// the answer's status.
func (s *Server) Report(sid, status, errorCode string) int {
	m, ok := s.message(sid)
	if !ok {
		s.t.Fatalf("smstest: no message %s", sid)
	}
	form := s.CallbackForm(m, status, errorCode)
	return s.Post(m.StatusCallback, form, Sign(Token, m.StatusCallback, form))
}

// CallbackForm is the form Twilio POSTs to report m's status.
func (s *Server) CallbackForm(m Message, status, errorCode string) url.Values {
	form := url.Values{
		"MessageSid": {m.SID}, "SmsSid": {m.SID}, "SmsStatus": {status}, "MessageStatus": {status},
		"AccountSid": {s.account}, "From": {m.From}, "To": {m.To}, "ApiVersion": {"2010-04-01"},
	}
	if errorCode != "" {
		form.Set("ErrorCode", errorCode)
	}
	return form
}

// Post POSTs form to callback with signature in X-Twilio-Signature ("" for none), and returns
// the answer's status.
func (s *Server) Post(callback string, form url.Values, signature string) int {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, callback, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signature != "" {
		req.Header.Set("X-Twilio-Signature", signature)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (s *Server) message(sid string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages {
		if m.SID == sid {
			return m, true
		}
	}
	return Message{}, false
}

// Sign is Twilio's signature of a POST of form to callbackURL with token.
func Sign(token, callbackURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(callbackURL)
	for _, k := range keys {
		vs := append([]string(nil), form[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func randomHex() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

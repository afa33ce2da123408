// Package pushtest runs web-push-testing, a push service that decrypts what
// it receives, on 127.0.0.1 for tests. Install it with
// "npm ci --prefix .ci/node" from the repository root, or point
// WEB_PUSH_TESTING_DIR at an installed web-push-testing package.
package pushtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/push"
)

// Service is a running web-push-testing server.
type Service struct {
	host   string
	client *http.Client
}

// Host is "127.0.0.1:PORT", for the push hosts allow-list.
func (s *Service) Host() string { return s.host }

// SubscribeJSON creates a subscription for an application server (VAPID)
// key and returns it as a browser's PushSubscription.toJSON() would.
func (s *Service) SubscribeJSON(t testing.TB, vapidPublicKey string) []byte {
	t.Helper()
	var out struct {
		Data struct {
			Endpoint string `json:"endpoint"`
			Keys     struct {
				P256dh string `json:"p256dh"`
				Auth   string `json:"auth"`
			} `json:"keys"`
		} `json:"data"`
	}
	s.post(t, "/subscribe", map[string]string{"applicationServerKey": vapidPublicKey}, &out)
	body, err := json.Marshal(map[string]any{
		"endpoint":       out.Data.Endpoint,
		"expirationTime": nil,
		"keys":           out.Data.Keys,
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// Subscribe is SubscribeJSON parsed with push.ParseSubscription.
func (s *Service) Subscribe(t testing.TB, vapidPublicKey string) push.Subscription {
	t.Helper()
	sub, err := push.ParseSubscription(s.SubscribeJSON(t, vapidPublicKey), push.HostList{s.host})
	if err != nil {
		t.Fatalf("web-push-testing gave a subscription push rejects: %v", err)
	}
	return sub
}

// Messages returns the decrypted payloads received so far for sub.
func (s *Service) Messages(t testing.TB, sub push.Subscription) []string {
	t.Helper()
	var out struct {
		Data struct {
			Messages []string `json:"messages"`
		} `json:"data"`
	}
	s.post(t, "/get-notifications", map[string]string{"clientHash": clientHash(t, sub)}, &out)
	return out.Data.Messages
}

// WaitMessages waits up to 10 seconds for at least n payloads for sub and
// returns all of them; it fails the test when they do not come.
func (s *Service) WaitMessages(t testing.TB, sub push.Subscription, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.Messages(t, sub)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("web-push-testing received %d messages for %s, want %d: %q", len(got), sub.Endpoint, n, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Expire makes the service answer 410 Gone to messages for sub, as when a
// user revokes the permission.
func (s *Service) Expire(t testing.TB, sub push.Subscription) {
	t.Helper()
	s.post(t, "/expire-subscription/"+clientHash(t, sub), struct{}{}, nil)
}

func clientHash(t testing.TB, sub push.Subscription) string {
	t.Helper()
	u, err := url.Parse(sub.Endpoint)
	hash, ok := "", false
	if err == nil {
		hash, ok = strings.CutPrefix(u.Path, "/notify/")
	}
	if !ok || hash == "" {
		t.Fatalf("%s is not a web-push-testing endpoint", sub.Endpoint)
	}
	return hash
}

func (s *Service) post(t testing.TB, path string, in, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.client.Post("http://"+s.host+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("web-push-testing %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("web-push-testing %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("web-push-testing %s: %s: %s", path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("web-push-testing %s: %v: %s", path, err, data)
		}
	}
}

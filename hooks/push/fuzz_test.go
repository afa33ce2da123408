package push

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseSubscription feeds ParseSubscription what a browser, or anyone, may post as a
// push subscription. It must never panic; every error is a *FieldError; and what it accepts
// is an https (or allowed loopback) endpoint on an allowed host with usable keys, which parses
// again to itself. Seeds: testdata/fuzz/FuzzParseSubscription.
func FuzzParseSubscription(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) { checkParseSubscription(t, body) })
}

var fuzzAllowed = HostList{"fcm.googleapis.com", "*.push.apple.com", "127.0.0.1:8123"}

// checkParseSubscription reports whether body was accepted.
func checkParseSubscription(t *testing.T, body []byte) bool {
	sub, err := ParseSubscription(body, fuzzAllowed)
	if err != nil {
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Message == "" || fe.MessageES == "" || fe.Code == "" {
			t.Fatalf("error %#v is not a FieldError with messages", err)
		}
		return false
	}
	u, err := url.Parse(sub.Endpoint)
	if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		t.Fatalf("accepted endpoint %q", sub.Endpoint)
	}
	again, _ := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "keys": map[string]string{"p256dh": sub.P256dh, "auth": sub.Auth}})
	sub2, err := ParseSubscription(again, fuzzAllowed)
	if err != nil || sub2 != sub {
		t.Fatalf("the accepted subscription does not parse to itself: %+v, %v", sub2, err)
	}
	return true
}

// TestParseSubscriptionSeedsReachValidPaths keeps the committed corpus deep.
func TestParseSubscriptionSeedsReachValidPaths(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParseSubscription", "*"))
	accepted, refused := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		line := strings.Split(strings.TrimSpace(string(raw)), "\n")[1]
		v, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if checkParseSubscription(t, []byte(v)) {
			accepted++
		} else {
			refused++
		}
	}
	if accepted < 2 || refused < 5 {
		t.Fatalf("FuzzParseSubscription corpus: %d accepted, %d refused; want some of each", accepted, refused)
	}
}

package push

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

var testHosts = HostList{"fcm.googleapis.com", "*.push.apple.com", "127.0.0.1:8123", "[::1]:8123", "localhost:8123", "10.0.0.1:8123"}

func newKeys(t testing.TB) (p256dh, auth []byte) {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth = make([]byte, 16)
	rand.Read(auth)
	return key.PublicKey().Bytes(), auth
}

func subscriptionJSON(endpoint, p256dh, auth string) []byte {
	body, _ := json.Marshal(map[string]any{
		"endpoint":       endpoint,
		"expirationTime": nil,
		"keys":           map[string]string{"p256dh": p256dh, "auth": auth},
	})
	return body
}

func TestParseSubscription(t *testing.T) {
	p256dh, auth := newKeys(t)
	wantP, wantA := base64.RawURLEncoding.EncodeToString(p256dh), base64.RawURLEncoding.EncodeToString(auth)

	for name, body := range map[string][]byte{
		"browser":        subscriptionJSON("https://fcm.googleapis.com/fcm/send/abc:APA91b", wantP, wantA),
		"padded url":     subscriptionJSON("https://fcm.googleapis.com/fcm/send/abc:APA91b", base64.URLEncoding.EncodeToString(p256dh), base64.URLEncoding.EncodeToString(auth)),
		"std base64":     subscriptionJSON("https://fcm.googleapis.com/fcm/send/abc:APA91b", base64.StdEncoding.EncodeToString(p256dh), base64.StdEncoding.EncodeToString(auth)),
		"raw std base64": subscriptionJSON("https://fcm.googleapis.com/fcm/send/abc:APA91b", base64.RawStdEncoding.EncodeToString(p256dh), base64.RawStdEncoding.EncodeToString(auth)),
		"unknown fields": []byte(`{"endpoint":"https://fcm.googleapis.com/fcm/send/abc:APA91b","expirationTime":1700000000000,"extra":{"a":1},"keys":{"p256dh":"` + wantP + `","auth":"` + wantA + `","x":"y"}}`),
	} {
		sub, err := ParseSubscription(body, testHosts)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := Subscription{Endpoint: "https://fcm.googleapis.com/fcm/send/abc:APA91b", P256dh: wantP, Auth: wantA}
		if sub != want {
			t.Errorf("%s: got %+v, want %+v", name, sub, want)
		}
	}
}

func TestParseSubscriptionEndpoints(t *testing.T) {
	p256dh, auth := newKeys(t)
	p, a := base64.RawURLEncoding.EncodeToString(p256dh), base64.RawURLEncoding.EncodeToString(auth)

	tests := []struct {
		endpoint string
		code     string // "" when valid
	}{
		{"https://fcm.googleapis.com:443/fcm/send/x", ""},
		{"https://web.push.apple.com/QGuQyavXutnMH2NpXm", ""},
		{"http://127.0.0.1:8123/notify/x", ""},
		{"http://[::1]:8123/notify/x", ""},
		{"http://localhost:8123/notify/x", ""},
		{"https://127.0.0.1:8123/notify/x", ""},
		{"", "validation_required"},
		{"https://fcm.googleapis.com/" + strings.Repeat("a", 2048), "validation_too_long"},
		{"http://fcm.googleapis.com/fcm/send/x", "validation_invalid_url"},
		{"http://10.0.0.1:8123/notify/x", "validation_invalid_url"}, // http only on loopback, even if listed
		{"ftp://fcm.googleapis.com/x", "validation_invalid_url"},
		{"https://user:pw@fcm.googleapis.com/fcm/send/x", "validation_invalid_url"},
		{"https://fcm.googleapis.com/fcm/send/x#frag", "validation_invalid_url"},
		{"https://fcm.googleapis.com/fcm/send/x y", "validation_invalid_url"},
		{"https://fcm.googleapis.com/fcm/send/\u00e9", "validation_invalid_url"},
		{"https:fcm.googleapis.com", "validation_invalid_url"},
		{"/fcm/send/x", "validation_invalid_url"},
		{"https://evil.example/fcm/send/x", "validation_host_not_allowed"},
		{"https://fcm.googleapis.com:8443/fcm/send/x", "validation_host_not_allowed"},
		{"http://127.0.0.1:9999/notify/x", "validation_host_not_allowed"},
		{"http://127.0.0.1/notify/x", "validation_host_not_allowed"},
		{"https://push.apple.com/x", "validation_host_not_allowed"},
	}
	for _, tt := range tests {
		_, err := ParseSubscription(subscriptionJSON(tt.endpoint, p, a), testHosts)
		checkFieldError(t, tt.endpoint, err, "endpoint", tt.code)
	}
}

func TestParseSubscriptionKeys(t *testing.T) {
	p256dh, auth := newKeys(t)
	p, a := base64.RawURLEncoding.EncodeToString(p256dh), base64.RawURLEncoding.EncodeToString(auth)
	enc := base64.RawURLEncoding.EncodeToString
	notOnCurve := append([]byte{4}, make([]byte, 64)...)
	notOnCurve[64] = 1
	compressed := append([]byte{2 + p256dh[64]&1}, p256dh[1:33]...)

	tests := []struct {
		name, p256dh, auth string
		field, code        string
	}{
		{"missing p256dh", "", a, "keys.p256dh", "validation_required"},
		{"not base64", "!!!!", a, "keys.p256dh", "validation_invalid_key"},
		{"not on curve", enc(notOnCurve), a, "keys.p256dh", "validation_invalid_key"},
		{"compressed point", enc(compressed), a, "keys.p256dh", "validation_invalid_key"},
		{"too short", enc(p256dh[:64]), a, "keys.p256dh", "validation_invalid_key"},
		{"huge", strings.Repeat("A", 1000), a, "keys.p256dh", "validation_invalid_key"},
		{"missing auth", p, "", "keys.auth", "validation_required"},
		{"auth 15 bytes", p, enc(auth[:15]), "keys.auth", "validation_invalid_key"},
		{"auth 17 bytes", p, enc(append(auth, 0)), "keys.auth", "validation_invalid_key"},
		{"auth not base64", p, "*not*base64*", "keys.auth", "validation_invalid_key"},
	}
	for _, tt := range tests {
		_, err := ParseSubscription(subscriptionJSON("https://fcm.googleapis.com/fcm/send/x", tt.p256dh, tt.auth), testHosts)
		checkFieldError(t, tt.name, err, tt.field, tt.code)
	}
}

func TestParseSubscriptionInvalidJSON(t *testing.T) {
	for _, body := range []string{``, `{`, `[]`, `"x"`, `{"endpoint":42}`, `{"keys":"x"}`, `{"endpoint":"https://fcm.googleapis.com/x"` + strings.Repeat(" ", 9000) + `}`} {
		_, err := ParseSubscription([]byte(body), testHosts)
		checkFieldError(t, body[:min(len(body), 40)], err, "", "invalid_json")
	}
}

func checkFieldError(t *testing.T, name string, err error, field, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Errorf("%s: error %v, want a FieldError %s/%s", name, err, field, code)
		return
	}
	if fe.Field != field || fe.Code != code {
		t.Errorf("%s: got %s/%s, want %s/%s", name, fe.Field, fe.Code, field, code)
	}
	if fe.Message == "" || fe.MessageES == "" || fe.Message == fe.MessageES {
		t.Errorf("%s: messages %q / %q, want English and Spanish", name, fe.Message, fe.MessageES)
	}
}

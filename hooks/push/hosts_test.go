package push

import (
	"slices"
	"testing"
)

func TestParseHosts(t *testing.T) {
	got, err := ParseHosts(" 127.0.0.1:8123, Example.ORG ,*.push.example.net,[::1]:9000,::1,")
	if err != nil {
		t.Fatal(err)
	}
	want := HostList{"127.0.0.1:8123", "example.org", "*.push.example.net", "[::1]:9000", "[::1]"}
	if !slices.Equal(got, want) {
		t.Fatalf("ParseHosts = %q, want %q", got, want)
	}
}

func TestParseHostsRejects(t *testing.T) {
	for _, csv := range []string{
		"", " , ", "https://fcm.googleapis.com", "example.org/path", "example.org:0",
		"example.org:99999", "example.org:http", "*.", "*", "a*b.example", "*.*.example",
		"user@example.org", "exa mple.org", "a..b",
	} {
		if got, err := ParseHosts(csv); err == nil {
			t.Errorf("ParseHosts(%q) = %q, want an error", csv, got)
		}
	}
}

func TestDefaultHostsAreTheVendors(t *testing.T) {
	for _, endpoint := range []string{
		"https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bH",
		"https://fcm.googleapis.com/wp/dpH5lCsTSSM:APA91bH",
		"https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
		"https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
		"https://web.push.apple.com/QGuQyavXutnMH2NpXm",
	} {
		if err := checkEndpoint(endpoint, DefaultHosts); err != nil {
			t.Errorf("%s: %v", endpoint, err)
		}
	}
	for _, endpoint := range []string{
		"https://127.0.0.1:8123/notify/x",
		"https://googleapis.com/x",
		"https://storage.googleapis.com/x",
		"https://fcm.googleapis.com.evil.example/x",
		"https://push.apple.com/x",
		"https://fcm.googleapis.com:8443/x",
	} {
		if err := checkEndpoint(endpoint, DefaultHosts); err == nil {
			t.Errorf("%s is allowed by default", endpoint)
		}
	}
}

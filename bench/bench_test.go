package main

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/SherClockHolmes/webpush-go"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/push"
)

// The harness's push service must open what the appliance's sender encrypts, or notify
// would count nothing.
func TestPushReceiverOpensTheAppliancesPushes(t *testing.T) {
	recv, err := startPushReceiver()
	if err != nil {
		t.Fatal(err)
	}
	defer recv.Close()
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	sender := push.NewSender(pub, priv, "bench@example.org", &http.Client{Timeout: 5 * time.Second})
	sub := push.Subscription{Endpoint: recv.Base + "/sub1", P256dh: recv.keys.P256dh, Auth: recv.keys.Auth}
	payload := []byte(`{"type":"alert.created","alert":"0190b6a4-0000-7000-8000-000000000001","title":"Alerta","body":"Su familiar"}`)
	res := sender.Send(context.Background(), sub, payload, time.Minute)
	if res.Outcome != push.Delivered {
		t.Fatalf("send: %v %v", res.Outcome, res.Err)
	}
	if got := recv.Wait(1, 5*time.Second); got != 1 {
		t.Fatalf("%d arrivals, want 1", got)
	}
	arrivals, bad, badErr := recv.Take()
	if bad != 0 || len(arrivals) != 1 {
		t.Fatalf("%d arrivals, %d undecryptable (%s)", len(arrivals), bad, badErr)
	}
	a := arrivals[0]
	if a.Sub != "sub1" || a.Type != "alert.created" || a.Alert != "0190b6a4-0000-7000-8000-000000000001" {
		t.Errorf("arrival %+v", a)
	}
}

func TestPercentilesAreNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	d = append(d, -time.Millisecond) // an event before its 201 counts as no delay
	got := percentiles(d)
	if got.N != 101 || got.P50 != 50*time.Millisecond || got.P90 != 90*time.Millisecond ||
		got.P99 != 99*time.Millisecond || got.Max != 100*time.Millisecond {
		t.Errorf("percentiles %+v", got)
	}
	if got := percentiles(nil); got.N != 0 {
		t.Errorf("percentiles of nothing: %+v", got)
	}
}

func TestRoundRate(t *testing.T) {
	for in, want := range map[float64]int{3: 10, 57: 57, 263.7: 260, 1149: 1100, 2132: 2100} {
		if got := roundRate(in); got != want {
			t.Errorf("roundRate(%v) = %d, want %d", in, got, want)
		}
	}
}

func TestUUIDv7AtIsAValidAlertUID(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	uid := uuidV7At(at)
	if !alertUID.MatchString(uid) || !regexp.MustCompile(vocab.AlertUIDPattern).MatchString(uid) {
		t.Errorf("%s is not a lower-case UUIDv7", uid)
	}
}

var alertUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

package push_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/SherClockHolmes/webpush-go"

	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
)

func newSender(t *testing.T) (*push.Sender, string) {
	t.Helper()
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	return push.NewSender(public, private, "mailto:it@consulado.example", client), public
}

func TestSendThroughRealPushService(t *testing.T) {
	service := pushtest.Start(t)
	sender, public := newSender(t)
	sub := service.Subscribe(t, public)

	want := push.Payload{
		Type:  "alert.created",
		Alert: "01JD3X2K7Q9F8V6N4M2P0R5T7W",
		Title: "Alerta: persona detenida",
		Body:  "Abra la aplicación para ver los detalles.",
		URL:   "/alerts/01JD3X2K7Q9F8V6N4M2P0R5T7W",
		Lang:  "es",
	}
	res := sender.Send(context.Background(), sub, want.JSON(), 0)
	if res.Outcome != push.Delivered || res.Status != http.StatusCreated {
		t.Fatalf("Send = %+v, want delivered with 201", res)
	}

	got := service.WaitMessages(t, sub, 1)
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1: %q", len(got), got)
	}
	var decoded push.Payload
	if err := json.Unmarshal([]byte(got[0]), &decoded); err != nil {
		t.Fatalf("received %q: %v", got[0], err)
	}
	if decoded != want {
		t.Fatalf("received %+v, want %+v", decoded, want)
	}
}

func TestExpiredSubscriptionIsGone(t *testing.T) {
	service := pushtest.Start(t)
	sender, public := newSender(t)
	sub := service.Subscribe(t, public)
	service.Expire(t, sub)

	res := sender.Send(context.Background(), sub, push.Payload{Type: "alert.status"}.JSON(), time.Hour)
	if res.Outcome != push.Gone || res.Status != http.StatusGone {
		t.Fatalf("Send = %+v, want gone with 410", res)
	}
	if n := len(service.Messages(t, sub)); n != 0 {
		t.Fatalf("expired subscription received %d messages", n)
	}
}

func TestWrongVAPIDKeyIsRejected(t *testing.T) {
	service := pushtest.Start(t)
	sender, _ := newSender(t)
	_, otherPublic, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	sub := service.Subscribe(t, otherPublic) // subscribed for another server's key

	res := sender.Send(context.Background(), sub, push.Payload{Type: "alert.status"}.JSON(), 0)
	if res.Outcome != push.Rejected || res.Err == nil {
		t.Fatalf("Send = %+v, want rejected", res)
	}
	if n := len(service.Messages(t, sub)); n != 0 {
		t.Fatalf("received %d messages signed with the wrong key", n)
	}
}

func TestOnePayloadToManySubscriptions(t *testing.T) {
	service := pushtest.Start(t)
	sender, public := newSender(t)
	subs := make([]push.Subscription, 5)
	for i := range subs {
		subs[i] = service.Subscribe(t, public)
	}
	want := push.Payload{Type: "alert.status", Alert: "01JD3X", Title: "Caso atendido", Lang: "es"}.JSON()
	payload := append(make([]byte, 0, 4096), want...) // spare capacity, as a reused buffer has

	var wg sync.WaitGroup
	for _, sub := range subs {
		wg.Go(func() {
			if res := sender.Send(context.Background(), sub, payload, 0); res.Outcome != push.Delivered {
				t.Errorf("Send = %+v", res)
			}
		})
	}
	wg.Wait()
	for _, sub := range subs {
		if got := service.WaitMessages(t, sub, 1); len(got) != 1 || got[0] != string(want) {
			t.Errorf("%s received %q, want [%s]", sub.Endpoint, got, want)
		}
	}
}

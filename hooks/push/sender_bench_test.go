package push

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// answer201 is a push service that costs nothing: the benchmark measures the sender's
// own work per message (encryption and the VAPID token), not the network.
type answer201 struct{}

func (answer201) RoundTrip(req *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, req.Body)
	req.Body.Close()
	return &http.Response{
		StatusCode: http.StatusCreated,
		Body:       io.NopCloser(strings.NewReader("")),
		Header:     http.Header{},
		Request:    req,
	}, nil
}

// BenchmarkSend is one alert notice to one phone through Send.
func BenchmarkSend(b *testing.B) {
	sender := testSender(b, "it@consulado.example", &http.Client{Transport: answer201{}})
	sub := testSubscription(b, "https://fcm.googleapis.com")
	payload := Payload{
		Type:  "alert.created",
		Alert: "0190b6a4-0000-7000-8000-000000000001",
		Title: "Alerta: persona detenida",
		Body:  "Abre la aplicación para ver los detalles.",
		URL:   "/alerts/0190b6a4-0000-7000-8000-000000000001",
		Lang:  "es",
	}.JSON()
	b.ReportAllocs()
	for b.Loop() {
		if res := sender.Send(context.Background(), sub, payload, 0); res.Outcome != Delivered {
			b.Fatalf("Send = %+v", res)
		}
	}
}

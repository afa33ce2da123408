package alerts_test

import (
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/pins"
)

// BenchmarkPINAnswerTime reports the median time the cancel route takes to answer the cancel
// PIN and the duress PIN, with PINs hashed at the default cost as the phone sets them. Run:
// go test ./hooks/alerts -run '^$' -bench PINAnswerTime -benchtime 1x
func BenchmarkPINAnswerTime(b *testing.B) {
	w := newWorld(b, "all")
	cancelHash, _ := pins.Hash(cancelPIN)
	duressHash, _ := pins.Hash(duressPIN)
	if err := pins.Store(w.app, w.a.Id, cancelHash, duressHash); err != nil {
		b.Fatal(err)
	}
	apptest.Appliance(w.app).Pace.Set(0, time.Now, time.Sleep) // the real floor, slept out
	now := time.Now()
	apptest.Appliance(w.app).Guard.SetClock(func() time.Time { return now })
	h := apptest.Handler(b, w.app)
	times := map[string][]time.Duration{}
	for range b.N * 11 {
		for _, pin := range []string{cancelPIN, duressPIN} {
			now = now.Add(time.Hour) // past the attempts limit
			alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), alerts.Draft{
				Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + w.a.Id,
				Registrant: w.a, Lat: ptr(laLat), Lon: ptr(laLon),
			})
			if err != nil {
				b.Fatal(err)
			}
			status, d := apptest.Timed(h, "POST", "/api/alertbutton/alerts/"+alert.GetString("uid")+"/cancel", w.tokA, `{"pin":"`+pin+`"}`)
			if status != 200 {
				b.Fatalf("PIN %s: %d", pin, status)
			}
			times[pin] = append(times[pin], d)
		}
	}
	b.ReportMetric(apptest.MedianMs(times[cancelPIN]), "cancel-ms")
	b.ReportMetric(apptest.MedianMs(times[duressPIN]), "duress-ms")
}

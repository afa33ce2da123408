package alerts_test

import (
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

// BenchmarkRaiseNotices reports the median time Raise takes to store an alert in another
// consulate's jurisdiction with its notices: the registrant's receipt, two relatives (push
// and e-mail), the two staff devices on duty and the peer. Run:
// go test ./hooks/alerts -run '^$' -bench RaiseNotices
func BenchmarkRaiseNotices(b *testing.B) {
	w := newWorld(b, "all")
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		_, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), alerts.Draft{
			Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + w.a.Id,
			Registrant: w.a, Lat: ptr(fresnoLat), Lon: ptr(fresnoLon),
		})
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.ReportMetric(apptest.MedianMs(times), "raise-ms")
}

// BenchmarkAnnounceStatus reports the median time a peer's status milestone takes to record
// its event and queue its notices to the registrant and the relatives.
func BenchmarkAnnounceStatus(b *testing.B) {
	w := newWorld(b, "all")
	alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), alerts.Draft{
		Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + w.a.Id,
		Registrant: w.a, Lat: ptr(laLat), Lon: ptr(laLon),
	})
	if err != nil {
		b.Fatal(err)
	}
	alert = apptest.Find(b, w.app, "alerts", alert.Id)
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		change := alerts.Change{Actor: "consulate:fresno", By: "fresno", From: alerts.StatusNew, To: alerts.StatusAcknowledged}
		if err := alerts.RecordChange(w.app, w.cfg, alert, change); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.ReportMetric(apptest.MedianMs(times), "announce-ms")
}

package metrics

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/prometheus/client_golang/prometheus"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/replication"
)

// The gauges read at each scrape.
var (
	descAlerts = prometheus.NewDesc("alertbutton_alerts",
		"Alerts by state (new is unacknowledged).", []string{"state"}, nil)
	descUnackOldest = prometheus.NewDesc("alertbutton_unacknowledged_oldest_seconds",
		"Age of the oldest alert nobody acknowledged yet; 0 when none waits.", nil, nil)
	descUnackAge = prometheus.NewDesc("alertbutton_unacknowledged_age_seconds",
		"Ages of the alerts nobody acknowledged yet, now.", nil, nil)
	descOutbox = prometheus.NewDesc("alertbutton_outbox_pending",
		"Notices queued and not yet sent, by channel.", []string{"channel"}, nil)
	descOutboxOldest = prometheus.NewDesc("alertbutton_outbox_oldest_seconds",
		"Age of the oldest notice queued and not yet sent, by channel; 0 when none waits.", []string{"channel"}, nil)
	descRelay = prometheus.NewDesc("alertbutton_relay_backlog",
		"Envelopes queued for a peer consulate and not yet taken, by the peer's code.", []string{"peer"}, nil)
	descRelayOldest = prometheus.NewDesc("alertbutton_relay_oldest_seconds",
		"Age of the oldest envelope queued for a peer consulate, by the peer's code.", []string{"peer"}, nil)
	descDiskFree = prometheus.NewDesc("alertbutton_disk_free_bytes",
		"Free bytes on the data directory's disk.", nil, nil)
	descReplicationOn = prometheus.NewDesc("alertbutton_replication_on",
		"1 when serve replicates continuously (--replicate), else 0.", nil, nil)
	descReplicationLag = prometheus.NewDesc("alertbutton_replication_lag_seconds",
		"How far the replica is behind the last commit; 0 when replication is off.", nil, nil)
	descReplicationStalled = prometheus.NewDesc("alertbutton_replication_stalled",
		"1 when the replication stopped shipping for longer than it may.", nil, nil)
)

// state collects the gauges from the database, the disk and the replication at each scrape:
// grouped counts over indexed columns, and the created times of the waiting alerts.
type state struct {
	app core.App
	m   *Metrics
}

func (s *state) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descAlerts, descUnackOldest, descUnackAge, descOutbox, descOutboxOldest,
		descRelay, descRelayOldest, descDiskFree, descReplicationOn, descReplicationLag, descReplicationStalled} {
		ch <- d
	}
}

func (s *state) Collect(ch chan<- prometheus.Metric) {
	for _, f := range []func(chan<- prometheus.Metric) error{s.alerts, s.unacknowledged, s.outbox, s.relay, s.disk} {
		if err := f(ch); err != nil {
			ch <- prometheus.NewInvalidMetric(descAlerts, err)
		}
	}
	r := replication.Current()
	ch <- prometheus.MustNewConstMetric(descReplicationOn, prometheus.GaugeValue, flag(r.On))
	ch <- prometheus.MustNewConstMetric(descReplicationLag, prometheus.GaugeValue, r.Lag.Seconds())
	ch <- prometheus.MustNewConstMetric(descReplicationStalled, prometheus.GaugeValue, flag(r.Stalled))
}

type groupRow struct {
	Key    string `db:"key"`
	N      int    `db:"n"`
	Oldest string `db:"oldest"`
}

func (s *state) alerts(ch chan<- prometheus.Metric) error {
	var rows []groupRow
	err := s.app.DB().Select("status AS key", "COUNT(*) AS n").From("alerts").GroupBy("status").All(&rows)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Key] = r.N
	}
	for _, st := range vocab.Statuses {
		ch <- prometheus.MustNewConstMetric(descAlerts, prometheus.GaugeValue, float64(counts[st]), st)
	}
	return nil
}

func (s *state) unacknowledged(ch chan<- prometheus.Metric) error {
	var created []string
	err := s.app.DB().Select("created").From("alerts").Where(dbx.HashExp{"status": vocab.StatusNew}).Column(&created)
	if err != nil {
		return err
	}
	now := s.m.Now()
	buckets := make(map[float64]uint64, len(ageBuckets))
	var sum, oldest float64
	for _, c := range created {
		age := s.age(now, c)
		sum += age
		oldest = max(oldest, age)
		for _, b := range ageBuckets {
			if age <= b {
				buckets[b]++
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(descUnackOldest, prometheus.GaugeValue, oldest)
	ch <- prometheus.MustNewConstHistogram(descUnackAge, uint64(len(created)), sum, buckets)
	return nil
}

func (s *state) outbox(ch chan<- prometheus.Metric) error {
	var rows []groupRow
	err := s.app.DB().Select("channel AS key", "COUNT(*) AS n", "MIN(created) AS oldest").From("outbox").
		Where(dbx.HashExp{"state": "pending"}).GroupBy("channel").All(&rows)
	if err != nil {
		return err
	}
	byChannel := map[string]groupRow{}
	for _, r := range rows {
		byChannel[r.Key] = r
	}
	now := s.m.Now()
	for _, c := range vocab.Channels {
		r := byChannel[c]
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(r.N), c)
		ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, s.age(now, r.Oldest), c)
	}
	return nil
}

// relay is the federation's pending rows by peer: their recipient is the peer's code.
func (s *state) relay(ch chan<- prometheus.Metric) error {
	var rows []groupRow
	err := s.app.DB().Select("recipient AS key", "COUNT(*) AS n", "MIN(created) AS oldest").From("outbox").
		Where(dbx.HashExp{"state": "pending", "channel": vocab.ChannelFederation}).GroupBy("recipient").All(&rows)
	if err != nil {
		return err
	}
	now := s.m.Now()
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(descRelay, prometheus.GaugeValue, float64(r.N), r.Key)
		ch <- prometheus.MustNewConstMetric(descRelayOldest, prometheus.GaugeValue, s.age(now, r.Oldest), r.Key)
	}
	return nil
}

func (s *state) disk(ch chan<- prometheus.Metric) error {
	free, err := s.m.Free(s.app.DataDir())
	if err != nil {
		return err
	}
	ch <- prometheus.MustNewConstMetric(descDiskFree, prometheus.GaugeValue, float64(free))
	return nil
}

// age is how long ago the stored datetime was, in seconds; 0 for none.
func (s *state) age(now time.Time, stored string) float64 {
	if stored == "" {
		return 0
	}
	t, err := types.ParseDateTime(stored)
	if err != nil || t.IsZero() {
		return 0
	}
	return max(0, now.Sub(t.Time()).Seconds())
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

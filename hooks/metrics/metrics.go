// Package metrics is GET /api/alertbutton/metrics, in Prometheus' text format: the alerts,
// the outbox and the relay, read from the database at each scrape; the notices' outcomes and
// the time to acknowledge, counted as they happen; the requests' latency by route pattern;
// the disk, the replication and the Go runtime. No label holds personal data: states,
// channels, route patterns and peer consulates' codes only.
package metrics

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"alertbutton/hooks/disk"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/privacy"
)

// Metrics is one appliance's registry and the counters its hooks move.
type Metrics struct {
	// Now and Free are the clock and the disk the scrape reads; tests replace them.
	Now  func() time.Time
	Free disk.FreeFunc

	registry     *prometheus.Registry
	tokenHash    [sha256.Size]byte
	hasToken     bool
	requests     *prometheus.HistogramVec
	notices      *prometheus.CounterVec
	acknowledged prometheus.Histogram
}

// Bind makes app's metrics and counts what its hooks see; token, if set, lets a scraper in
// without a staff account.
func Bind(app core.App, token string) *Metrics {
	m := &Metrics{
		Now:      time.Now,
		Free:     disk.Free,
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "alertbutton_http_request_duration_seconds",
			Help:    "Time to answer a request, by route pattern and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "code"}),
		notices: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alertbutton_notices_total",
			Help: "Notices whose outcome became known, by channel (push, email, sms, federation) and outcome (delivered, failed).",
		}, []string{"channel", "outcome"}),
		acknowledged: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "alertbutton_alert_acknowledge_seconds",
			Help:    "Time from an alert's press to its acknowledgement by the consulate.",
			Buckets: ageBuckets,
		}),
	}
	if token != "" {
		m.tokenHash, m.hasToken = sha256.Sum256([]byte(token)), true
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.notices, m.acknowledged,
		&state{app: app, m: m},
	)
	bindOutcomes(app, m)
	return m
}

// Staff read English (the admin UI's language); a scraper reads the status.
var msgOnlyIT = "Only the consulate's IT (or a scraper with the metrics token) can read the metrics."

// Route is GET /api/alertbutton/metrics: IT signed in, or the scrape token as a bearer.
func (m *Metrics) Route(e *core.RequestEvent) error {
	switch {
	case m.tokenAllowed(e.Request.Header.Get("Authorization")):
	case e.Auth == nil:
		return e.UnauthorizedError(i18n.Text{ES: "Inicia sesión para continuar.", EN: "Sign in to continue."}.In(i18n.Lang(e)), nil)
	case privacy.StaffRole(e.Auth) != privacy.RoleIT:
		return e.ForbiddenError(msgOnlyIT, nil)
	}
	promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}).ServeHTTP(e.Response, e.Request)
	return nil
}

// tokenAllowed compares the bearer with the token in constant time (of their hashes, so
// that the length tells nothing either).
func (m *Metrics) tokenAllowed(header string) bool {
	given, ok := strings.CutPrefix(header, "Bearer ")
	if !m.hasToken || !ok {
		return false
	}
	h := sha256.Sum256([]byte(strings.TrimSpace(given)))
	return subtle.ConstantTimeCompare(h[:], m.tokenHash[:]) == 1
}

package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/hooks/alerts/vocab"
)

// ageBuckets are the ages of an alert waiting for the consulate, in seconds: from a prompt
// answer to a night without one.
var ageBuckets = []float64{10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 12 * 3600}

// bindOutcomes counts the notices whose outcome becomes known and the acknowledgements, once
// each change is committed (a save inside a transaction, the group commit's, is told of after
// the commit).
func bindOutcomes(app core.App, m *Metrics) {
	app.OnRecordAfterUpdateSuccess("outbox", "alerts").BindFunc(func(e *core.RecordEvent) error {
		m.count(e.Record)
		return e.Next()
	})
}

// count counts what a record's update tells: a notice delivered or failed, an alert
// acknowledged (its time from the press).
func (m *Metrics) count(r *core.Record) {
	if r.Collection().Name == "outbox" {
		was, now := r.Original().GetString("delivery"), r.GetString("delivery")
		if now != was && (now == vocab.DeliveryDelivered || now == vocab.DeliveryFailed) {
			m.notices.WithLabelValues(r.GetString("channel"), now).Inc()
		}
		return
	}
	if r.Original().GetString("status") == vocab.StatusNew && r.GetString("status") == vocab.StatusAcknowledged {
		m.acknowledged.Observe(m.Now().Sub(r.GetDateTime("created").Time()).Seconds())
	}
}

// Requests times every request by its route pattern (never its path, which holds ids).
func (m *Metrics) Requests() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "alertbuttonMetricsRequests",
		Priority: -99000, // after proxy.Strip, before PocketBase's own middlewares
		Func: func(e *core.RequestEvent) error {
			start := time.Now()
			err := e.Next()
			method, route := e.Request.Method, e.Request.Pattern
			if _, pattern, ok := cutMethod(route); ok {
				route = pattern
			}
			m.requests.WithLabelValues(method, route, statusClass(e, err)).Observe(time.Since(start).Seconds())
			return err
		},
	}
}

// cutMethod splits "GET /path" into its method and path.
func cutMethod(pattern string) (string, string, bool) {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == ' ' {
			return pattern[:i], pattern[i+1:], true
		}
	}
	return "", pattern, false
}

// statusClass is the answer's class (2xx, 4xx...): an error is answered after the
// middlewares return, so its status is the error's.
func statusClass(e *core.RequestEvent, err error) string {
	status := e.Status()
	if err != nil {
		status = http.StatusInternalServerError
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			status = apiErr.Status
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	return strconv.Itoa(status/100) + "xx"
}

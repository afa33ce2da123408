package alerts_test

import (
	"net/http"
	"testing"
	"time"
)

// Staff can neither set nor clear that escalation reached nobody: the server alone writes it.
func TestNobodyReachedIsTheServers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		set        bool
	}{
		{"clear", `{"nobody_reached_at":""}`, true},
		{"set", `{"nobody_reached_at":"2026-01-02 03:04:05.000Z"}`, false},
	} {
		w, alert := raised(t, laLat, laLon)
		if c.set {
			alert.Set("nobody_reached_at", time.Now())
			if err := w.app.Save(alert); err != nil {
				t.Fatal(err)
			}
		}
		before := counts(t, w.app)
		s := scenario(w, c.name, http.MethodPatch, recordsURL+"/"+alert.Id, w.tokAdviser, c.body, 400)
		s.ExpectedContent = []string{`"nobody_reached_at"`}
		s.Test(t)
		if after := counts(t, w.app); after != before {
			t.Errorf("%s: rows written", c.name)
		}
	}
}

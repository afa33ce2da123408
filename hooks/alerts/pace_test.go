package alerts_test

import (
	"net/http"
	"testing"
	"time"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/apptest"
)

// Whichever PIN, the cancel and safe routes answer at the same instant, the floor after the
// request began, though the cancel PIN closes the alert and the duress PIN writes other rows
// (BenchmarkPINAnswerTime measures them).
func TestEitherPINAnswersAtTheFloor(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "all")
	const floor = 700 * time.Millisecond
	clock := apptest.FakePace(w.app, floor)
	h := apptest.Handler(t, w.app)
	for _, route := range []string{"cancel", "safe"} {
		for _, pin := range []string{cancelPIN, duressPIN, wrongPIN} {
			alert, _, err := alerts.Raise(w.app, w.cfg, apptest.Directory(w.app), button(w, laLat, laLon))
			if err != nil {
				t.Fatal(err)
			}
			url := "/api/alertbutton/alerts/" + alert.GetString("uid") + "/" + route
			status, after := clock.AnsweredAt(h, http.MethodPost, url, w.tokA, pinBody(pin))
			if after != floor {
				t.Errorf("%s with PIN %s answered %d %v after the request began, want %v", route, pin, status, after, floor)
			}
		}
	}
}

package registrants_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/pins"
)

// The PIN change and the account deletion answer at the same instant, the floor after the
// request began, whether a case is open (kept open by the duress PIN, perhaps) or not, and
// whichever PIN is given, though each path writes other rows
// (BenchmarkAnswerTimeWithAnOpenCase measures them).
func TestAnswersTellNoOpenCaseByTheirTime(t *testing.T) {
	t.Parallel()
	s := serve(t)
	const floor = 900 * time.Millisecond
	clock := apptest.FakePace(s.app, floor)
	cancelHash, _ := pins.Hash("1234")
	duressHash, _ := pins.Hash("9876")
	n := 0
	for _, open := range []bool{false, true} {
		for _, current := range []string{"9876", "1234", "0000", ""} {
			n++
			a := register(t, s.app, fmt.Sprintf("+1310557%04d", n))
			if current != "" {
				if err := pins.Store(s.app, a.Id, cancelHash, duressHash); err != nil {
					t.Fatal(err)
				}
			}
			if open {
				openAlert(t, s.app, a, fmt.Sprintf("0192d4a8-7c5e-7abc-8def-%012d", n), "new")
			}
			tok := apptest.Token(t, a)
			body := `{"currentPin":"` + current + `","cancelPin":"1111","duressPin":"2222"}`
			status, after := clock.AnsweredAt(s.h, http.MethodPost, pinsURL, tok, body)
			if after != floor {
				t.Errorf("PIN change with %q, case open %v: %d %v after the request began, want %v", current, open, status, after, floor)
			}
			status, after = clock.AnsweredAt(s.h, http.MethodDelete, "/api/collections/registrants/records/"+a.Id, tok, "")
			if status != http.StatusNoContent || after != floor {
				t.Errorf("deletion, case open %v: %d %v after the request began, want 204 %v", open, status, after, floor)
			}
		}
	}
}

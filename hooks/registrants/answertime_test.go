package registrants_test

import (
	"fmt"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/pins"
)

// BenchmarkAnswerTimeWithAnOpenCase reports the median time the PIN change (with the duress
// PIN, and with the cancel PIN) and the account deletion take to answer with an open case and
// with none. Run: go test ./hooks/registrants -run '^$' -bench AnswerTime -benchtime 1x
func BenchmarkAnswerTimeWithAnOpenCase(b *testing.B) {
	app, _ := apptest.New(b, "los-angeles")
	h := apptest.Handler(b, app)
	apptest.Appliance(app).Pace.Set(0, time.Now, time.Sleep) // the real floor, slept out
	now := time.Now()
	apptest.Appliance(app).Guard.SetClock(func() time.Time { return now })
	cancelHash, _ := pins.Hash("1234")
	duressHash, _ := pins.Hash("9876")
	times := map[string][]time.Duration{}
	n := 0
	for range b.N * 11 {
		for _, open := range []bool{false, true} {
			now = now.Add(time.Hour) // past the attempts limit
			n++
			r := register(b, app, fmt.Sprintf("+1310556%04d", n))
			if err := pins.Store(app, r.Id, cancelHash, duressHash); err != nil {
				b.Fatal(err)
			}
			if open {
				openAlert(b, app, r, fmt.Sprintf("0192d4a8-7c5e-7abc-8def-%012d", n), "new")
			}
			tok := apptest.Token(b, r)
			key := fmt.Sprintf(" open=%v", open)
			_, d := apptest.Timed(h, "POST", pinsURL, tok, `{"currentPin":"9876","cancelPin":"1111","duressPin":"2222"}`)
			times["pins duress PIN"+key] = append(times["pins duress PIN"+key], d)
			_, d = apptest.Timed(h, "POST", pinsURL, tok, `{"currentPin":"1234","cancelPin":"1111","duressPin":"2222"}`)
			times["pins cancel PIN"+key] = append(times["pins cancel PIN"+key], d)
			status, d := apptest.Timed(h, "DELETE", "/api/collections/registrants/records/"+r.Id, tok, "")
			if status != 204 {
				b.Fatalf("deletion: %d", status)
			}
			times["deletion"+key] = append(times["deletion"+key], d)
		}
	}
	for _, k := range []string{"pins duress PIN", "pins cancel PIN", "deletion"} {
		for _, open := range []string{" open=false", " open=true"} {
			b.Logf("%s%s: median %.1f ms", k, open, apptest.MedianMs(times[k+open]))
		}
	}
}

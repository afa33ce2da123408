package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
)

func TestPushIsSentWhenItsTransactionCommits(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())
	rec.Set("failures", 4)
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}

	d := dispatcher(t, app, cfg, outbox.Options{})
	d.SetSweep(time.Hour) // only a commit can wake it
	d.Start()

	// The first push may go out with the pass Start makes; the second comes after it.
	for i := 1; i <= 2; i++ {
		want := payload(i)
		queuePush(t, app, rec.Id, want)
		got := svc.WaitMessages(t, sub, i)
		if len(got) != i || got[i-1] != string(want.JSON()) {
			t.Fatalf("received %q, want %s last", got, want.JSON())
		}
		id := rows(t, app, rec.Id)[i-1].Id
		row := waitRow(t, app, id, func(r *core.Record) bool { return r.GetString("state") == "sent" })
		checkState(t, row, "sent", 1, "")
		if row.GetDateTime("sent_at").IsZero() || row.GetString("alert") != alertUID {
			t.Fatalf("sent row has sent_at %q and alert %q", row.GetString("sent_at"), row.GetString("alert"))
		}
	}
	waitRecord(t, app, "push_subscriptions", rec.Id, func(r *core.Record) bool {
		return !r.GetDateTime("last_success").IsZero() && r.GetInt("failures") == 0
	})
}

func TestRolledBackPushIsNeverSent(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())

	rollback := errors.New("the alert could not be saved")
	err := app.RunInTransaction(func(txApp core.App) error {
		if err := outbox.Push(txApp, rec, payload(1)); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("transaction: %v", err)
	}
	committed := payload(2)
	queuePush(t, app, rec.Id, committed)

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 1 {
		t.Fatalf("sent %d, want only the committed push", sent)
	}
	got := svc.WaitMessages(t, sub, 1)
	if len(got) != 1 || got[0] != string(committed.JSON()) {
		t.Fatalf("received %q, want only %s", got, committed.JSON())
	}
	if n := len(rows(t, app, rec.Id)); n != 1 {
		t.Fatalf("%d outbox rows, want the committed one", n)
	}
}

func TestPendingPushesAreSentAfterRestart(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())
	want := []push.Payload{payload(1), payload(2), payload(3)}
	queuePush(t, app, rec.Id, want...)
	clk := apptest.NewClock(time.Now().Truncate(time.Second))

	// The first process claims a row and dies before sending it; it never sends the others.
	crashed := outbox.NewDispatcher(app, cfg, outbox.Options{Now: clk.Now})
	if n, err := crashed.Claim(clk.Now(), 1); err != nil || n != 1 {
		t.Fatalf("Claim = %d, %v", n, err)
	}

	restarted := dispatcher(t, app, cfg, outbox.Options{Now: clk.Now})
	restarted.SetSweep(time.Hour)
	restarted.Start() // sends what is pending, with no commit to wake it
	svc.WaitMessages(t, sub, 2)
	// The push service has them before the dispatcher records them sent: wait for that too,
	// or a slow machine sees them claimed still when the clock moves.
	waitSent(t, app, rec.Id, 2)

	if sent := runOnce(t, restarted); sent != 0 {
		t.Fatalf("sent %d while the dead worker's claim holds", sent)
	}
	clk.Add(outbox.ClaimLease)
	if sent := runOnce(t, restarted); sent != 1 {
		t.Fatalf("sent %d after the claim lapsed, want the claimed row", sent)
	}

	got := svc.WaitMessages(t, sub, 3)
	var wantJSON []string
	for _, p := range want {
		wantJSON = append(wantJSON, string(p.JSON()))
	}
	slices.Sort(got)
	slices.Sort(wantJSON)
	if !slices.Equal(got, wantJSON) {
		t.Fatalf("received %q, want each of %q once", got, wantJSON)
	}
}

func TestGoneSubscriptionIsDeleted(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())
	queuePush(t, app, rec.Id, payload(1), payload(2))
	svc.Expire(t, sub)

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{Workers: 1})); sent != 0 {
		t.Fatalf("sent %d to an expired subscription", sent)
	}
	if _, err := app.FindRecordById("push_subscriptions", rec.Id); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("the expired subscription is still there: %v", err)
	}
	list := rows(t, app, rec.Id)
	if len(list) != 2 {
		t.Fatalf("%d rows, want 2", len(list))
	}
	checkState(t, list[0], "dead", 1, "expired")
	checkState(t, list[1], "dead", 0, "expired") // never tried: its subscription was gone
	if n := len(svc.Messages(t, sub)); n != 0 {
		t.Fatalf("expired subscription received %d messages", n)
	}
}

func TestRetryHonoursRetryAfterThenBacksOff(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	proxy, requests := pushProxy(t, svc.Host(),
		answer{http.StatusTooManyRequests, map[string]string{"Retry-After": "120"}},
		answer{http.StatusServiceUnavailable, nil})
	cfg.PushHosts = push.HostList{proxy}
	sub, rec := subscribe(t, app, cfg, svc, proxy)
	want := payload(1)
	queuePush(t, app, rec.Id, want)
	clk := apptest.NewClock(time.Now().Truncate(time.Second))
	d := dispatcher(t, app, cfg, outbox.Options{Now: clk.Now, Rand: rand.New(rand.NewPCG(1, 2))})
	id := onlyRow(t, app, rec.Id).Id

	// 429 with Retry-After: 120.
	if sent := runOnce(t, d); sent != 0 {
		t.Fatalf("sent %d on a 429", sent)
	}
	row := reload(t, app, onlyRow(t, app, rec.Id))
	checkState(t, row, "pending", 1, "429")
	checkNextAt(t, row, clk.Now().Add(120*time.Second))
	if f := reload(t, app, rec).GetInt("failures"); f != 1 {
		t.Fatalf("subscription failures = %d, want 1", f)
	}

	clk.Add(119 * time.Second)
	runOnce(t, d)
	if n := requests.Load(); n != 1 {
		t.Fatalf("the push service got %d requests before Retry-After passed", n)
	}

	// 503 without Retry-After: the jittered backoff for the second attempt.
	clk.Add(time.Second)
	if sent := runOnce(t, d); sent != 0 {
		t.Fatalf("sent %d on a 503", sent)
	}
	wait := max(push.Backoff(1, rand.New(rand.NewPCG(1, 2))), time.Second)
	row, _ = app.FindRecordById("outbox", id)
	checkState(t, row, "pending", 2, "503")
	checkNextAt(t, row, clk.Now().Add(wait))

	clk.Add(wait)
	if sent := runOnce(t, d); sent != 1 {
		t.Fatalf("sent %d once the service recovered", sent)
	}
	if got := svc.WaitMessages(t, sub, 1); len(got) != 1 || got[0] != string(want.JSON()) {
		t.Fatalf("received %q, want %s", got, want.JSON())
	}
	row, _ = app.FindRecordById("outbox", id)
	checkState(t, row, "sent", 3, "")
	rec = reload(t, app, rec)
	if rec.GetInt("failures") != 0 || !rec.GetDateTime("last_success").Time().Equal(clk.Now().Truncate(time.Millisecond)) {
		t.Fatalf("subscription: failures %d, last_success %s", rec.GetInt("failures"), rec.GetString("last_success"))
	}
}

func checkNextAt(t *testing.T, row *core.Record, want time.Time) {
	t.Helper()
	if got := row.GetDateTime("next_at").Time(); !got.Equal(want.Truncate(time.Millisecond)) {
		t.Fatalf("next_at = %s, want %s", got, want)
	}
}

func TestRetriesForThreeDaysThenGivesUp(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, requests := statusService(t, http.StatusBadGateway)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	queuePush(t, app, rec.Id, payload(1))
	clk := apptest.NewClock(time.Now().Truncate(time.Second))
	d := dispatcher(t, app, cfg, outbox.Options{Now: clk.Now})
	id := onlyRow(t, app, rec.Id).Id

	runOnce(t, d)
	clk.Add(48 * time.Hour)
	runOnce(t, d)
	row, _ := app.FindRecordById("outbox", id)
	checkState(t, row, "pending", 2, "502")

	clk.Add(24*time.Hour + time.Minute) // the row was queued a moment after the clock's start
	runOnce(t, d)
	row, _ = app.FindRecordById("outbox", id)
	checkState(t, row, "dead", 3, "3 days")

	clk.Add(24 * time.Hour)
	runOnce(t, d)
	if n := requests.Load(); n != 3 {
		t.Fatalf("the push service got %d requests, want 3 and none after giving up", n)
	}
	if _, err := app.FindRecordById("push_subscriptions", rec.Id); err != nil {
		t.Fatalf("a failing subscription was deleted: %v", err)
	}
}

func TestTooLargePushIsShortened(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	proxy, requests := pushProxy(t, svc.Host(), answer{http.StatusRequestEntityTooLarge, nil})
	cfg.PushHosts = push.HostList{proxy}
	sub, rec := subscribe(t, app, cfg, svc, proxy)
	long := payload(1)
	long.Body = strings.Repeat("Su familiar pidió ayuda al consulado. ", 12)
	queuePush(t, app, rec.Id, long)

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 1 {
		t.Fatalf("sent %d, want the shortened push", sent)
	}
	short, _ := long.Shorter()
	if got := svc.WaitMessages(t, sub, 1); len(got) != 1 || got[0] != string(short.JSON()) {
		t.Fatalf("received %q, want the shorter %s", got, short.JSON())
	}
	if n := requests.Load(); n != 2 {
		t.Fatalf("the push service got %d requests, want the 413 and the retry", n)
	}
	row := onlyRow(t, app, rec.Id)
	var stored push.Payload
	if err := row.UnmarshalJSONField("payload", &stored); err != nil || stored != short {
		t.Fatalf("stored payload %+v (%v), want what was sent: %+v", stored, err, short)
	}
}

func TestRejectedPushIsDead(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, _ := statusService(t, http.StatusBadRequest)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	queuePush(t, app, rec.Id, payload(1))

	runOnce(t, dispatcher(t, app, cfg, outbox.Options{}))
	checkState(t, onlyRow(t, app, rec.Id), "dead", 1, "400")
	// The subscription no longer works: escalation does not count it as a way to reach anyone.
	if f := reload(t, app, rec).GetInt("failures"); f != 1 {
		t.Fatalf("subscription failures = %d after a rejected push, want 1", f)
	}
}

func TestPushToVanishedSubscriptionIsDead(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, requests := statusService(t, http.StatusCreated)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	queuePush(t, app, rec.Id, payload(1))
	if err := app.Delete(rec); err != nil {
		t.Fatal(err)
	}

	runOnce(t, dispatcher(t, app, cfg, outbox.Options{}))
	checkState(t, onlyRow(t, app, rec.Id), "dead", 0, "no longer exists")
	if n := requests.Load(); n != 0 {
		t.Fatalf("the push service got %d requests", n)
	}
}

func TestPushToHostNoLongerAllowedIsDead(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, requests := statusService(t, http.StatusCreated)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	queuePush(t, app, rec.Id, payload(1))
	cfg.PushHosts = push.HostList{"fcm.googleapis.com"}

	runOnce(t, dispatcher(t, app, cfg, outbox.Options{}))
	checkState(t, onlyRow(t, app, rec.Id), "dead", 0, "not a known browser push service")
	if n := requests.Load(); n != 0 {
		t.Fatalf("a host outside the allow-list got %d requests", n)
	}
}

func TestHangingPushServiceDoesNotBlockOthers(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	hangHost, hit, hangEnded := hangingService(t)
	cfg.PushHosts = push.HostList{svc.Host(), hangHost}
	stuck := saveSubscription(t, app, fakeSubscription(t, hangHost))
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())

	queuePush(t, app, stuck.Id, payload(0))
	d := dispatcher(t, app, cfg, outbox.Options{Workers: 2, Client: &http.Client{Timeout: 3 * time.Second}})
	d.Start()
	select {
	case <-hit:
	case <-time.After(10 * time.Second):
		t.Fatal("the hanging service got no request")
	}
	queuePush(t, app, rec.Id, payload(1), payload(2), payload(3))

	svc.WaitMessages(t, sub, 3)
	if hangEnded.Load() {
		t.Fatal("the other pushes waited for the hanging one")
	}
	row := waitRow(t, app, onlyRow(t, app, stuck.Id).Id, func(r *core.Record) bool { return r.GetInt("attempts") == 1 })
	checkState(t, row, "pending", 1, "Timeout")
}

func TestNoPushIsSentTwice(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	const subs, perSub = 3, 20
	var ids []string
	var wants [][]string
	var pushSubs []push.Subscription
	for i := range subs {
		sub, rec := subscribe(t, app, cfg, svc, svc.Host())
		ids, pushSubs = append(ids, rec.Id), append(pushSubs, sub)
		var want []string
		for j := range perSub {
			want = append(want, string(payload(i*perSub+j).JSON()))
		}
		slices.Sort(want)
		wants = append(wants, want)
	}
	queueHalf := func(half int) {
		for i, id := range ids {
			for j := half * perSub / 2; j < (half+1)*perSub/2; j++ {
				queuePush(t, app, id, payload(i*perSub+j))
			}
		}
	}

	queueHalf(0)
	a := dispatcher(t, app, cfg, outbox.Options{Workers: 4})
	b := dispatcher(t, app, cfg, outbox.Options{Workers: 4})
	c := dispatcher(t, app, cfg, outbox.Options{Workers: 3})
	a.Start()
	b.Start()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { c.RunOnce(context.Background()) })
	}
	queueHalf(1)
	wg.Wait()

	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := app.CountRecords("outbox", dbx.HashExp{"state": "sent"})
		if err != nil {
			t.Fatal(err)
		}
		if n == subs*perSub {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d rows sent", n, subs*perSub)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, d := range []*outbox.Dispatcher{a, b, c} {
		if err := d.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for i, sub := range pushSubs {
		got := svc.Messages(t, sub)
		slices.Sort(got)
		if !slices.Equal(got, wants[i]) {
			t.Fatalf("subscription %d received %d messages, want each of %d exactly once", i, len(got), perSub)
		}
	}
	for _, row := range rows(t, app, ids[0]) {
		if row.GetInt("attempts") != 1 {
			t.Fatalf("row %s was tried %d times", row.Id, row.GetInt("attempts"))
		}
	}
}

func TestClaimsOfAKilledProcessAreReleasedAtStart(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())
	queuePush(t, app, rec.Id, payload(1), payload(2))
	clk := apptest.NewClock(time.Now().Truncate(time.Second))

	// Another process claimed a row and was killed (SIGKILL) before sending it.
	killed := outbox.NewDispatcher(app, cfg, outbox.Options{Now: clk.Now})
	killed.SetProcess("killedprocess01")
	if n, err := killed.Claim(clk.Now(), 1); err != nil || n != 1 {
		t.Fatalf("Claim = %d, %v", n, err)
	}

	// The next process sends both at start, without waiting for the lease: the clock
	// does not move.
	restarted := dispatcher(t, app, cfg, outbox.Options{Now: clk.Now})
	restarted.SetSweep(time.Hour)
	restarted.Start()
	if got := svc.WaitMessages(t, sub, 2); len(got) != 2 {
		t.Fatalf("received %d pushes, want both", len(got))
	}
}

// waitSent waits up to 10 seconds for n of target's rows to be recorded sent.
func waitSent(t *testing.T, app core.App, target string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sent := 0
		for _, r := range rows(t, app, target) {
			if r.GetString("state") == "sent" {
				sent++
			}
		}
		if sent >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows recorded sent, want %d", sent, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

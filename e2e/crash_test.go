package e2e

import (
	"bytes"
	"database/sql"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite"

	"alertbutton/hooks/push/pushtest"
)

const (
	crashPeople     = 120 // registrants, each with a relative subscribed to pushes
	alertsPerMinute = 3   // the appliance's limit of new alerts per registrant (hooks/limits)
	alertRate       = 200 // alerts sent per second
	maxRestart      = 5 * time.Second
)

// ledger is every alert uid the harness sent, whom for, and whether a 2xx acknowledged it.
type ledger struct {
	mu      sync.Mutex
	owner   map[string]*person
	acked   map[string]bool
	pending map[*person][]string // sent (or to send) and not acknowledged yet
}

func newLedger() *ledger {
	return &ledger{owner: map[string]*person{}, acked: map[string]bool{}, pending: map[*person][]string{}}
}

// round is what each person sends in one life of the appliance: what is still pending,
// then new alerts, never more than the limit lets through.
func (l *ledger) round(people []*person) [][2]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var jobs [][2]any
	for k := range alertsPerMinute {
		for _, p := range people {
			for len(l.pending[p]) < alertsPerMinute {
				uid := uuid.Must(uuid.NewV7()).String()
				l.owner[uid] = p
				l.pending[p] = append(l.pending[p], uid)
			}
			jobs = append(jobs, [2]any{p, l.pending[p][k]})
		}
	}
	return jobs
}

func (l *ledger) ack(p *person, uid string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked[uid] = true
	l.pending[p] = remove(l.pending[p], uid)
}

func (l *ledger) outstanding() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, uids := range l.pending {
		n += len(uids)
	}
	return n
}

func remove(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// load sends jobs at alertRate until they are all sent or stop closes, and returns when
// every request sent has its answer (or its error).
func load(t *testing.T, baseURL string, l *ledger, jobs [][2]any, stop <-chan struct{}) {
	queue := make(chan [2]any)
	var wg sync.WaitGroup
	for range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				p, uid := j[0].(*person), j[1].(string)
				status, body, err := call(p.client(), http.MethodPost, baseURL+"/api/alertbutton/alerts", p.token,
					map[string]any{"uid": uid, "kind": "detained", "lat": 34.0522, "lon": -118.2437, "note": "crash test"})
				switch {
				case err != nil:
				case status == http.StatusCreated || status == http.StatusOK:
					if !bytes.Contains(body, []byte(uid)) {
						t.Errorf("a 2xx for %s answered another alert: %s", uid, body)
					}
					l.ack(p, uid)
				case status == http.StatusTooManyRequests, status >= 500:
				default:
					t.Errorf("alert %s: HTTP %d %s", uid, status, body)
				}
			}
		}()
	}
	tick := time.NewTicker(time.Second / alertRate)
	defer tick.Stop()
send:
	for _, j := range jobs {
		select {
		case <-stop:
			break send
		case <-tick.C:
		}
		select {
		case <-stop:
			break send
		case queue <- j:
		}
	}
	close(queue)
	wg.Wait()
}

// kill ends the appliance as a power cut would, and waits for it.
func (a *appliance) kill() {
	syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
	a.cmd.Wait()
}

// restart starts dir again and fails the test when it takes maxRestart or more.
func restart(t *testing.T, dir string, extra ...string) *appliance {
	t.Helper()
	t0 := time.Now()
	a := start(t, dir, "los-angeles", extra...)
	if took := time.Since(t0); took >= maxRestart {
		t.Errorf("restart took %s, want under %s", took.Round(time.Millisecond), maxRestart)
	}
	return a
}

// backupRunning tells whether a backup is being written: its temporary files exist.
func backupRunning(dir string) bool {
	matches, _ := filepath.Glob(filepath.Join(dir, ".pb_temp_to_delete", "backup_*"))
	return len(matches) > 0
}

// TestCrashLosesNoAcknowledgedAlert raises alerts at ~200/s from many registrants and kills
// the appliance with SIGKILL at random moments, some of them while a backup is being
// written, then restarts it, many times over (20 under CI=true; ALERTBUTTON_CRASH_CYCLES
// sets it). Every alert answered 2xx is stored exactly once; the ones that failed, sent
// again with the same uid, are too; the database passes integrity_check, the audit chain
// verifies, every relative's push arrives, each restart takes under 5 s, and no backup in
// the store is readable without IT's key.
func TestCrashLosesNoAcknowledgedAlert(t *testing.T) {
	cycles := ciInt("ALERTBUTTON_CRASH_CYCLES", 6, 20)
	backupKills := 3
	svc := pushtest.Start(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	email, password := makeIT(t, dir)
	recipients, _, _ := backupKeys(t)
	extra := []string{"--push-hosts", svc.Host(), "--backup-recipients", recipients}

	a := start(t, dir, "los-angeles", extra...)
	people := registerPeople(t, a.URL, crashPeople, svc, vapidKey(t, a.URL))
	staff := staffToken(t, a.URL, email, password)
	l := newLedger()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))

	duringBackup, claimedAtKill := 0, 0
	for cycle := 0; cycle < cycles+backupKills*3 && (cycle < cycles || duringBackup < backupKills); cycle++ {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { load(t, a.URL, l, l.round(people), stop); close(done) }()
		if cycle < cycles {
			time.Sleep(time.Duration(200+rng.IntN(1400)) * time.Millisecond)
		} else {
			// Kill while a backup is being written, alerts flowing.
			time.Sleep(300 * time.Millisecond)
			go call(http.DefaultClient, http.MethodPost, a.URL+"/api/backups", staff, map[string]string{})
			for deadline := time.Now().Add(5 * time.Second); !backupRunning(dir) && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		}
		a.kill()
		close(stop)
		<-done
		claimedAtKill += claimedRows(t, dir)
		if cycle >= cycles {
			if backupRunning(dir) {
				duringBackup++
			} else {
				t.Logf("cycle %d: the backup had finished before the kill; trying again", cycle)
			}
		}
		a = restart(t, dir, extra...)
		if t.Failed() {
			t.FailNow()
		}
	}
	if duringBackup < backupKills {
		t.Errorf("only %d of the kills landed during a backup, want %d", duringBackup, backupKills)
	}

	// The last life: everything not acknowledged is sent again, with its uid, and must be.
	for l.outstanding() > 0 {
		var jobs [][2]any
		l.mu.Lock()
		for p, uids := range l.pending {
			for _, uid := range uids {
				jobs = append(jobs, [2]any{p, uid})
			}
		}
		l.mu.Unlock()
		load(t, a.URL, l, jobs, nil)
		if n := l.outstanding(); n > 0 {
			t.Fatalf("%d alerts are still refused after the last restart", n)
		}
	}
	t.Logf("%d cycles, %d kills during a backup, %d alerts acknowledged, %d pushes claimed mid-send at a kill",
		cycles, duringBackup, len(l.acked), claimedAtKill)

	// Every relative hears of every alert, the ones queued at a kill included.
	missing := func() []string {
		var out []string
		for _, p := range people {
			got := strings.Join(svc.Messages(t, p.relSub), "\n")
			for uid, owner := range l.owner {
				if owner == p && !strings.Contains(got, `"alert":"`+uid+`"`) {
					out = append(out, uid)
				}
			}
		}
		return out
	}
	var lost []string
	if !waitFor(90*time.Second, func() bool { lost = missing(); return len(lost) == 0 }) {
		t.Errorf("%d alerts' pushes never reached the relative, e.g. %v", len(lost), lost[:min(5, len(lost))])
	}

	// A backup made now is encrypted, and the store holds nothing else.
	if status, body, err := call(http.DefaultClient, http.MethodPost, a.URL+"/api/backups", staff, map[string]string{}); err != nil || status != 204 {
		t.Errorf("a backup after the crashes: %d %v %s", status, err, body)
	}
	checkBackupStore(t, dir)
	verifyAudit(t, a.URL, staff)
	a.stop()
	checkStored(t, dir, l)
}

// claimedRows counts the pushes a killed appliance had claimed and not finished sending.
func claimedRows(t *testing.T, dir string) int {
	t.Helper()
	db := openReadOnly(t, dir)
	defer db.Close()
	var n int
	db.QueryRow("SELECT count(*) FROM outbox WHERE state = 'pending' AND claimed_by != ''").Scan(&n)
	return n
}

// checkStored opens the stopped appliance's database read-only: each acknowledged uid is
// there exactly once, nothing else is, and integrity_check is ok.
func checkStored(t *testing.T, dir string, l *ledger) {
	t.Helper()
	db := openStored(t, dir)
	defer db.Close()
	rows, err := db.Query("SELECT uid, count(*) FROM alerts GROUP BY uid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string]int{}
	for rows.Next() {
		var uid string
		var n int
		rows.Scan(&uid, &n)
		stored[uid] = n
	}
	for uid := range l.acked {
		if stored[uid] != 1 {
			t.Errorf("acknowledged alert %s is stored %d times", uid, stored[uid])
		}
	}
	for uid, n := range stored {
		if !l.acked[uid] {
			t.Errorf("alert %s is stored (%d times) but was never acknowledged", uid, n)
		}
	}
	if len(stored) != len(l.acked) {
		t.Errorf("%d alerts stored, %d acknowledged", len(stored), len(l.acked))
	}
}

// checkBackupStore fails when the backups store holds anything but age files.
func checkBackupStore(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(dir, "backups"))
	found := 0
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".attrs") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, "backups", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(e.Name(), ".age") || !bytes.HasPrefix(raw, []byte("age-encryption.org/v1")) {
			t.Errorf("the backups store holds %s, which is not age-encrypted", e.Name())
		}
		found++
	}
	if found == 0 {
		t.Error("the backups store is empty")
	}
}

// openStored opens a stopped appliance's database read-only and checks its integrity; the
// caller closes it.
func openStored(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db := openReadOnly(t, dir)
	var integrity string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		db.Close()
		t.Fatalf("integrity_check of %s: %q %v", dir, integrity, err)
	}
	return db
}

// openReadOnly opens a stopped appliance's database read-only; the caller closes it.
func openReadOnly(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

package federation_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"alertbutton/federation"
	"alertbutton/hooks/apptest"
)

// TestRosterFetchFollowsTheServedRoster: fresno fetches the roster los-angeles serves, as
// signed; the same version again is up to date; a failed fetch shows since its first failure
// and clears on the next good one; a newer roster without san-diego revokes it; an older one
// is refused.
func TestRosterFetchFollowsTheServedRoster(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	pub, root, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	var unsigned []byte
	for _, k := range []federation.PublicKeys{
		{Code: "los-angeles", URL: la.url, SigningKey: la.cfg.Keys().SigningKey(), SealKey: la.cfg.Keys().SealKey()},
		{Code: "fresno", URL: fresno.url, SigningKey: fresno.cfg.Keys().SigningKey(), SealKey: fresno.cfg.Keys().SealKey()},
		{Code: "san-diego", URL: "https://alerta.sd.example", SigningKey: newKey(t), SealKey: newKey(t)},
	} {
		var err error
		if unsigned, _, err = federation.AddToRoster(unsigned, k, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	v3, err := federation.SignRosterFile(unsigned, root, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := federation.ImportRoster(la.app, "los-angeles", v3, pub, now); err != nil {
		t.Fatal(err)
	}
	status, served := do(t, http.MethodGet, la.url+federation.RosterPath, "", nil)
	if status != 200 || string(served) != string(v3) {
		t.Fatalf("served roster: %d %s", status, served)
	}

	fresno.cfg.Roster.URL, fresno.cfg.Roster.Root, fresno.cfg.Roster.Every = la.url+federation.RosterPath, pub, time.Hour
	svc := apptest.Appliance(fresno.app).Federation
	fetch := func(at time.Time) (*federation.ImportResult, error) { return svc.FetchRoster(fresno.app, at) }
	if res, err := fetch(now); err != nil || res.Version != 3 || len(res.Trusted) != 2 {
		t.Fatalf("first fetch: %+v %v", res, err)
	}
	if res, err := fetch(now.Add(time.Hour)); err != nil || res != nil {
		t.Fatalf("the same roster again: %+v %v, want up to date", res, err)
	}

	fresno.cfg.Roster.URL = la.url + "/api/federation/v1/nothing-here"
	fetch(now.Add(2 * time.Hour))
	fetch(now.Add(3 * time.Hour))
	st, _ := svc.RosterStatus(fresno.app)
	if st.Version != 3 || st.LastError == "" || !strings.HasPrefix(st.Line, "roster version 3, fetch failing since 2026-12-03T20:00:00Z: ") {
		t.Errorf("failing fetches: %+v", st)
	}
	fresno.cfg.Roster.URL = la.url + federation.RosterPath
	fetch(now.Add(4 * time.Hour))
	if st, _ := svc.RosterStatus(fresno.app); st.LastError != "" || st.Line != "roster version 3, fetched 2026-12-03T22:00:00Z" {
		t.Errorf("a good fetch after failures: %+v", st)
	}

	unsigned, _, err = federation.RemoveFromRoster(unsigned, "san-diego")
	if err != nil {
		t.Fatal(err)
	}
	v4, _ := federation.SignRosterFile(unsigned, root, now.Add(5*time.Hour))
	if _, err := federation.ImportRoster(la.app, "los-angeles", v4, pub, now); err != nil {
		t.Fatal(err)
	}
	if res, err := fetch(now.Add(5 * time.Hour)); err != nil || res.Version != 4 || strings.Join(res.Dropped, ",") != "san-diego" {
		t.Fatalf("fetching the revocation: %+v %v", res, err)
	}
	if p, _ := federation.LoadPeer(fresno.app, "san-diego"); p != nil && p.Trust != "" {
		t.Errorf("san-diego still trusted: %+v", p)
	}

	older, _ := federation.SignRosterFile(unsigned, root, now) // signed, but not newer
	if _, err := federation.ImportRoster(fresno.app, "fresno", older, pub, now); !errors.As(err, new(*federation.NotNewerError)) {
		t.Errorf("an equal version imported: %v", err)
	}
	if _, err := fetch(now.Add(6 * time.Hour)); err != nil {
		t.Errorf("up to date is not a failure: %v", err)
	}
}

package e2e

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"alertbutton/federation/protocol"
)

// TestFederation runs three appliances (los-angeles, fresno, san-diego), each link through
// a TCP relay, and shows on the built binary: an alert relayed once with its status flowing
// back; 1,000 alerts through an outage in which the receiver is killed; no alert lost when
// the origin is killed mid-fedBurst; forged, replayed and tampered requests refused.
func TestFederation(t *testing.T) {
	// A test identity, "houston", that fresno trusts: it signs the hand-made requests.
	houston := newFedPeer(t)
	c := newFedCluster(t, func(code, dir string) {
		if code != "fresno" {
			return
		}
		if out, rc := run(t, "federation", "peer", "add", "--dir", dir, "--", "houston", "http://127.0.0.1:9", houston.signingKey(), houston.sealKey()); rc != 0 {
			t.Fatalf("peer add houston: exit %d\n%s", rc, out)
		}
	})
	t.Run("AlertRelayedOnceStatusFlowsBack", func(t *testing.T) { fedRelayedOnce(t, c) })
	t.Run("ThousandAlertsThroughOutageReceiverKilled", func(t *testing.T) { fedThroughOutage(t, c) })
	t.Run("OriginKilledMidBurst", func(t *testing.T) { fedOriginKilled(t, c) })
	t.Run("ForgedReplayedTamperedRefused", func(t *testing.T) { fedRefusals(t, c, houston) })
}

// fedRelayedOnce: a registrant in Los Angeles presses the button in Fresno; fresno gets the
// alert once; fresno's adviser acknowledges it and the registrant sees it acknowledged.
func fedRelayedOnce(t *testing.T, c *fedCluster) {
	la, fresno := c.url("los-angeles"), c.url("fresno")
	reg := map[string]any{
		"phone": "+13105550123", "password": fedPassword, "passwordConfirm": fedPassword,
		"name": "Ana María López", "language": "es", "consent": true,
	}
	if status := fedCall(t, "POST", la+"/api/collections/registrants/records", "", reg, nil); status != 200 {
		t.Fatalf("registering: %d", status)
	}
	var auth struct{ Token string }
	if status := fedCall(t, "POST", la+"/api/collections/registrants/auth-with-password", "",
		map[string]string{"identity": "+13105550123", "password": fedPassword}, &auth); status != 200 {
		t.Fatalf("signing in: %d", status)
	}
	var raised fedAlert
	if status := fedCall(t, "POST", la+"/api/alertbutton/alerts", auth.Token,
		map[string]any{"kind": "detained", "lat": fedLat, "lon": fedLon}, &raised); status != 201 {
		t.Fatalf("pressing the button: %d", status)
	}
	filter := "uid='" + raised.UID + "'"
	took := fedWaitFor(t, 30*time.Second, "the alert never reached fresno", func() bool { return c.countWhere(t, "fresno", filter) > 0 })
	t.Logf("relayed to fresno in %s", took.Round(time.Millisecond))
	time.Sleep(time.Second) // a second delivery, were there one, would land now
	got := c.alertsWhere(t, "fresno", filter)
	if len(got) != 1 || got[0].Source != "federation" || got[0].Origin != "los-angeles" || got[0].Target != "fresno" || got[0].Status != "new" {
		t.Fatalf("fresno holds %+v", got)
	}

	if status := fedCall(t, "PATCH", fresno+"/api/collections/alerts/records/"+got[0].ID, c.adviser["fresno"],
		map[string]string{"status": "acknowledged"}, nil); status != 200 {
		t.Fatalf("acknowledging at fresno: %d", status)
	}
	took = fedWaitFor(t, 30*time.Second, "the registrant never saw fresno's acknowledgement", func() bool {
		var mine fedAlert
		fedCall(t, "GET", la+"/api/alertbutton/alerts/"+raised.UID, auth.Token, nil, &mine)
		return mine.Status == "acknowledged"
	})
	t.Logf("status back at los-angeles in %s", took.Round(time.Millisecond))
}

// fedStaffAlert raises an alert at code as its adviser (a phone call to the consulate), for
// fresno's jurisdiction; it reports the answer's status, 0 when the connection failed.
func fedStaffAlert(c *fedCluster, code, uid string, i int) int {
	body := map[string]any{"uid": uid, "kind": "raid", "subject_name": fmt.Sprintf("Persona %d", i), "target_consulate": "fresno"}
	status, _, err := fedTry("POST", c.url(code)+"/api/collections/alerts/records", c.adviser[code], body)
	if err != nil {
		return 0
	}
	return status
}

func fedUIDs(t *testing.T, n int) []string {
	uids := make([]string, n)
	for i := range uids {
		id, err := uuid.NewV7()
		if err != nil {
			t.Fatal(err)
		}
		uids[i] = id.String()
	}
	return uids
}

// fedBurst raises the alerts at los-angeles with 8 clients; once half are answered, midway
// runs (in the test's goroutine) while the clients go on.
func fedBurst(c *fedCluster, uids []string, midway func()) []int {
	statuses := make([]int, len(uids))
	var next, answered atomic.Int64
	half := make(chan struct{})
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(uids) {
					return
				}
				statuses[i] = fedStaffAlert(c, "los-angeles", uids[i], i)
				if answered.Add(1) == int64(len(uids)/2) {
					close(half)
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-half:
		midway()
	case <-done:
	}
	<-done
	return statuses
}

// fedHeldOnce checks that fresno holds each uid exactly once.
func fedHeldOnce(t *testing.T, c *fedCluster, uids []string) {
	t.Helper()
	seen := map[string]int{}
	for _, a := range c.alertsWhere(t, "fresno", "origin_consulate='los-angeles'") {
		seen[a.UID]++
	}
	for _, u := range uids {
		if seen[u] != 1 {
			t.Fatalf("fresno holds alert %s %d times", u, seen[u])
		}
	}
}

// fedThroughOutage: fresno is cut off while los-angeles takes 1,000 alerts for it, and is
// killed and restarted meanwhile; once the links heal (and fresno is killed again mid-drain),
// every alert arrives once.
func fedThroughOutage(t *testing.T, c *fedCluster) {
	const n = 1000
	uids := fedUIDs(t, n)
	before := c.countWhere(t, "fresno", "origin_consulate='los-angeles'")
	c.cutOff("fresno")
	start := time.Now()
	statuses := fedBurst(c, uids, func() {
		c.kill("fresno")
		c.start("fresno")
	})
	for i, s := range statuses {
		if s != 200 {
			t.Fatalf("alert %d answered %d", i, s)
		}
	}
	t.Logf("%d alerts raised at los-angeles in %s (8 clients)", n, time.Since(start).Round(time.Millisecond))

	var health struct {
		Peers []struct {
			Code  string
			Queue int
		}
	}
	fedCall(t, "GET", c.url("los-angeles")+"/api/federation/v1/health", c.it["los-angeles"], nil, &health)
	for _, p := range health.Peers {
		if p.Code == "fresno" && p.Queue < n {
			t.Fatalf("health shows %d queued for fresno, want at least %d", p.Queue, n)
		}
	}
	if got := c.countWhere(t, "fresno", "origin_consulate='los-angeles'"); got != before {
		t.Fatalf("fresno got %d alerts through a cut link", got-before)
	}

	// Heal, and kill fresno once more while the backlog pours in: what it stored without
	// its receipt reaching los-angeles is sent again and answered with the stored receipt.
	c.heal(t, "fresno")
	start = time.Now()
	fedWaitFor(t, 3*time.Minute, "the backlog did not start draining", func() bool {
		return c.countWhere(t, "fresno", "origin_consulate='los-angeles'") >= before+n/4
	})
	c.kill("fresno")
	c.start("fresno")
	fedWaitFor(t, 3*time.Minute, "the backlog did not drain", func() bool {
		return c.countWhere(t, "fresno", "origin_consulate='los-angeles'") >= before+n
	})
	t.Logf("%d alerts drained to fresno in %s after healing, fresno killed once on the way",
		n, time.Since(start).Round(time.Millisecond))
	fedHeldOnce(t, c, uids)
	if got := c.countWhere(t, "fresno", "origin_consulate='los-angeles'"); got != before+n {
		t.Fatalf("fresno holds %d alerts from los-angeles, want %d", got, before+n)
	}
}

// fedOriginKilled: los-angeles is killed mid-fedBurst; every alert it answered with a 2xx
// reaches fresno once after it restarts.
func fedOriginKilled(t *testing.T, c *fedCluster) {
	uids := fedUIDs(t, 400)
	statuses := fedBurst(c, uids, func() { c.kill("los-angeles") })
	var acked []string
	for i, s := range statuses {
		if s >= 200 && s < 300 {
			acked = append(acked, uids[i])
		}
	}
	t.Logf("%d of %d alerts answered before los-angeles was killed", len(acked), len(uids))
	if len(acked) < len(uids)/2-8 {
		t.Fatalf("only %d alerts were answered before the kill", len(acked))
	}
	c.start("los-angeles")
	seen := func() map[string]bool {
		m := map[string]bool{}
		for _, a := range c.alertsWhere(t, "fresno", "origin_consulate='los-angeles'") {
			m[a.UID] = true
		}
		return m
	}
	took := fedWaitFor(t, 2*time.Minute, "alerts answered before the kill never reached fresno", func() bool {
		s := seen()
		for _, u := range acked {
			if !s[u] {
				return false
			}
		}
		return true
	})
	t.Logf("every answered alert at fresno %s after the restart", took.Round(time.Millisecond))
	fedHeldOnce(t, c, acked)
}

// fedPeer is a hand-held federation identity for forging requests.
type fedPeer struct {
	signer ed25519.PrivateKey
	seal   *ecdh.PrivateKey
}

func newFedPeer(t *testing.T) *fedPeer {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	seal, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &fedPeer{signer: priv, seal: seal}
}

func (p *fedPeer) signingKey() string {
	return base64.RawURLEncoding.EncodeToString(p.signer.Public().(ed25519.PublicKey))
}

func (p *fedPeer) sealKey() string {
	return base64.RawURLEncoding.EncodeToString(p.seal.PublicKey().Bytes())
}

// fedRefusals: requests to fresno's inbox that are forged, replayed or tampered with are
// refused and store nothing; the genuine one is stored once.
func fedRefusals(t *testing.T, c *fedCluster, houston *fedPeer) {
	fresno := c.url("fresno")
	uid := fedUIDs(t, 1)[0]
	env := &protocol.Envelope{
		V: protocol.Version, ID: protocol.NewID(), Type: protocol.TypeCreated, Alert: uid,
		Origin: "houston", Destination: "fresno", Seq: 1, CreatedAt: time.Now().UTC(),
		Route: protocol.Route{Target: "fresno", Home: "houston"},
	}
	if err := protocol.Seal(env, []byte(`{"kind":"raid","origin":"houston"}`), c.keys["fresno"].SealKey); err != nil {
		t.Fatal(err)
	}
	body, _ := protocol.Marshal(env)
	envSig, _ := protocol.SignEnvelope(body, houston.signer)
	keyID := protocol.KeyID("houston", houston.signingKey())
	send := func(b []byte, sign func(*http.Request)) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, fresno+"/api/federation/v1/inbox", bytes.NewReader(b))
		req.Header.Set(protocol.HeaderEnvelopeSignature, envSig)
		sign(req)
		res, err := fedClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var e struct{ Message string }
		raw := new(bytes.Buffer)
		raw.ReadFrom(res.Body)
		fedJSON(raw.Bytes(), &e)
		return res.StatusCode, e.Message + raw.String()
	}
	signed := func(b []byte, key ed25519.PrivateKey, id string) func(*http.Request) {
		return func(r *http.Request) { protocol.SignRequest(r, b, id, key, time.Now()) }
	}
	count := func() int { return c.countWhere(t, "fresno", "uid='"+uid+"'") }

	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	strangerPub := base64.RawURLEncoding.EncodeToString(stranger.Public().(ed25519.PublicKey))
	tampered := bytes.Replace(body, []byte(`"seq":1`), []byte(`"seq":7`), 1)
	for _, bad := range []struct {
		name string
		body []byte
		sign func(*http.Request)
		says string
	}{
		{"forged as los-angeles", body, signed(body, stranger, protocol.KeyID("los-angeles", strangerPub)), "not a current key of los-angeles"},
		{"tampered body", tampered, signed(body, houston.signer, keyID), "the body is not what was signed"},
		{"tampered envelope", tampered, signed(tampered, houston.signer, keyID), "not signed by its origin"},
	} {
		if status, msg := send(bad.body, bad.sign); status != 401 || !strings.Contains(msg, bad.says) {
			t.Errorf("%s: %d %s", bad.name, status, msg)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("refused requests stored %d alerts", n)
	}

	req, _ := http.NewRequest(http.MethodPost, fresno+"/api/federation/v1/inbox", nil)
	signed(body, houston.signer, keyID)(req)
	replay := func(r *http.Request) {
		for _, h := range []string{protocol.HeaderKeyID, protocol.HeaderCreated, protocol.HeaderNonce, protocol.HeaderDigest, protocol.HeaderSignature} {
			r.Header.Set(h, req.Header.Get(h))
		}
	}
	if status, msg := send(body, replay); status != 200 {
		t.Fatalf("the genuine request: %d %s", status, msg)
	}
	if status, msg := send(body, replay); status != 401 || !strings.Contains(msg, "replayed") {
		t.Errorf("the replayed request: %d %s", status, msg)
	}
	if n := count(); n != 1 {
		t.Fatalf("fresno holds the genuine alert %d times", n)
	}
}

package federation_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/appliance"
)

// cli runs `alertbutton federation ARGS...` against n's data and returns its output.
func cli(t *testing.T, n *node, args ...string) (string, error) {
	t.Helper()
	if err := appliance.ClaimDataDir(n.app.DataDir(), n.code); err != nil {
		t.Fatal(err)
	}
	cmd := federation.Command(n.app, n.cfg)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestPeerAdd(t *testing.T) {
	t.Parallel()
	la := newNode(t, "los-angeles")
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	key := base64.RawURLEncoding.EncodeToString(pub)
	// It begins with '-', as one key in 64 does: after -- it is an argument, not a flag.
	seal := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xf8}, 32))
	refused := []struct{ name, code, url, signing, seal, says string }{
		{"plain http off loopback", "fresno", "http://fresno.example.org", key, seal, "must use https"},
		{"not a URL", "fresno", "fresno", key, seal, "peer URL"},
		{"credentials in the URL", "fresno", "https://u:p@fresno.example.org", key, seal, "without credentials"},
		{"unknown code", "atlantis", "https://atlantis.example.org", key, seal, `unknown consulate code "atlantis"`},
		{"itself", "los-angeles", "https://la.example.org", key, seal, "own consulate"},
		{"bad signing key", "fresno", "https://fresno.example.org", "abc", seal, "not a base64url Ed25519"},
		{"bad seal key", "fresno", "https://fresno.example.org", key, "abc", "not a base64url X25519"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := cli(t, la, "peer", "add", "--", c.code, c.url, c.signing, c.seal)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want an error saying %q", err, c.says)
			}
			if peers, _ := federation.Peers(la.app); len(peers) != 0 {
				t.Fatalf("a refused peer add trusted %v", peers)
			}
		})
	}
	for _, url := range []string{"https://fresno.example.org", "http://127.0.0.1:8091", "http://localhost:8091", "http://[::1]:8091"} {
		out, err := cli(t, la, "peer", "add", "--", "fresno", url, key, seal)
		if err != nil || !strings.Contains(out, "fresno is trusted directly") {
			t.Fatalf("peer add %s: %v %s", url, err, out)
		}
	}
	p, err := federation.LoadPeer(la.app, "fresno")
	if err != nil || p.Trust != federation.TrustDirect || p.URL != "http://[::1]:8091" || p.SigningKey != key || p.SealKey != seal || len(p.Keys) != 1 {
		t.Fatalf("stored peer %+v %v", p, err)
	}
	out, _ := cli(t, la, "peer", "list")
	if !strings.Contains(out, "fresno\tdirect") {
		t.Errorf("peer list: %s", out)
	}
	if _, err := cli(t, la, "peer", "remove", "fresno"); err != nil {
		t.Fatal(err)
	}
	if _, err := federation.LoadPeer(la.app, "fresno"); err == nil {
		t.Error("a removed peer is still trusted")
	}
}

// TestKeyRotation: after a peer's new key is added, its old key verifies only envelopes
// created before the rotation, and signs no request.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	raise(t, la, newRegistrant(t, la, "+13105550101"))
	before := builtRowAt(t, la, "fresno", time.Now().Add(-time.Hour))

	_, newKey, _ := ed25519.GenerateKey(rand.Reader)
	newPub := base64.RawURLEncoding.EncodeToString(newKey.Public().(ed25519.PublicKey))
	if err := federation.AddPeer(fresno.app, "fresno", "los-angeles", la.url, newPub, la.cfg.Keys().SealKey(), time.Now()); err != nil {
		t.Fatal(err)
	}
	after := envelopeRowAt(t, la, "fresno", protocol.TypeStatus, before.GetString("alert"), time.Now().Add(time.Minute))

	body := []byte(after.GetString("envelope"))
	if status, answer := post(t, fresno.url, body, after.GetString("signature"), signAs(t, "los-angeles", newKey, body, 0)); status != 401 || !strings.Contains(string(answer), "not signed by its origin") {
		t.Errorf("an envelope signed with the retired key after the rotation: %d %s", status, answer)
	}
	body = []byte(before.GetString("envelope"))
	if status, answer := post(t, fresno.url, body, before.GetString("signature"), signedBy(t, la, body, 0)); status != 401 || !strings.Contains(string(answer), "not a current key") {
		t.Errorf("a request signed with the retired key: %d %s", status, answer)
	}
	if status, answer := post(t, fresno.url, body, before.GetString("signature"), signAs(t, "los-angeles", newKey, body, 0)); status != 200 {
		t.Errorf("an envelope signed with the old key before the rotation: %d %s", status, answer)
	}
	err := federation.AddPeer(fresno.app, "fresno", "los-angeles", la.url, la.cfg.Keys().SigningKey(), la.cfg.Keys().SealKey(), time.Now())
	if err == nil || !strings.Contains(err.Error(), "retired") {
		t.Errorf("a retired key was trusted again: %v", err)
	}
}

// rosterFor lists the nodes with their keys (valid from an hour ago); revoked keys are
// revoked for the first node.
func rosterFor(t *testing.T, version int64, revoked []string, nodes ...*node) []byte {
	t.Helper()
	r := protocol.Roster{Version: version}
	for i, n := range nodes {
		e := protocol.RosterEntry{
			Code: n.code, URL: n.url, SealKey: n.cfg.Keys().SealKey(),
			SigningKeys: []protocol.RosterKey{{Key: n.cfg.Keys().SigningKey(), NotBefore: time.Now().Add(-time.Hour).UTC()}},
		}
		if i == 0 {
			e.RevokedKeys = revoked
		}
		r.Entries = append(r.Entries, e)
	}
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRosterCLI(t *testing.T) {
	la, fresno, sd := newNode(t, "los-angeles"), newNode(t, "fresno"), newNode(t, "san-diego")
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "root.pem")
	out, err := cli(t, fresno, "roster", "keygen", "--out", keyFile)
	if err != nil {
		t.Fatal(err)
	}
	rootPub := strings.TrimSpace(out)
	if st, _ := os.Stat(keyFile); st == nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("root key file: %v", st)
	}
	if _, err := cli(t, fresno, "roster", "keygen", "--out", keyFile); err == nil {
		t.Error("keygen overwrote a root key")
	}

	sign := func(version int64, nodes ...*node) string {
		t.Helper()
		unsigned := filepath.Join(dir, "unsigned.json")
		os.WriteFile(unsigned, rosterFor(t, version, nil, nodes...), 0o600)
		out, err := cli(t, fresno, "roster", "sign", "--root-key", keyFile, unsigned)
		if err != nil {
			t.Fatal(err)
		}
		signed := filepath.Join(dir, "roster.json")
		os.WriteFile(signed, []byte(out), 0o600)
		return signed
	}

	out, err = cli(t, fresno, "roster", "import", "--root-public-key", rootPub, sign(2, la, fresno, sd))
	if err != nil || !strings.Contains(out, "roster version 2 imported: 2 peers trusted (los-angeles, san-diego)") {
		t.Fatalf("import: %v %s", err, out)
	}
	for _, code := range []string{"los-angeles", "san-diego"} {
		if p, err := federation.LoadPeer(fresno.app, code); err != nil || p.Trust != federation.TrustRoster {
			t.Fatalf("%s after the import: %+v %v", code, p, err)
		}
	}

	_, err = cli(t, fresno, "roster", "import", "--root-public-key", rootPub, sign(2, la, fresno))
	if err == nil || !strings.Contains(err.Error(), "roster version 2 is not newer than the one held (version 2)") {
		t.Fatalf("an equal version: %v", err)
	}
	_, err = cli(t, fresno, "roster", "import", "--root-public-key", rootPub, sign(1, la, fresno))
	if err == nil || !strings.Contains(err.Error(), "roster version 1 is not newer than the one held (version 2)") {
		t.Fatalf("an older version: %v", err)
	}

	t.Setenv(federation.RootEnv, rootPub)
	out, err = cli(t, fresno, "roster", "import", sign(3, la, fresno))
	if err != nil || !strings.Contains(out, "no longer trusted: san-diego") {
		t.Fatalf("import from the environment's root key: %v %s", err, out)
	}
	if _, err := federation.LoadPeer(fresno.app, "san-diego"); err == nil {
		t.Error("san-diego is still trusted after a roster without it")
	}

	_, otherRoot, _ := ed25519.GenerateKey(rand.Reader)
	otherPub := base64.RawURLEncoding.EncodeToString(otherRoot.Public().(ed25519.PublicKey))
	_, err = cli(t, fresno, "roster", "import", "--root-public-key", otherPub, sign(4, la, fresno))
	if err == nil || !strings.Contains(err.Error(), "not signed by this federation's root key") {
		t.Fatalf("another federation's roster: %v", err)
	}
	if v, _ := federation.HeldRosterVersion(fresno.app); v != 3 {
		t.Fatalf("held version %d, want 3", v)
	}
}

// TestRosterRevokedKey: a key the roster revoked signs nothing, whatever its window says.
func TestRosterRevokedKey(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, la, fresno)
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	var r protocol.Roster
	json.Unmarshal(rosterFor(t, 1, []string{la.cfg.Keys().SigningKey()}, la, fresno), &r)
	r.IssuedAt = time.Now()
	signed, err := protocol.SignRoster(&r, root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := federation.ImportRoster(fresno.app, "fresno", signed, root.Public().(ed25519.PublicKey), time.Now()); err != nil {
		t.Fatal(err)
	}
	raise(t, la, newRegistrant(t, la, "+13105550101"))
	row := builtRow(t, la, "fresno")
	body := []byte(row.GetString("envelope"))
	before := stored(t, fresno)
	status, answer := post(t, fresno.url, body, row.GetString("signature"), signedBy(t, la, body, 0))
	if status != http.StatusUnauthorized || !strings.Contains(string(answer), "revoked") {
		t.Fatalf("a revoked key: %d %s", status, answer)
	}
	if after := stored(t, fresno); after != before {
		t.Fatalf("stored %v -> %v", before, after)
	}
}

func builtRowAt(t *testing.T, n *node, target string, at time.Time) *core.Record {
	t.Helper()
	rows := federationRows(t, n, target, "pending")
	if len(rows) != 1 {
		t.Fatalf("%d pending rows to %s", len(rows), target)
	}
	if err := federation.Build(n.app, n.cfg, rows[0], at); err != nil {
		t.Fatal(err)
	}
	return rows[0]
}

// TestPeerLookupFailureIsNoVerdict: a consulate that is not known is not trusted, but a
// database that fails to answer says nothing about the peer, so the inbox answers 500 (the
// sender tries again) rather than refusing the peer.
func TestPeerLookupFailureIsNoVerdict(t *testing.T) {
	t.Parallel()
	fresno := newNode(t, "fresno")
	if _, err := federation.LoadPeer(fresno.app, "nowhere"); !errors.Is(err, federation.ErrNotTrusted) {
		t.Fatalf("an unknown consulate: %v, want ErrNotTrusted", err)
	}
	if _, err := fresno.app.DB().NewQuery("ALTER TABLE consulates RENAME TO consulates_away").Execute(); err != nil {
		t.Fatal(err)
	}
	_, err := federation.LoadPeer(fresno.app, "los-angeles")
	if err == nil || errors.Is(err, federation.ErrNotTrusted) {
		t.Fatalf("with the table gone: %v, want the database's error, not ErrNotTrusted", err)
	}
}

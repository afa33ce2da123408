package audit_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
)

// TestAnchorFindsALogRewrittenWithTheKey plays someone with the database and the secret:
// they rewrite the log's tail consistently, so that the chain verifies, but a head signed
// earlier no longer matches; cutting the log is found the same way.
func TestAnchorFindsALogRewrittenWithTheKey(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cfg := apptest.ConfigOf(w.app)
	for _, id := range []string{"a", "b", "c"} {
		apptest.Audit(w.app).Append(w.app, audit.Entry{Actor: "staff:x", Action: "view", Collection: "registrants", RecordID: id})
	}
	a, err := audit.SignHead(w.app, cfg.Keys().Signer(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	line := a.String()
	if back, err := audit.ParseAnchor(line); err != nil || back.String() != line {
		t.Fatalf("the line does not read back: %v\n%s\n%s", err, line, back)
	}
	verify := "/api/alertbutton/audit/verify?anchor=" + url.QueryEscape(line)
	if status, body := w.call(http.MethodGet, verify, ""); status != 200 {
		t.Fatalf("the log as signed: %d %s", status, body)
	}

	// The last view (of c) is rewritten as a view of someone else, with the key.
	w.app.DB().NewQuery("DELETE FROM audit_log WHERE seq >= {:seq}").Bind(map[string]any{"seq": a.Seq}).Execute()
	apptest.Audit(w.app).Append(w.app, audit.Entry{Actor: "staff:x", Action: "view", Collection: "registrants", RecordID: "d"})
	if _, err := apptest.Audit(w.app).Verify(w.app); err != nil {
		t.Fatalf("a consistent rewrite verifies by itself, but: %v", err)
	}
	status, body := w.call(http.MethodGet, verify, "")
	if status != http.StatusConflict || !strings.Contains(body, `"seq":`+strconv.FormatInt(a.Seq, 10)) || !strings.Contains(body, "rewritten") {
		t.Errorf("a rewritten log against the signed head: %d %s", status, body)
	}

	w.app.DB().NewQuery("DELETE FROM audit_log WHERE seq >= {:seq}").Bind(map[string]any{"seq": a.Seq}).Execute()
	if status, body := w.call(http.MethodGet, verify, ""); status != http.StatusConflict || !strings.Contains(body, "missing") {
		t.Errorf("a cut log against the signed head: %d %s", status, body)
	}

	forged := strings.Replace(line, "seq=", "seq=1", 1)
	if status, body := w.call(http.MethodGet, "/api/alertbutton/audit/verify?anchor="+url.QueryEscape(forged), ""); status != http.StatusBadRequest || !strings.Contains(body, "not signed") {
		t.Errorf("a head line not signed by the appliance: %d %s", status, body)
	}
}

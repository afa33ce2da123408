package family_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
)

// send makes one request to srv; token, when given, goes in family.Header.
func send(t *testing.T, url, method, path, token, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set(family.Header, token)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// No family token, good or bad, in the header or in the path of the older routes (or of a
// path no route has), reaches the request log: not its rows in auxiliary.db, not the logs API,
// not the bytes of the file and its WAL.
func TestFamilyTokensStayOutOfTheLogs(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	app.Settings().Logs.MaxDays = 3 // as the settings migration has it; the test app turns logging off
	srv := apptest.Serve(t, app)
	_, _, good := linked(t, app, "es")
	bad, _ := family.NewToken()
	sub := `{"endpoint":"https://127.0.0.1/push/1","keys":{"p256dh":"AAAA","auth":"AAAA"}}`

	made := 0 // requests to family paths, each logged
	for _, tok := range []string{good, bad} {
		status := map[string]int{good: 200, bad: 404}[tok]
		requests := []struct {
			method, path, header, body string
			status                     int
		}{
			{"GET", family.Path, tok, "", status},
			{"POST", family.Path + "/subscriptions", tok, sub, map[string]int{good: 400, bad: 404}[tok]},
			{"DELETE", family.Path + "/subscriptions", tok, `{"endpoint":"https://127.0.0.1/push/1"}`, 0},
			{"POST", family.Path + "/alerts", tok, `{"kind":"nope"}`, map[string]int{good: 400, bad: 404}[tok]},
			{"GET", family.Path + "/" + tok, "", "", status},
			{"POST", family.Path + "/" + tok + "/subscriptions", "", sub, 0},
			{"POST", family.Path + "/" + tok + "/alerts?lang=es&t=" + tok, "", `{"kind":"nope"}`, 0},
			{"GET", "/API/alertbutton/FAMILY/" + tok + "/x", "", "", 0}, // the app's page (not logged)
		}
		for _, r := range requests {
			got, body := send(t, srv.URL, r.method, r.path, r.header, "", r.body)
			if r.status != 0 && got != r.status {
				t.Errorf("%s %s: %d, want %d: %s", r.method, strings.ReplaceAll(r.path, tok, "TOKEN"), got, r.status, body)
			}
			if strings.HasPrefix(r.path, family.Path) {
				made++
			}
		}
	}

	logged := loggedRequests(t, app, made)
	it := apptest.Staff(t, app, "it@consulado.example", "it", false)
	status, logsAPI := send(t, srv.URL, "GET", "/api/logs?perPage=500", "", apptest.Token(t, it), "")
	if status != 200 {
		t.Fatalf("logs API: %d %s", status, logsAPI)
	}
	if !strings.Contains(logsAPI, family.Path+"/{token}/alerts") {
		t.Error("the logs API does not show the older routes' requests with the token redacted")
	}
	for _, tok := range []string{good, bad} {
		for _, row := range logged {
			if strings.Contains(row.Message+row.Data, tok) {
				t.Errorf("a request log row holds a token: %s %s", row.Message, row.Data)
			}
		}
		if strings.Contains(logsAPI, tok) {
			t.Errorf("the logs API answers a token")
		}
		for _, name := range []string{"auxiliary.db", "auxiliary.db-wal"} {
			raw, err := os.ReadFile(filepath.Join(app.DataDir(), name))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte(tok)) {
				t.Errorf("%s holds a token", name)
			}
		}
	}
}

type logRow struct {
	Message string `db:"message"`
	Data    string `db:"data"`
}

// loggedRequests returns the request log's rows once want requests to family paths are in it
// (or after 10 s): PocketBase writes each request's row from a goroutine of its own.
func loggedRequests(t *testing.T, app core.App, want int) []logRow {
	t.Helper()
	h := app.Logger().Handler().(*logger.BatchHandler)
	var logged []logRow
	n := 0
	for deadline := time.Now().Add(10 * time.Second); n < want && time.Now().Before(deadline); runtime.Gosched() {
		if err := h.WriteAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		logged = nil
		if err := app.LogQuery().Select("message", "data").All(&logged); err != nil {
			t.Fatal(err)
		}
		n = 0
		for _, row := range logged {
			if strings.Contains(row.Message, family.Path) {
				n++
			}
		}
	}
	if n != want {
		t.Fatalf("%d requests to family paths logged, want the %d made", n, want)
	}
	return logged
}

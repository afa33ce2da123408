package apptest

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"
)

// RequestLogStatuses returns the statuses of the requests to url in app's request log, in
// ascending order, once at least want are logged (or after 10 s). PocketBase writes each
// request's log row from a goroutine of its own, so a test waits for the rows of the
// requests it made last. The app must log requests: set Settings().Logs.MaxDays, which the
// test apps leave at 0.
func RequestLogStatuses(t testing.TB, app core.App, url string, want int) []int {
	t.Helper()
	var statuses []int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); runtime.Gosched() {
		if statuses = loggedStatuses(t, app, url); len(statuses) >= want {
			break
		}
	}
	return statuses
}

// loggedStatuses writes out the logs PocketBase holds in memory and reads the statuses.
func loggedStatuses(t testing.TB, app core.App, url string) []int {
	t.Helper()
	h, isBatch := app.Logger().Handler().(*logger.BatchHandler)
	if !isBatch {
		t.Fatalf("the logger is %T, not PocketBase's batch handler", app.Logger().Handler())
	}
	if err := h.WriteAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	var statuses []int
	err := app.LogQuery().Select("json_extract(data, '$.status')").
		AndWhere(dbx.NewExp("json_extract(data, '$.url') = {:url}", dbx.Params{"url": url})).
		OrderBy("json_extract(data, '$.status')").Column(&statuses)
	if err != nil {
		t.Fatal(err)
	}
	return statuses
}

package apptest

import (
	"context"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"
)

// RequestLogStatuses writes out the logs PocketBase holds in memory and returns the
// statuses of the logged requests to url, in ascending order. The app must log requests:
// set Settings().Logs.MaxDays, which the test apps leave at 0.
func RequestLogStatuses(t testing.TB, app core.App, url string) []int {
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

package schedule

import (
	"time"

	"github.com/pocketbase/pocketbase/tools/types"
)

// batch bounds one pass of a job; the next run takes the rest.
const batch = 500

// dbTime is a time as PocketBase stores dates, for comparisons in SQL.
func dbTime(t time.Time) string {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt.String()
}

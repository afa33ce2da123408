package family

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/seal"
)

// StampAt is a device stamp for contact enrolled at at, as the page would have been given.
func StampAt(s *seal.Sealer, contact *core.Record, at time.Time) string {
	stamp, err := deviceStamp(s, contact, at)
	if err != nil {
		panic(err)
	}
	return stamp
}

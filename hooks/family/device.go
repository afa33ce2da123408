package family

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/family/stamp"
	"alertbutton/hooks/seal"
)

// DeviceHeader carries the family page's device stamp (package stamp): when this browser
// first opened the link, sealed by the appliance so that nobody can set it earlier. A
// relative's page shows only the alerts raised after its device first opened the link.
// Whoever holds a seized phone can show the relative's link again and open it, but that
// browser's stamp is then newer than the alert: it sees no alert, whether the person
// cancelled it or used the duress PIN, as after a real cancel.
const DeviceHeader = "X-Family-Device"

// GrantHeader carries the stamp an SMS's link brought (#token~stamp): as of the raise of the
// alert the SMS told of, so a relative who first opens the link from it sees that alert.
const GrantHeader = "X-Family-Grant"

// deviceStamp is a new stamp for contact's current link, as of at.
func deviceStamp(s *seal.Sealer, contact *core.Record, at time.Time) (string, error) {
	return stamp.New(s, contact.Id, contact.GetString("family_token_hash"), at)
}

// deviceEnrolled is when the stamp's device first opened contact's current link; false for
// a stamp that is missing, forged, another relative's, or of a link since replaced.
func deviceEnrolled(s *seal.Sealer, contact *core.Record, st string) (types.DateTime, bool) {
	return stamp.Open(s, contact.Id, contact.GetString("family_token_hash"), st)
}

// earliestStamp is the earliest of the request's stamps that holds (the browser's, an SMS's),
// with its time; "" when none does.
func earliestStamp(s *seal.Sealer, contact *core.Record, stamps ...string) (string, types.DateTime) {
	var best string
	var at types.DateTime
	for _, st := range stamps {
		t, ok := deviceEnrolled(s, contact, st)
		if ok && (best == "" || t.Before(at)) {
			best, at = st, t
		}
	}
	return best, at
}

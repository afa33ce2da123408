package family

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/seal"
)

// DeviceHeader carries the family page's device stamp: when this browser first opened the
// link, sealed by the appliance so that nobody can set it earlier. A relative's page shows
// only the alerts raised after its device first opened the link. Whoever holds a seized
// phone can show the relative's link again and open it, but that browser's stamp is then
// newer than the alert: it sees no alert, whether the person cancelled it or used the
// duress PIN, as after a real cancel.
const DeviceHeader = "X-Family-Device"

// deviceField names the stamp in the seal's associated data, with the contact's id: a stamp
// is good for one relative only.
const deviceField = "family_device"

// deviceStamp is a new stamp for contact's current link, enrolled at at.
func deviceStamp(s *seal.Sealer, contact *core.Record, at time.Time) (string, error) {
	// To the millisecond, as the alerts' own times: an alert raised in the same millisecond
	// as the page first opened is not hidden from it.
	hash := contact.GetString("family_token_hash")
	return s.Seal(contact.Id, deviceField, hash+"|"+at.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano))
}

// deviceEnrolled is when the stamp's device first opened contact's current link; false for
// a stamp that is missing, forged, another relative's, or of a link since replaced.
func deviceEnrolled(s *seal.Sealer, contact *core.Record, stamp string) (types.DateTime, bool) {
	if stamp == "" || !seal.IsSealed(stamp) {
		return types.DateTime{}, false
	}
	plain, err := s.Open(contact.Id, deviceField, stamp)
	if err != nil {
		return types.DateTime{}, false
	}
	hash, at, ok := strings.Cut(plain, "|")
	if !ok || hash == "" || hash != contact.GetString("family_token_hash") {
		return types.DateTime{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return types.DateTime{}, false
	}
	dt, err := types.ParseDateTime(t)
	return dt, err == nil
}

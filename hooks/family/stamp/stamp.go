// Package stamp makes and opens the family page's device stamps: when a browser may be taken
// to have first opened a relative's link, sealed by the appliance for that relative and that
// link. The family page gets one on its first visit; the SMS that tells a relative of an
// alert carries one of the alert's raise, so the page it opens shows that alert.
package stamp

import (
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"alertbutton/hooks/seal"
)

// field names the stamp in the seal's associated data, with the contact's id: a stamp is good
// for one relative only.
const field = "family_device"

// linkBits is how much of the link's hash a stamp holds: enough that a new link voids it.
const linkBits = 16

// New is a stamp for the relative contactID's link of hash linkHash, as of at (to the
// millisecond, as the alerts' own times).
func New(s *seal.Sealer, contactID, linkHash string, at time.Time) (string, error) {
	return s.Seal(contactID, field, short(linkHash)+"|"+strconv.FormatInt(at.UnixMilli(), 36))
}

// Open is the time of a stamp of contactID's link of hash linkHash; false for a stamp that is
// missing, forged, another relative's, or of a link since replaced.
func Open(s *seal.Sealer, contactID, linkHash, stamp string) (types.DateTime, bool) {
	if stamp == "" || linkHash == "" || !seal.IsSealed(stamp) {
		return types.DateTime{}, false
	}
	plain, err := s.Open(contactID, field, stamp)
	if err != nil {
		return types.DateTime{}, false
	}
	hash, at, ok := strings.Cut(plain, "|")
	if !ok || hash != short(linkHash) {
		return types.DateTime{}, false
	}
	ms, err := strconv.ParseInt(at, 36, 64)
	if err != nil {
		return types.DateTime{}, false
	}
	dt, err := types.ParseDateTime(time.UnixMilli(ms).UTC())
	return dt, err == nil
}

func short(hash string) string {
	if len(hash) > linkBits {
		return hash[:linkBits]
	}
	return hash
}

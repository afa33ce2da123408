package alerts

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/pace"
	"alertbutton/hooks/pins"
)

// maxPinFailures is how many wrong PINs an alert takes, on the cancel and safe routes together,
// before it refuses every PIN: a seized phone must not find the cancel PIN by trying.
const maxPinFailures = 5

// pinLocks serialise PIN checks per alert, so that parallel tries cannot pass the limit.
var pinLocks [64]sync.Mutex

func pinLock(alertID string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(alertID))
	return &pinLocks[h.Sum32()%uint32(len(pinLocks))]
}

// Cancel is POST /api/alertbutton/alerts/{uid}/cancel {"pin"}, for a registrant: "false
// alarm", as pinRoute.
func Cancel(cfg *appliance.Config, p *pace.Pace) func(e *core.RequestEvent) error {
	return pinRoute(cfg, p, cancelling)
}

// Safe is POST /api/alertbutton/alerts/{uid}/safe {"pin"}, for a registrant: "I am safe", as
// pinRoute.
func Safe(cfg *appliance.Config, p *pace.Pace) func(e *core.RequestEvent) error {
	return pinRoute(cfg, p, releasing)
}

// pinRoute is POST /api/alertbutton/alerts/{uid}/cancel and /safe {"pin"}: with the cancel
// PIN it closes the caller's alert as c asks. The duress PIN answers exactly the same, at the
// same instant (pace); only the staff learn the difference. The PIN keeps whoever holds a
// seized phone from closing the case; wrong PINs on both routes count toward one limit per
// alert.
func pinRoute(cfg *appliance.Config, p *pace.Pace, c closing) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		alert, pin, err := pinRequest(e)
		if err != nil {
			return err
		}
		// Either PIN answers at the same instant, though each writes other rows.
		defer p.Hold(e)()
		mu := pinLock(alert.Id)
		mu.Lock()
		defer mu.Unlock()
		failures, err := countEvents(e.App, alert.Id, EventPinFailed)
		if err != nil {
			return e.InternalServerError("", err)
		}
		if failures >= maxPinFailures {
			return e.TooManyRequestsError(msgPinLocked.In(i18n.Lang(e)), nil)
		}
		actor := "registrant:" + e.Auth.Id
		kind, err := pins.Check(e.App, e.Auth.Id, pin)
		if err != nil {
			return e.InternalServerError("", err)
		}
		switch kind {
		case pins.Cancel:
			err = closeAlert(e.App, cfg, alert.Id, actor, c)
		case pins.Duress:
			err = duress(e.App, cfg, alert.Id, actor, c)
		default:
			return wrongPIN(e, cfg, alert.Id, actor, failures+1)
		}
		if err != nil {
			return saveFailed(e, err)
		}
		return respondAlert(e, alert.Id, http.StatusOK)
	}
}

// pinRequest is the caller's alert named in the path and the PIN in the body.
func pinRequest(e *core.RequestEvent) (*core.Record, string, error) {
	alert, err := ownAlert(e)
	if err != nil {
		return nil, "", err
	}
	b, err := readBody(e, i18n.Lang(e), pinFields...)
	if err != nil {
		return nil, "", err
	}
	pin := b.pin()
	return alert, pin, b.err(e)
}

// ownAlert is the caller's alert named in the path; another's is as unknown as a missing one.
func ownAlert(e *core.RequestEvent) (*core.Record, error) {
	uid := e.Request.PathValue("uid")
	if !uidRE.MatchString(uid) {
		return nil, e.NotFoundError(msgNotFound.In(i18n.Lang(e)), nil)
	}
	alert, err := FindByUID(e.App, uid)
	if err != nil || alert.GetString("registrant") != e.Auth.Id {
		return nil, e.NotFoundError(msgNotFound.In(i18n.Lang(e)), nil)
	}
	return alert, nil
}

func wrongPIN(e *core.RequestEvent, cfg *appliance.Config, alertID, actor string, failures int) error {
	err := withAlert(e.App, alertID, func(tx core.App, alert *core.Record) error {
		c := Change{Actor: actor, Event: EventPinFailed}
		if failures >= maxPinFailures {
			c.Staff, c.StaffTo = notify.StaffPinLocked, notify.OnDuty
		}
		return RecordChange(tx, cfg, alert, c)
	})
	if err != nil {
		return saveFailed(e, err)
	}
	if failures >= maxPinFailures {
		return e.TooManyRequestsError(msgPinLocked.In(i18n.Lang(e)), nil)
	}
	msg := msgWrongPINOne
	if left := maxPinFailures - failures; left != 1 {
		n := strconv.Itoa(left)
		msg = i18n.Text{ES: strings.ReplaceAll(msgWrongPIN.ES, "{n}", n), EN: strings.ReplaceAll(msgWrongPIN.EN, "{n}", n)}
	}
	return i18n.FieldError(e, "pin", "wrong_pin", msg)
}

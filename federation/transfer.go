package federation

import (
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/jurisdiction"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/outbox"
)

// transfer turns a staff change of an alert's target consulate into alert.transfer for the
// new one (which gets the whole case) and alert.status for the others involved, in the
// transaction of the update (the alerts hooks run it around this one, and record the change
// on the timeline).
func (s *Service) transfer(e *core.RecordRequestEvent) error {
	from, to := e.Record.Original().GetString("target_consulate"), e.Record.GetString("target_consulate")
	if from == to {
		return e.Next()
	}
	if _, ok := jurisdiction.ConsulateByCode(to); !ok {
		return e.BadRequestError("Unknown consulate code.", validation.Errors{
			"target_consulate": validation.NewError("unknown_consulate", "Unknown consulate code."),
		})
	}
	if err := e.Next(); err != nil {
		return err
	}
	return s.queueTransfer(e.App, e.Record, from, to)
}

func (s *Service) queueTransfer(app core.App, alert *core.Record, from, to string) error {
	self, uid := s.cfg.Consulate.Code, alert.GetString("uid")
	if to != self {
		if err := outbox.Federation(app, to, protocol.TypeTransfer, uid); err != nil {
			return err
		}
	}
	var told []string
	for _, code := range []string{from, alert.GetString("origin_consulate"), alert.GetString("home_consulate")} {
		if code == "" || code == self || code == to || slices.Contains(told, code) {
			continue
		}
		told = append(told, code)
		if err := outbox.Federation(app, code, protocol.TypeStatus, uid); err != nil {
			return err
		}
	}
	return nil
}

package federation

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/records"
)

// untrusted hands this consulate's advisers the open alerts of rows to their target when
// the target is not a trusted peer: relay_status untrusted, a timeline event saying why,
// and the staff on duty told the case is theirs. Rows to a peer that only keeps a copy (the
// home consulate) say why in their last error alone.
func (w *worker) untrusted(rows []*core.Record) {
	var done []string
	for _, row := range rows {
		uid := row.GetString("alert")
		if slices.Contains(done, uid) {
			continue
		}
		done = append(done, uid)
		if err := w.r.app.RunInTransaction(func(tx core.App) error { return w.markUntrusted(tx, uid) }); err != nil {
			w.r.app.Logger().Error("federation: marking an alert's target untrusted", "alert", uid, "peer", w.code, "error", err)
		}
	}
}

func (w *worker) markUntrusted(tx core.App, uid string) error {
	alert, err := alerts.FindByUID(tx, uid)
	if err != nil {
		return nil // gone: the row is given up on when it is sent
	}
	if alert.GetString("target_consulate") != w.code || alert.GetString("relay_status") == vocab.RelayUntrusted ||
		!slices.Contains(vocab.OpenStatuses, alert.GetString("status")) {
		return nil
	}
	alert.Set("relay_status", vocab.RelayUntrusted)
	if err := records.Save(tx, alert); err != nil {
		return err
	}
	return alerts.RecordChange(tx, w.r.cfg, alert, alerts.Change{
		Actor: "system", Event: vocab.EventRelayUntrusted, EventData: map[string]any{"to": w.code},
		Staff: notify.PeerUntrusted, StaffTo: notify.OnDuty, City: city(w.code),
	})
}

package checkins

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/limits"
)

// MaxArmed is how many timers one person may have armed at once: each one that runs out
// raises an alert by itself, so a seized phone must not be able to arm hundreds.
const MaxArmed = 3

var msgTooManyArmed = i18n.Text{
	ES: "Ya tienes 3 temporizadores activos, el máximo. Toca «Estoy bien» en uno o borra uno que ya no necesites, y luego inicia el nuevo.",
	EN: "You already have 3 active timers, the most allowed. Tap \"I am OK\" on one or delete one you no longer need, then start the new one.",
}

// armWithinLimit counts the owner's armed timers in the transaction that saves the new one,
// so that requests sent at once cannot arm a fourth.
func armWithinLimit(e *core.RecordRequestEvent) error {
	outer := e.App
	defer func() { e.App = outer }()
	return outer.RunInTransaction(func(tx core.App) error {
		var armed int
		err := tx.DB().Select("count(*)").From("checkins").
			Where(dbx.HashExp{"registrant": e.Record.GetString("registrant"), "status": StatusArmed}).
			Row(&armed)
		if err != nil {
			return err
		}
		if armed >= MaxArmed {
			return e.Error(http.StatusConflict, msgTooManyArmed.In(i18n.Lang(e.RequestEvent)), nil)
		}
		e.App = tx
		return e.Next()
	})
}

// allowFiring counts a timer's alert against its owner's new alerts a minute, as a press of
// the button would count; undo takes it back when the timer raised nothing. A timer held back
// stays armed and fires on a later run.
func allowFiring(g *limits.Guard, c *core.Record) (ok bool, undo func()) {
	if g == nil {
		return true, func() {}
	}
	return g.AllowServerAlert(c.GetString("registrant"))
}

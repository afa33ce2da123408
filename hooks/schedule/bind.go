package schedule

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/directory"
	"alertbutton/hooks/i18n"
	"alertbutton/hooks/limits"
)

var msgServerOwned = i18n.Text{
	ES: "El programador escribe esta colección; no se edita a mano.",
	EN: "The scheduler writes this collection; it is not edited by hand.",
}

// Bind returns app's scheduler, which starts once the server serves and stops, draining the
// running jobs, before PocketBase closes the database.
func Bind(app core.App, cfg *appliance.Config, dir *directory.Table, guard *limits.Guard) *Scheduler {
	s := New(app, cfg, dir, guard)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		stop(e.App, s) // served again (tests): start afresh
		settings, err := SettingsFromEnv()
		if err != nil {
			e.App.Logger().Error(err.Error())
		}
		s.Settings = settings
		return s.Start()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		stop(e.App, s)
		return e.Next()
	})
	refuse := func(e *core.RecordRequestEvent) error {
		return e.ForbiddenError(msgServerOwned.In(i18n.Lang(e.RequestEvent)), nil)
	}
	app.OnRecordCreateRequest("jobs").BindFunc(refuse)
	app.OnRecordUpdateRequest("jobs").BindFunc(refuse)
	app.OnRecordDeleteRequest("jobs").BindFunc(refuse)
	return s
}

func stop(app core.App, s *Scheduler) {
	if err := s.Stop(drainTimeout); err != nil {
		app.Logger().Warn("schedule: jobs cut short at shutdown; they run again on the next start", "error", err)
	}
}

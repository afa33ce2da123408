package schedule

import (
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/i18n"
)

const storeKey = "alertbutton.schedule"

var msgServerOwned = i18n.Text{
	ES: "El programador escribe esta colección; no se edita a mano.",
	EN: "The scheduler writes this collection; it is not edited by hand.",
}

// Bind starts the scheduler once the server serves and stops it, draining the running jobs,
// before PocketBase closes the database.
func Bind(app core.App, cfg *appliance.Config) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		s := New(e.App, cfg)
		settings, err := SettingsFromEnv()
		if err != nil {
			e.App.Logger().Error(err.Error())
		}
		s.Settings = settings
		if old := Of(e.App); old != nil {
			stop(e.App, old)
		}
		if err := s.Start(); err != nil {
			return err
		}
		e.App.Store().Set(storeKey, s)
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if s := Of(e.App); s != nil {
			stop(e.App, s)
			e.App.Store().Remove(storeKey)
		}
		return e.Next()
	})
	refuse := func(e *core.RecordRequestEvent) error {
		return e.ForbiddenError(msgServerOwned.In(i18n.Lang(e.RequestEvent)), nil)
	}
	app.OnRecordCreateRequest("jobs").BindFunc(refuse)
	app.OnRecordUpdateRequest("jobs").BindFunc(refuse)
	app.OnRecordDeleteRequest("jobs").BindFunc(refuse)
}

// Of returns the app's running scheduler, nil when it does not serve.
func Of(app core.App) *Scheduler {
	s, _ := app.Store().Get(storeKey).(*Scheduler)
	return s
}

func stop(app core.App, s *Scheduler) {
	if err := s.Stop(drainTimeout); err != nil {
		app.Logger().Warn("schedule: jobs cut short at shutdown; they run again on the next start", "error", err)
	}
}

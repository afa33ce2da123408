package outbox_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/groupcommit"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
)

func TestBindSendsWhileServing(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	cfg := apptest.Configure(t, app, "los-angeles")
	svc := pushtest.Start(t)
	cfg.PushHosts = push.HostList{svc.Host()}
	sub, rec := subscribe(t, app, cfg, svc, svc.Host())
	outbox.Bind(app, cfg, groupcommit.New(app))

	queuePush(t, app, rec.Id, payload(1))
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}); err != nil {
		t.Fatal(err)
	}
	svc.WaitMessages(t, sub, 1) // queued before serve

	queuePush(t, app, rec.Id, payload(2))
	svc.WaitMessages(t, sub, 2) // queued while serving

	if err := app.OnTerminate().Trigger(&core.TerminateEvent{App: app}); err != nil {
		t.Fatal(err)
	}
}

package apptest

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

var endpoints atomic.Int64

// Subscription saves a push subscription of owner (field: registrant, contact or staff) to a
// push service nobody reaches, each with its own endpoint.
func Subscription(t testing.TB, app core.App, field, owner, lang string) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("push_subscriptions")
	r := core.NewRecord(c)
	r.Set("endpoint", fmt.Sprintf("https://push.example.org/send/%d", endpoints.Add(1)))
	r.Set("p256dh", "BPublicKey")
	r.Set("auth", "authsecret")
	r.Set(field, owner)
	r.Set("language", lang)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

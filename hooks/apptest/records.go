package apptest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// passwordHash is reused: bcrypt for every record would make the tests slow.
var passwordHash struct {
	sync.Mutex
	hash string
}

// SetPassword gives an auth record the password "contraseña-larga-1", hashed once for all.
func SetPassword(r *core.Record) {
	passwordHash.Lock()
	defer passwordHash.Unlock()
	if passwordHash.hash == "" {
		r.SetPassword("contraseña-larga-1")
		passwordHash.hash = r.GetRaw("password").(*core.PasswordFieldValue).Hash
		return
	}
	r.SetRaw("password", &core.PasswordFieldValue{Hash: passwordHash.hash})
}

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

// Find reads a record, failing the test when it is not there.
func Find(t testing.TB, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Count counts a collection's records.
func Count(t testing.TB, app core.App, collection string) int {
	t.Helper()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

package migrations_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
)

// An appliance that kept PIN hashes on registrants moves them to registrant_pins and loses
// the fields, which superusers received.
func TestPinHashesMoveOffTheCollection(t *testing.T) {
	app := apptest.NewBare(t)
	step := apptest.Migration(t, "1764001200_registrant_secrets.go")
	if err := step.Down(app); err != nil {
		t.Fatal(err)
	}
	c, _ := app.FindCollectionByNameOrId("registrants")
	r := core.NewRecord(c)
	r.Set("phone", "+13105550190")
	r.Set("name", "Ana")
	r.Set("language", "es")
	r.Set("consent", true)
	r.SetPassword("contraseña-1")
	r.Set("cancel_pin_hash", "$2a$04$cancel")
	r.Set("duress_pin_hash", "$2a$04$duress")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if err := step.Up(app); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Cancel string `db:"cancel_hash"`
		Duress string `db:"duress_hash"`
	}
	err := app.DB().NewQuery("SELECT cancel_hash, duress_hash FROM registrant_pins WHERE registrant = {:id}").
		Bind(map[string]any{"id": r.Id}).One(&got)
	if err != nil || got.Cancel != "$2a$04$cancel" || got.Duress != "$2a$04$duress" {
		t.Fatalf("hashes not moved: %+v %v", got, err)
	}
	c, _ = app.FindCollectionByNameOrId("registrants")
	if c.Fields.GetByName("cancel_pin_hash") != nil || c.Fields.GetByName("duress_pin_hash") != nil {
		t.Error("the hash fields are still on registrants")
	}
	var n int
	if err := app.DB().NewQuery("SELECT count(*) FROM _collections WHERE name IN ('registrant_pins','recovery_codes','pending_deletions')").Row(&n); err != nil || n != 0 {
		t.Errorf("a secret table is a collection (%d, %v)", n, err)
	}
}

package records_test

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/records"
)

// samples are values tried in every field: valid and invalid for the appliance's patterns,
// lengths and kinds.
var samples = []any{
	"", "a", "ABC!", "has space", strings.Repeat("a", 41), strings.Repeat("b", 5001),
	"los-angeles", "+15551234567", "90012", "06037",
	"0190f3c4-8a1b-7c2d-9e3f-0a1b2c3d4e5f", "01HZY3K8V6Q2W9T4R7M5N1P0XJ",
	7, true, []string{"a", "b"},
}

// TestValidateAgreesWithPocketBase sets each sample in each field of every collection,
// one at a time, and compares the errors with PocketBase's own validation, field by field
// and code by code: every collection Save validates itself is among them.
func TestValidateAgreesWithPocketBase(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	compared, patterned := 0, 0
	for _, c := range cols {
		for _, f := range c.Fields {
			if tf, ok := f.(*core.TextField); ok && tf.Pattern != "" {
				patterned++
			}
			for _, v := range samples {
				r := core.NewRecord(c)
				r.Set(f.GetName(), v)
				want := codes(app.Validate(r)) // gives r its id, as a save would
				got := codes(records.Validate(app, r))
				if !maps.Equal(got, want) {
					t.Errorf("%s.%s = %v: got %v, PocketBase says %v", c.Name, f.GetName(), v, got, want)
				}
				compared++
			}
		}
	}
	for _, name := range records.FastCollections() {
		if !slices.ContainsFunc(cols, func(c *core.Collection) bool { return c.Name == name }) {
			t.Errorf("Save validates %s itself, but there is no such collection to compare", name)
		}
	}
	if patterned < 10 {
		t.Fatalf("only %d text fields with a pattern: the schema was not migrated?", patterned)
	}
	t.Logf("%d records compared; %d fields with a pattern", compared, patterned)
}

func TestValidateGivesNewRecordsAnID(t *testing.T) {
	app, c := collection(t, "federation_nonces")
	r := core.NewRecord(c)
	r.Set("key_id", "fresno:abc")
	r.Set("nonce", "n1")
	if err := records.Validate(app, r); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[a-z0-9]{15}$`).MatchString(r.Id) {
		t.Fatalf("id %q is not a default PocketBase id", r.Id)
	}
}

// TestSave stores a valid record, refuses an invalid one with PocketBase's errors, and
// refuses to change a stored id.
func TestSave(t *testing.T) {
	app, c := collection(t, "federation_inbox")
	r := core.NewRecord(c)
	for k, v := range map[string]any{
		"envelope_id": "e1", "type": "created", "alert": "0190f3c4-8a1b-7c2d-9e3f-0a1b2c3d4e5f",
		"origin": "Not A Code", "seq": 1, "envelope": "{}", "signature": "s", "receipt": "{}",
	} {
		r.Set(k, v)
	}
	err := records.Save(app, r)
	var invalid validation.Errors
	if !errors.As(err, &invalid) || invalid["origin"] == nil {
		t.Fatalf("a bad origin: %v, want a validation error on origin", err)
	}
	if n, _ := app.CountRecords(c); n != 0 {
		t.Fatalf("%d rows stored after a refused save", n)
	}

	r.Set("origin", "fresno")
	if err := records.Save(app, r); err != nil {
		t.Fatal(err)
	}
	stored, err := app.FindRecordById(c, r.Id)
	if err != nil || stored.GetString("origin") != "fresno" {
		t.Fatalf("stored %v, %v", stored, err)
	}

	stored.Set("origin", "los-angeles")
	if err := records.Save(app, stored); err != nil {
		t.Fatalf("an update: %v", err)
	}
	stored.Id = "changedid000000"
	want, got := codes(app.Validate(stored)), codes(records.Validate(app, stored))
	if got["id"] != "validation_pk_change" || !maps.Equal(got, want) {
		t.Fatalf("changed id: got %v, PocketBase says %v", got, want)
	}
}

// codes maps each field in error to its error code.
func codes(err error) map[string]string {
	out := map[string]string{}
	if err == nil {
		return out
	}
	var errs validation.Errors
	if !errors.As(err, &errs) {
		return map[string]string{"": err.Error()}
	}
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		var ve validation.Error
		if errors.As(errs[k], &ve) {
			out[k] = ve.Code()
		} else {
			out[k] = fmt.Sprint(errs[k])
		}
	}
	return out
}

// TestValidateCompilesNoPattern: PocketBase compiles each pattern on every validation, which
// is what Validate exists to avoid; its allocations show it.
func TestValidateCompilesNoPattern(t *testing.T) {
	app, c := collection(t, "alerts")
	r := core.NewRecord(c)
	r.Id = "abcdefghij12345"
	for k, v := range map[string]any{
		"uid": "0190f3c4-8a1b-7c2d-9e3f-0a1b2c3d4e5f", "origin_consulate": "fresno", "home_consulate": "fresno",
		"target_consulate": "los-angeles", "county_geoid": "06019", "zip": "93721",
	} {
		r.Set(k, v)
	}
	records.Validate(app, r) // compiles and keeps the patterns
	ours := testing.AllocsPerRun(20, func() { records.Validate(app, r) })
	pbs := testing.AllocsPerRun(20, func() { app.Validate(r) })
	t.Logf("allocations per validation: %.0f, PocketBase's %.0f", ours, pbs)
	if ours > pbs/2 {
		t.Fatalf("Validate allocates %.0f times, PocketBase %.0f: are the patterns compiled again?", ours, pbs)
	}
}

// collection returns a migrated app without hooks, and its collection of that name.
func collection(t *testing.T, name string) (core.App, *core.Collection) {
	t.Helper()
	app := apptest.NewBare(t)
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return app, c
}

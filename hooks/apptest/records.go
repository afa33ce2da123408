package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

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

// Fields are a fixture's field values, set over its defaults.
type Fields map[string]any

// newRecord is an empty record of collection.
func newRecord(t testing.TB, app core.App, collection string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	return core.NewRecord(c)
}

// save sets fields on r and saves it, failing the test when the app refuses it.
func save(t testing.TB, app core.App, r *core.Record, fields Fields) *core.Record {
	t.Helper()
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("saving a %s: %v", r.Collection().Name, err)
	}
	return r
}

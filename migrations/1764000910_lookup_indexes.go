package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(addLookupIndexes, dropLookupIndexes)
}

// lookupIndexes serve equality lookups that run inside write transactions and otherwise
// scanned a whole table (BENCHMARKS.md has the profiles):
//   - every new alert reads the registrant's, each relative's and the on-duty staff's push
//     subscriptions: with a consulate's worth of subscribed phones, ingest collapsed;
//   - every late federation row, once delivered, counts the alert's other late rows: without
//     an index on alert, draining a backlog was quadratic.
var lookupIndexes = []struct{ collection, name, columns string }{
	{"push_subscriptions", "idx_push_registrant", "registrant"},
	{"push_subscriptions", "idx_push_contact", "contact"},
	{"push_subscriptions", "idx_push_staff", "staff"},
	{"outbox", "idx_outbox_alert", "alert"},
}

func addLookupIndexes(app core.App) error {
	return eachIndexedCollection(app, func(c *core.Collection, name, columns string) {
		c.AddIndex(name, false, columns, "")
	})
}

func dropLookupIndexes(app core.App) error {
	return eachIndexedCollection(app, func(c *core.Collection, name, _ string) {
		c.RemoveIndex(name)
	})
}

// eachIndexedCollection applies fn to every index of lookupIndexes and saves each collection once.
func eachIndexedCollection(app core.App, fn func(c *core.Collection, name, columns string)) error {
	var order []string
	byName := map[string]*core.Collection{}
	for _, ix := range lookupIndexes {
		c, ok := byName[ix.collection]
		if !ok {
			var err error
			if c, err = find(app, ix.collection); err != nil {
				return err
			}
			byName[ix.collection] = c
			order = append(order, ix.collection)
		}
		fn(c, ix.name, ix.columns)
	}
	for _, name := range order {
		if err := app.Save(byName[name]); err != nil {
			return err
		}
	}
	return nil
}

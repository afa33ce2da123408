package directory

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/records"
)

// Table holds the jurisdictions rows in memory: every alert is routed through them, and
// they change only when IT corrects one. It is read again after a row is created, changed
// or deleted and that change is committed. Bind makes the appliance's one; a nil Table
// keeps nothing and reads the rows at every lookup.
type Table struct {
	mu   sync.Mutex
	gen  uint64                // counts the changes: a read begun before one is not kept
	rows map[string]assignment // by county geoid; nil until read
}

// assignment is a county's row: the consulate it is assigned to, and on what grounds.
type assignment struct {
	Consulate  string
	Confidence string
	Source     string
}

// bindTable returns a table of app's rows that follows their committed changes.
func bindTable(app core.App) *Table {
	t := &Table{}
	records.OnCommittedChange(app, "jurisdictions", t.forget)
	return t
}

func (t *Table) forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	t.rows = nil
}

// lookup returns the county's row, reading every row first if they are not in memory.
func (t *Table) lookup(app core.App, geoid string) (assignment, bool, error) {
	if t == nil {
		t = &Table{} // nothing tells it of changes: keep nothing
	}
	t.mu.Lock()
	rows, gen := t.rows, t.gen
	t.mu.Unlock()
	if rows == nil {
		var err error
		if rows, err = readAll(app); err != nil {
			return assignment{}, false, err
		}
		t.mu.Lock()
		if t.gen == gen {
			t.rows = rows
		}
		t.mu.Unlock()
	}
	row, ok := rows[geoid]
	return row, ok, nil
}

func readAll(app core.App) (map[string]assignment, error) {
	var list []struct {
		Geoid      string `db:"county_geoid"`
		Consulate  string `db:"consulate"`
		Confidence string `db:"confidence"`
		Source     string `db:"source"`
	}
	err := app.DB().Select("county_geoid", "consulate", "confidence", "source").From("jurisdictions").All(&list)
	if err != nil {
		return nil, err
	}
	rows := make(map[string]assignment, len(list))
	for _, r := range list {
		rows[r.Geoid] = assignment{Consulate: r.Consulate, Confidence: r.Confidence, Source: r.Source}
	}
	return rows, nil
}

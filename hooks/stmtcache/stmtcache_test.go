package stmtcache

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// oneConn opens a database whose pool has one connection, so every statement of the test
// meets the same cache.
func oneConn(t *testing.T) *sql.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "data.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"
	db, err := sql.Open(DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE t (x INTEGER PRIMARY KEY, name TEXT UNIQUE)")
	for i := 1; i <= 3; i++ {
		mustExec(t, db, "INSERT INTO t (x, name) VALUES (?, ?)", i, fmt.Sprint("n", i))
	}
	return db
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// kept lists the statements the pool's one connection keeps.
func kept(t *testing.T, db *sql.DB) map[string]bool {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := map[string]bool{}
	err = c.Raw(func(dc any) error {
		for q := range dc.(*conn).stmts {
			out[q] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStatementIsKeptAndGivesTheSameAnswers(t *testing.T) {
	db := oneConn(t)
	const q = "SELECT name FROM t WHERE x >= ? ORDER BY x"
	for i := 0; i < 3; i++ {
		if got := strings.Join(names(t, db, q, 2), ","); got != "n2,n3" {
			t.Fatalf("run %d: got %q, want n2,n3", i, got)
		}
		if got := names(t, db, q, 9); len(got) != 0 {
			t.Fatalf("run %d: got %q for no rows", i, got)
		}
	}
	if !kept(t, db)[q] {
		t.Fatalf("the query is not kept: %v", kept(t, db))
	}
}

func TestSchemaChangeIsSeenByAKeptStatement(t *testing.T) {
	db := oneConn(t)
	const q = "SELECT * FROM t WHERE x = ?"
	if got := columns(t, db, q, 1); got != "x,name" {
		t.Fatalf("got columns %q, want x,name", got)
	}
	mustExec(t, db, "ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'e'")
	if got := columns(t, db, q, 1); got != "x,name,extra" {
		t.Fatalf("after ALTER TABLE got columns %q, want x,name,extra", got)
	}
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// columns runs query on db and returns its result's column names, comma-separated.
func columns(t *testing.T, db querier, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(cols, ",")
}

// A statement run again while its own rows are still open (a query inside a loop over the
// same query) runs unkept, and neither run disturbs the other.
func TestSameQueryWhileItsRowsAreOpen(t *testing.T) {
	db := oneConn(t)
	const q = "SELECT name FROM t ORDER BY x"
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	outer, err := tx.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var n string
		if err := outer.Scan(&n); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		for inner.Next() {
			count++
		}
		inner.Close()
		got = append(got, fmt.Sprint(n, ":", count))
		if len(got) > 3 {
			t.Fatalf("the outer rows start over: %q", got)
		}
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if s := strings.Join(got, ","); s != "n1:3,n2:3,n3:3" {
		t.Fatalf("got %q, want n1:3,n2:3,n3:3", s)
	}
}

func TestLeastRecentlyUsedGoesWhenFull(t *testing.T) {
	db := oneConn(t)
	query := func(i int) string { return fmt.Sprintf("SELECT name FROM t WHERE x = %d", i) }
	for i := 0; i < Size+10; i++ {
		names(t, db, query(i))
		if i >= 1 {
			names(t, db, query(0)) // kept in use: never the least recent
		}
	}
	k := kept(t, db)
	if len(k) != Size {
		t.Fatalf("keeps %d statements, want %d", len(k), Size)
	}
	if !k[query(0)] || !k[query(Size+9)] {
		t.Fatal("a recently used statement was dropped")
	}
	if k[query(1)] {
		t.Fatal("the least recently used statement is still kept")
	}
}

func TestKeptStatementWorksAfterErrors(t *testing.T) {
	db := oneConn(t)
	const insert = "INSERT INTO t (x, name) VALUES (?, ?)"
	if _, err := db.Exec(insert, 10, "n1"); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("a duplicate name: got %v, want a UNIQUE constraint error", err)
	}
	mustExec(t, db, insert, 10, "n10")
	if got := names(t, db, "SELECT name FROM t WHERE x = ?", 10); len(got) != 1 || got[0] != "n10" {
		t.Fatalf("got %q, want n10", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	const q = "SELECT name FROM t WHERE x = ?"
	if _, err := db.QueryContext(ctx, q, 1); err == nil {
		t.Fatal("a cancelled query ran")
	}
	if got := names(t, db, q, 1); len(got) != 1 || got[0] != "n1" {
		t.Fatalf("after a cancelled run got %q, want n1", got)
	}
	if _, err := db.Exec("SELEC nothing"); err == nil {
		t.Fatal("a syntax error was accepted")
	}
}

func TestRolledBackWritesThroughKeptStatementsAreGone(t *testing.T) {
	db := oneConn(t)
	const insert = "INSERT INTO t (x, name) VALUES (?, ?)"
	for _, commit := range []bool{false, true} {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(insert, 20, "n20"); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		got := names(t, db, "SELECT name FROM t WHERE x = 20")
		if want := map[bool]int{false: 0, true: 1}[commit]; len(got) != want {
			t.Fatalf("commit %v: got %q", commit, got)
		}
	}
}

// A collection changed in the admin UI is altered on PocketBase's writer connection while
// the read connections keep their statements: they must see the new schema.
func TestSchemaChangedByAnotherConnectionIsSeen(t *testing.T) {
	db := oneConn(t)
	db.SetMaxOpenConns(2)
	ctx := context.Background()
	reader, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	const q = "SELECT * FROM t WHERE x = ?"
	if got := columns(t, reader, q, 1); got != "x,name" {
		t.Fatalf("got columns %q, want x,name", got)
	}
	if _, err := writer.ExecContext(ctx, "ALTER TABLE t ADD COLUMN extra TEXT"); err != nil {
		t.Fatal(err)
	}
	if got := columns(t, reader, q, 1); got != "x,name,extra" {
		t.Fatalf("after another connection's ALTER TABLE got columns %q, want x,name,extra", got)
	}
}

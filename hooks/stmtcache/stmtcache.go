// Package stmtcache is modernc's SQLite driver with each connection keeping the statements
// it ran last prepared. PocketBase and dbx prepare every statement anew, and in a surge
// SQLite spent a fifth of the appliance's CPU parsing the same few statements again
// (BENCHMARKS.md). The statements are the same text each time, with their values bound as
// parameters, so a connection that ran one can run it again without parsing it.
//
// A kept statement is reset after each use and holds no lock. After a schema change SQLite
// prepares it again by itself (sqlite3_prepare_v2), so a migration is seen as before.
package stmtcache

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/pocketbase/dbx"
	"modernc.org/sqlite"
)

// DriverName is the name registered with database/sql; the data source is modernc's.
const DriverName = "sqlite_stmtcache"

// Size is how many statements each connection keeps; the least recently used goes first.
const Size = 64

func init() {
	sql.Register(DriverName, &drv{})
}

// Open opens dsn as dbx.Open("sqlite", dsn) does, through the caching driver; dbx still
// builds its queries for SQLite.
func Open(dsn string) (*dbx.DB, error) {
	db, err := sql.Open(DriverName, dsn)
	if err != nil {
		return nil, err
	}
	return dbx.NewFromDB(db, "sqlite"), nil
}

type drv struct{ sqlite.Driver }

func (d *drv) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	sc, ok := c.(sqliteConn)
	if !ok {
		return c, nil // a driver without the methods below: serve it unchanged
	}
	return &conn{sqliteConn: sc, stmts: map[string]*entry{}}, nil
}

// sqliteConn is what database/sql uses of modernc's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// conn is used by one goroutine at a time (database/sql holds its lock around every call,
// rows.Close included), so its cache needs no lock of its own.
type conn struct {
	sqliteConn
	stmts map[string]*entry
	clock uint64 // counts uses, for least recently used
}

type entry struct {
	stmt     stmt
	lastUsed uint64
	busy     bool // its rows are still open
}

type stmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	defer func() { e.busy = false }()
	return e.stmt.ExecContext(ctx, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	e, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	r, err := e.stmt.QueryContext(ctx, args)
	if err != nil {
		e.busy = false
		return nil, err
	}
	sr, ok := r.(sqliteRows)
	if !ok {
		r.Close()
		e.busy = false
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	return &rows{sqliteRows: sr, entry: e}, nil
}

// take returns the kept statement for query, marked busy, preparing and keeping it when it
// is new. It returns nil when the statement is busy (a query run again while its own rows
// are open) or there is no room: the caller then runs it unkept.
func (c *conn) take(ctx context.Context, query string) (*entry, error) {
	c.clock++
	e := c.stmts[query]
	if e == nil {
		if !c.makeRoom() {
			return nil, nil
		}
		s, err := c.sqliteConn.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		ks, ok := s.(stmt)
		if !ok {
			s.Close()
			return nil, nil
		}
		e = &entry{stmt: ks}
		c.stmts[query] = e
	}
	if e.busy {
		return nil, nil
	}
	e.busy = true
	e.lastUsed = c.clock
	return e, nil
}

// makeRoom closes the least recently used idle statement when the cache is full; it tells
// whether there is room.
func (c *conn) makeRoom() bool {
	if len(c.stmts) < Size {
		return true
	}
	var oldest string
	var found *entry
	for q, e := range c.stmts {
		if !e.busy && (found == nil || e.lastUsed < found.lastUsed) {
			oldest, found = q, e
		}
	}
	if found == nil {
		return false
	}
	delete(c.stmts, oldest)
	found.stmt.Close()
	return true
}

func (c *conn) Close() error {
	for q, e := range c.stmts {
		e.stmt.Close()
		delete(c.stmts, q)
	}
	return c.sqliteConn.Close()
}

// sqliteRows is what database/sql uses of modernc's rows.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// rows gives its statement back to the cache when closed (modernc resets it then).
type rows struct {
	sqliteRows
	entry *entry
}

func (r *rows) Close() error {
	err := r.sqliteRows.Close()
	r.entry.busy = false
	return err
}

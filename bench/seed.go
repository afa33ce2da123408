package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"
)

// The seeding path: the harness opens a stopped appliance's data directory with PocketBase as
// a library (no hooks: only the schema the appliance's migrations made) and writes rows with
// batched SQL in large transactions, which is thousands of times faster than registering
// people over HTTP. The appliance must have been served once on the directory, so that its
// migrations, keys and identity exist.

const benchPassword = "Bench-pass-2025"

// seedDB is an open data directory.
type seedDB struct {
	app *core.BaseApp
	db  *sql.DB
}

func openSeed(dir string) (*seedDB, error) {
	os.Setenv(secretEnv, secret) // the settings are encrypted with the appliance's secret
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: secretEnv, DBConnect: seedConnect})
	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("opening %s: %w", dir, err)
	}
	db, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		app.ResetBootstrapState()
		return nil, fmt.Errorf("opening %s: unexpected database type %T", dir, app.NonconcurrentDB())
	}
	if _, err := app.FindCollectionByNameOrId("registrants"); err != nil {
		app.ResetBootstrapState()
		return nil, fmt.Errorf("%s has no registrants collection: serve the appliance on it once first", dir)
	}
	return &seedDB{app: app, db: db.DB()}, nil
}

// withSeed opens dir, runs fn on it and closes it, checkpointed, whatever fn returned.
func withSeed(dir string, fn func(sd *seedDB) error) error {
	sd, err := openSeed(dir)
	if err != nil {
		return err
	}
	err = fn(sd)
	if cerr := sd.Close(); err == nil {
		err = cerr
	}
	return err
}

// seedConnect is for bulk loading only: no fsync (the harness does not survive a power cut
// anyway) and a large cache.
func seedConnect(dbPath string) (*dbx.DB, error) {
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)" +
		"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-200000)"
	return dbx.Open("sqlite", dbPath+pragmas)
}

// Close checkpoints the WAL into the database file and closes it.
func (s *seedDB) Close() error {
	_, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if rerr := s.app.ResetBootstrapState(); err == nil {
		err = rerr
	}
	return err
}

// account is a seeded auth record and a token it can call the API with.
type account struct {
	ID, Token string
}

// insertRows inserts n rows into table, 100 rows a statement and 50,000 a transaction;
// row fills the values of row i in cols order.
func (s *seedDB) insertRows(table string, cols []string, n int, row func(i int, vals []any)) error {
	const perStmt, perTx = 100, 50_000
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	stmtSQL := func(rows int) string {
		return "INSERT INTO `" + table + "` (`" + strings.Join(cols, "`,`") + "`) VALUES " +
			strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	}
	vals := make([]any, 0, perStmt*len(cols))
	rowVals := make([]any, len(cols))
	for start := 0; start < n; start += perTx {
		end := min(start+perTx, n)
		tx, err := s.db.Begin()
		if err != nil {
			return err
		}
		full, err := tx.Prepare(stmtSQL(perStmt))
		if err != nil {
			tx.Rollback()
			return err
		}
		for i := start; i < end; {
			k := min(perStmt, end-i)
			vals = vals[:0]
			for j := range k {
				row(i+j, rowVals)
				vals = append(vals, rowVals...)
			}
			if k == perStmt {
				_, err = full.Exec(vals...)
			} else {
				_, err = tx.Exec(stmtSQL(k), vals...)
			}
			if err != nil {
				tx.Rollback()
				return fmt.Errorf("inserting into %s: %w", table, err)
			}
			i += k
		}
		full.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// registrantOpts describe the registrants to seed.
type registrantOpts struct {
	N      int    // how many
	Tokens int    // how many of them (the first) get an API token
	Home   string // home consulate
	ZIP    string
	Offset int // phone numbers start after this many (keeps several seedings apart)
}

// seedRegistrants inserts registrants who consented, with one password for all, and returns
// every id and the first opts.Tokens accounts.
func (s *seedDB) seedRegistrants(o registrantOpts) (ids []string, accounts []account, err error) {
	col, err := s.app.FindCollectionByNameOrId("registrants")
	if err != nil {
		return nil, nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(benchPassword), bcrypt.MinCost)
	if err != nil {
		return nil, nil, err
	}
	now := types.NowDateTime().String()
	ids = make([]string, o.N)
	keys := make([]string, o.N)
	for i := range ids {
		ids[i] = core.GenerateDefaultRandomId()
		keys[i] = security.RandomString(50)
	}
	cols := []string{"id", "password", "tokenKey", "phone", "name", "language", "zip", "home_consulate",
		"disclosure", "consent", "created", "updated"}
	err = s.insertRows("registrants", cols, o.N, func(i int, v []any) {
		v[0], v[1], v[2] = ids[i], string(hash), keys[i]
		v[3] = fmt.Sprintf("+1%010d", 2_000_000_000+o.Offset+i)
		v[4] = fmt.Sprintf("Persona %d Prueba", i)
		v[5], v[6], v[7], v[8], v[9], v[10], v[11] = "es", o.ZIP, o.Home, "status", true, now, now
	})
	if err != nil {
		return nil, nil, err
	}
	for i := range min(o.Tokens, o.N) {
		r := core.NewRecord(col)
		r.Id = ids[i]
		r.SetTokenKey(keys[i])
		token, err := r.NewStaticAuthToken(24 * time.Hour)
		if err != nil {
			return nil, nil, err
		}
		accounts = append(accounts, account{ID: ids[i], Token: token})
	}
	return ids, accounts, nil
}

// seedRelatives gives each registrant perRegistrant contacts, each with one push
// subscription whose endpoint is endpointBase + "/" + the subscription id.
func (s *seedDB) seedRelatives(registrants []string, perRegistrant int, endpointBase string, keys pushKeys) error {
	n := len(registrants) * perRegistrant
	now := types.NowDateTime().String()
	contactIDs := make([]string, n)
	for i := range contactIDs {
		contactIDs[i] = core.GenerateDefaultRandomId()
	}
	err := s.insertRows("contacts", []string{"id", "registrant", "name", "relationship", "language", "created", "updated"}, n,
		func(i int, v []any) {
			v[0], v[1] = contactIDs[i], registrants[i/perRegistrant]
			v[2], v[3], v[4], v[5], v[6] = fmt.Sprintf("Familiar %d", i%perRegistrant), "familia", "es", now, now
		})
	if err != nil {
		return err
	}
	return s.insertRows("push_subscriptions", []string{"id", "endpoint", "p256dh", "auth", "contact", "language", "created", "updated"}, n,
		func(i int, v []any) {
			id := core.GenerateDefaultRandomId()
			v[0], v[1], v[2], v[3], v[4] = id, endpointBase+"/"+id, keys.P256dh, keys.Auth, contactIDs[i]
			v[5], v[6], v[7] = "es", now, now
		})
}

// seedOwnSubscriptions gives each registrant one push subscription of their own phone.
func (s *seedDB) seedOwnSubscriptions(registrants []string, endpointBase string, keys pushKeys) error {
	now := types.NowDateTime().String()
	return s.insertRows("push_subscriptions", []string{"id", "endpoint", "p256dh", "auth", "registrant", "language", "created", "updated"}, len(registrants),
		func(i int, v []any) {
			id := core.GenerateDefaultRandomId()
			v[0], v[1], v[2], v[3], v[4] = id, endpointBase+"/"+id, keys.P256dh, keys.Auth, registrants[i]
			v[5], v[6], v[7] = "es", now, now
		})
}

// seedStaff adds n advisers on duty (superusers with a role) and returns their tokens.
func (s *seedDB) seedStaff(n int, prefix string) ([]account, error) {
	col, err := s.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return nil, err
	}
	var out []account
	for i := range n {
		r := core.NewRecord(col)
		r.SetEmail(fmt.Sprintf("%s%d@bench.example", prefix, i))
		r.SetPassword(benchPassword)
		r.Set("role", "adviser")
		r.Set("on_duty", true)
		if err := s.app.Save(r); err != nil {
			return nil, fmt.Errorf("adding staff: %w", err)
		}
		token, err := r.NewStaticAuthToken(24 * time.Hour)
		if err != nil {
			return nil, err
		}
		out = append(out, account{ID: r.Id, Token: token})
	}
	return out, nil
}

// seedPastAlerts inserts n resolved alerts of the given registrants, spread over the last
// year, each with its "created" timeline event.
func (s *seedDB) seedPastAlerts(n int, registrants []string, consulate string) error {
	now := time.Now().UTC()
	span := 365 * 24 * time.Hour
	at := func(i int) time.Time { return now.Add(-span + time.Duration(int64(span)/int64(n+1)*int64(i))) }
	alertIDs := make([]string, n)
	for i := range alertIDs {
		alertIDs[i] = core.GenerateDefaultRandomId()
	}
	cols := []string{"id", "uid", "registrant", "source", "kind", "status", "origin_consulate", "home_consulate",
		"target_consulate", "route_basis", "county_geoid", "acknowledged_at", "closed_at", "created", "updated"}
	err := s.insertRows("alerts", cols, n, func(i int, v []any) {
		t := at(i)
		created, _ := types.ParseDateTime(t)
		closed, _ := types.ParseDateTime(t.Add(6 * time.Hour))
		v[0], v[1], v[2] = alertIDs[i], uuidV7At(t), registrants[i%len(registrants)]
		v[3], v[4], v[5] = "button", "detained", "resolved"
		v[6], v[7], v[8], v[9], v[10] = consulate, consulate, consulate, "location", "06037"
		v[11], v[12], v[13], v[14] = created.String(), closed.String(), created.String(), closed.String()
	})
	if err != nil {
		return err
	}
	data := fmt.Sprintf(`{"kind":"detained","source":"button","target":%q,"basis":"location"}`, consulate)
	return s.insertRows("alert_events", []string{"id", "alert", "type", "actor", "data", "staff_only", "created", "updated"}, n,
		func(i int, v []any) {
			created, _ := types.ParseDateTime(at(i))
			v[0], v[1], v[2], v[3] = core.GenerateDefaultRandomId(), alertIDs[i], "created", "registrant:"+registrants[i%len(registrants)]
			v[4], v[5], v[6], v[7] = data, false, created.String(), created.String()
		})
}

// uuidV7At is a UUIDv7 made at t.
func uuidV7At(t time.Time) string {
	var b [16]byte
	rand.Read(b[6:])
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(b[:6], ms[2:])
	b[6] = 0x70 | b[6]&0x0f
	b[8] = 0x80 | b[8]&0x3f
	return uuid.UUID(b).String()
}

// count returns the rows of table.
func (s *seedDB) count(table string) (int, error) {
	var n int
	err := s.db.QueryRow("SELECT count(*) FROM `" + table + "`").Scan(&n)
	return n, err
}

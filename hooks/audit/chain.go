// Package audit keeps the append-only, keyed hash chain of who touched personal data.
// Each row's hash is an HMAC, under a key only the appliance holds, of the row and the
// previous row's hash: an edited, removed or inserted row breaks every hash after it, and a
// row written outside the appliance (raw SQL, an API insert) has no valid hash at all.
package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/records"
)

// Entry is one audited action. It never holds personal data: actors and records are ids.
type Entry struct {
	Actor      string // "staff:<id>", "registrant:<id>", "system"
	Action     string // "view", "list", "create", "update", "delete", ...
	Collection string
	RecordID   string
}

// ActionKeyed marks the row where the keyed chain starts. The rows before it were written
// by versions that hashed with plain SHA-256; their last hash is this row's prev_hash, so
// they cannot be changed afterwards either, but what was forged before it was written
// cannot be told apart.
const ActionKeyed = "chain_keyed"

var errReserved = errors.New("audit: " + ActionKeyed + " is written only by the migration that starts the keyed chain")

// Append writes e at the end of the chain. Call it with the app of the transaction that
// does the audited work, so the row commits or rolls back with it; outside one it opens its
// own, so that reading the last link and writing the next one happen on the single writer.
func (l *Log) Append(app core.App, e Entry) error {
	if e.Action == ActionKeyed {
		return errReserved
	}
	return app.RunInTransaction(func(txApp core.App) error { return l.appendEntries(txApp, []Entry{e}) })
}

// StartKeyedChain appends the row from which every hash is keyed (see ActionKeyed).
func (l *Log) StartKeyedChain(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		return l.appendEntries(txApp, []Entry{{Actor: "system", Action: ActionKeyed, Collection: "audit_log"}})
	})
}

// appendEntries chains entries at the end of the log, in app's transaction.
func (l *Log) appendEntries(app core.App, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	keys, err := l.chainKeys()
	if err != nil {
		return err
	}
	seq, last, err := Head(app)
	if err != nil {
		return err
	}
	c, err := app.FindCachedCollectionByNameOrId("audit_log")
	if err != nil {
		return err
	}
	for _, e := range entries {
		seq++
		r := core.NewRecord(c)
		r.Set("seq", seq)
		r.Set("actor", e.Actor)
		r.Set("action", e.Action)
		r.Set("collection", e.Collection)
		r.Set("record_id", e.RecordID)
		r.Set("prev_hash", last)
		last = keyedHash(keys[0], seq, last, e)
		r.Set("hash", last)
		if err := records.Save(app, r); err != nil {
			return err
		}
	}
	return nil
}

// Head returns the last row's seq and hash (0 and "" for an empty log).
func Head(app core.App) (int64, string, error) {
	var last struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := app.DB().NewQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").One(&last)
	if err != nil && !isNoRows(err) {
		return 0, "", err
	}
	return last.Seq, last.Hash, nil
}

func isNoRows(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no rows")
}

func message(seq int64, prev string, e Entry) []byte {
	fields := []string{strconv.FormatInt(seq, 10), prev, e.Actor, e.Action, e.Collection, e.RecordID}
	return []byte(strings.Join(fields, "\x1f"))
}

func keyedHash(key []byte, seq int64, prev string, e Entry) string {
	m := hmac.New(sha256.New, key)
	m.Write(message(seq, prev, e))
	return hex.EncodeToString(m.Sum(nil))
}

// hashes reports whether hash is the row's: keyed with one of keys, or legacy.
func hashes(keys [][]byte, keyed bool, seq int64, prev string, e Entry, hash string) bool {
	if !keyed {
		return hash == legacyHash(seq, prev, e)
	}
	for _, key := range keys {
		if hmac.Equal([]byte(hash), []byte(keyedHash(key, seq, prev, e))) {
			return true
		}
	}
	return false
}

// legacyHash is how rows before the ActionKeyed row were hashed.
func legacyHash(seq int64, prev string, e Entry) string {
	sum := sha256.Sum256(message(seq, prev, e))
	return hex.EncodeToString(sum[:])
}

// Break is the first row at which the chain does not verify.
type Break struct {
	Seq    int64  // the seq the bad row has, or should have had when it is missing
	ID     string // the bad row's id; empty when the row is missing
	Reason string
}

func (b *Break) Error() string {
	if b.ID == "" {
		return fmt.Sprintf("audit log broken at seq %d: %s", b.Seq, b.Reason)
	}
	return fmt.Sprintf("audit log broken at seq %d (row %s): %s", b.Seq, b.ID, b.Reason)
}

// Verify walks the whole chain and returns how many rows it checked, or how many verified
// and the first break (a *Break).
func (l *Log) Verify(app core.App) (int, error) {
	keys, err := l.chainKeys()
	if err != nil {
		return 0, err
	}
	type row struct {
		ID         string `db:"id"`
		Seq        int64  `db:"seq"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		RecordID   string `db:"record_id"`
		PrevHash   string `db:"prev_hash"`
		Hash       string `db:"hash"`
	}
	var rows []row
	err = app.DB().Select("id", "seq", "actor", "action", "collection", "record_id", "prev_hash", "hash").
		From("audit_log").OrderBy("seq ASC").All(&rows)
	if err != nil {
		return 0, err
	}
	prev, keyed := "", false
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			return i, &Break{Seq: int64(i + 1), ID: r.ID, Reason: fmt.Sprintf("found seq %d: a row was removed or inserted", r.Seq)}
		}
		e := Entry{r.Actor, r.Action, r.Collection, r.RecordID}
		keyed = keyed || r.Action == ActionKeyed
		if r.PrevHash != prev || !hashes(keys, keyed, r.Seq, prev, e, r.Hash) {
			return i, &Break{Seq: r.Seq, ID: r.ID, Reason: "the row was altered, or written outside the appliance"}
		}
		prev = r.Hash
	}
	if !keyed {
		return len(rows), &Break{Seq: int64(len(rows) + 1), Reason: "the row that starts the keyed chain is missing: rows were removed, or the log was rewritten"}
	}
	return len(rows), nil
}

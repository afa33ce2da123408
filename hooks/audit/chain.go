// Package audit keeps the append-only, hash-chained record of who touched personal data.
// Each row's hash covers the previous row's hash, so an edited, removed or inserted row
// breaks every hash after it.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Entry is one audited action. It never holds personal data: actors and records are ids.
type Entry struct {
	Actor      string // "staff:<id>", "registrant:<id>", "system"
	Action     string // "view", "list", "create", "update", "delete", ...
	Collection string
	RecordID   string
}

// Append writes e at the end of the chain. Call it with the app of the transaction that
// does the audited work, so the row commits or rolls back with it; outside one it opens its
// own, so that reading the last link and writing the next one happen on the single writer.
func Append(app core.App, e Entry) error {
	return app.RunInTransaction(func(txApp core.App) error { return appendTx(txApp, e) })
}

func appendTx(app core.App, e Entry) error {
	var last struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := app.DB().NewQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").One(&last)
	if err != nil && !isNoRows(err) {
		return err
	}
	c, err := app.FindCachedCollectionByNameOrId("audit_log")
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.Set("seq", last.Seq+1)
	r.Set("actor", e.Actor)
	r.Set("action", e.Action)
	r.Set("collection", e.Collection)
	r.Set("record_id", e.RecordID)
	r.Set("prev_hash", last.Hash)
	r.Set("hash", hashOf(last.Seq+1, last.Hash, e))
	return app.SaveNoValidate(r)
}

func isNoRows(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no rows")
}

func hashOf(seq int64, prev string, e Entry) string {
	fields := []string{strconv.FormatInt(seq, 10), prev, e.Actor, e.Action, e.Collection, e.RecordID}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// Verify walks the whole chain and returns how many rows it checked, or the first break.
func Verify(app core.App) (int, error) {
	type row struct {
		Seq        int64  `db:"seq"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		RecordID   string `db:"record_id"`
		PrevHash   string `db:"prev_hash"`
		Hash       string `db:"hash"`
	}
	var rows []row
	err := app.DB().Select("seq", "actor", "action", "collection", "record_id", "prev_hash", "hash").
		From("audit_log").OrderBy("seq ASC").All(&rows)
	if err != nil {
		return 0, err
	}
	prev := ""
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			return i, fmt.Errorf("audit log broken at seq %d: expected seq %d (a row was removed or inserted)", r.Seq, i+1)
		}
		want := hashOf(r.Seq, prev, Entry{r.Actor, r.Action, r.Collection, r.RecordID})
		if r.PrevHash != prev || r.Hash != want {
			return i, fmt.Errorf("audit log broken at seq %d: the row or one before it was altered", r.Seq)
		}
		prev = r.Hash
	}
	return len(rows), nil
}

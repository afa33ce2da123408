package federation

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/records"
)

// clock is an alert's Lamport clock here: the seq and writer of the state held, and a
// digest of that state. A change made here is sent with the next seq, and a peer's is
// applied only when its (seq, writer) is greater, so every consulate holding the alert
// ends with the same last writer.
type clock struct {
	rec    *core.Record
	Seq    int64
	Writer string
	State  string
}

func loadClock(app core.App, uid string) (*clock, error) {
	rec, err := app.FindFirstRecordByData("federation_seq", "alert", uid)
	if errors.Is(err, sql.ErrNoRows) {
		c, cerr := app.FindCachedCollectionByNameOrId("federation_seq")
		if cerr != nil {
			return nil, cerr
		}
		rec = core.NewRecord(c)
		rec.Set("alert", uid)
		return &clock{rec: rec}, nil
	}
	if err != nil {
		return nil, err
	}
	return &clock{rec: rec, Seq: int64(rec.GetInt("seq")), Writer: rec.GetString("writer"), State: rec.GetString("state")}, nil
}

// Older reports whether the state held is older than (seq, writer).
func (c *clock) Older(seq int64, writer string) bool {
	return c.Seq < seq || c.Seq == seq && c.Writer < writer
}

func (c *clock) set(app core.App, seq int64, writer, state string) error {
	c.Seq, c.Writer, c.State = seq, writer, state
	c.rec.Set("seq", seq)
	c.rec.Set("writer", writer)
	c.rec.Set("state", state)
	return records.Save(app, c.rec)
}

// seqFor is the seq of the alert's state as this appliance sends it: the one already used
// when this appliance wrote that same state (the copies of one change share a seq, so a
// peer's later change is not taken for an older one), else the next.
func seqFor(app core.App, alert *core.Record, self string) (int64, error) {
	c, err := loadClock(app, alert.GetString("uid"))
	if err != nil {
		return 0, err
	}
	state := stateDigest(alert)
	if c.Seq > 0 && c.Writer == self && c.State == state {
		return c.Seq, nil
	}
	seq := c.Seq + 1
	return seq, c.set(app, seq, self, state)
}

// stateDigest digests what a status envelope carries.
func stateDigest(alert *core.Record) string {
	s := strings.Join([]string{
		alert.GetString("status"), strconv.FormatBool(alert.GetBool("duress")),
		alert.GetString("facility"), alert.GetString("target_consulate"),
	}, "\x00")
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

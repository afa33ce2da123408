package federation

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/records"
)

// errAlertGone is a row whose alert no longer exists: the only row given up on.
var errAlertGone = errors.New("the alert no longer exists")

// buildAll makes the envelopes of rows to one peer in one transaction: all of them, or none
// (the rows in memory may then hold envelopes that were not stored).
func buildAll(app core.App, cfg *appliance.Config, rows []*core.Record, now time.Time) error {
	return app.RunInTransaction(func(tx core.App) error {
		peer, err := LoadPeer(tx, rows[0].GetString("target"))
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := build(tx, cfg, row, peer, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// build makes a row's envelope at its first send: the alert as it is now, sealed to the
// destination and signed. The row keeps the exact bytes, which every retry sends again.
func build(app core.App, cfg *appliance.Config, row *core.Record, peer *Peer, now time.Time) error {
	if row.GetString("target") != peer.Code {
		return fmt.Errorf("the row is for %s, not %s", row.GetString("target"), peer.Code)
	}
	var p outbox.FederationPayload
	if err := row.UnmarshalJSONField("payload", &p); err != nil {
		return fmt.Errorf("the row's payload is not {type, alert}: %w", err)
	}
	alert, err := alerts.FindByUID(app, p.Alert)
	if errors.Is(err, sql.ErrNoRows) {
		return errAlertGone
	}
	if err != nil {
		return err
	}
	msg, err := rowMessage(app, cfg, p.Type, alert)
	if err != nil {
		return err
	}
	typ := envelopeType(app, p.Type, alert)
	return seal(app, cfg, row, peer, typ, alert, msg, now)
}

func rowMessage(app core.App, cfg *appliance.Config, typ string, alert *core.Record) (*message, error) {
	switch typ {
	case protocol.TypeCreated, protocol.TypeTransfer:
		return caseMessage(app, cfg, alert)
	case protocol.TypeStatus, protocol.TypeCancelled, protocol.TypeSafe:
		return stateMessage(app, alert)
	}
	return nil, fmt.Errorf("a federation row of type %q cannot be built at send time", typ)
}

// seal writes the envelope of msg to peer into row, with the alert's next seq.
func seal(app core.App, cfg *appliance.Config, row *core.Record, peer *Peer, typ string, alert *core.Record, msg *message, now time.Time) error {
	uid := alert.GetString("uid")
	seq, err := envelopeSeq(app, typ, alert, cfg.Consulate.Code)
	if err != nil {
		return err
	}
	env := &protocol.Envelope{
		V:           protocol.Version,
		ID:          protocol.NewID(),
		Type:        typ,
		Alert:       uid,
		Origin:      cfg.Consulate.Code,
		Destination: peer.Code,
		Seq:         seq,
		CreatedAt:   now.UTC().Truncate(time.Millisecond),
		Route:       routeOf(alert),
	}
	plain, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if err := protocol.Seal(env, plain, peer.SealKey); err != nil {
		return err
	}
	body, err := protocol.Marshal(env)
	if err != nil {
		return err
	}
	sig, err := protocol.SignEnvelope(body, cfg.Keys().Signer())
	if err != nil {
		return err
	}
	row.Set("envelope", string(body))
	row.Set("signature", sig)
	return records.Save(app, row)
}

// envelopeSeq is the seq an envelope is sent with. A note changes no state: it takes the
// current seq and is applied whatever its seq.
func envelopeSeq(app core.App, typ string, alert *core.Record, self string) (int64, error) {
	if typ != protocol.TypeNote {
		return seqFor(app, alert, self)
	}
	c, err := loadClock(app, alert.GetString("uid"))
	if err != nil {
		return 0, err
	}
	return max(c.Seq, 1), nil
}

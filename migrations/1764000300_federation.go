package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/alerts/vocab"
)

func init() {
	m.Register(createFederation, dropFederation)
}

// PeerTrusts are the values of consulates.trust.
var PeerTrusts = []string{"direct", "roster"}

// maxEnvelope is a little over the protocol's 64 KiB envelope limit.
const maxEnvelope = 70000

func createFederation(app core.App) error {
	if err := addFederationFields(app); err != nil {
		return err
	}
	for _, build := range []func() *core.Collection{
		federationInbox, federationNonces, federationRosters, federationPeers, federationSeq,
	} {
		if err := app.Save(build()); err != nil {
			return err
		}
	}
	return nil
}

func dropFederation(app core.App) error {
	for i := len(vocab.FederationCollections) - 1; i >= 0; i-- {
		c, err := app.FindCollectionByNameOrId(vocab.FederationCollections[i])
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return removeFederationFields(app)
}

// federationFields are the fields the federation adds to the appliance's collections.
var federationFields = map[string][]core.Field{
	// A trusted peer: its keys with their validity windows (protocol.RosterKey) and the keys
	// its roster revoked. signing_key and seal_key are the current ones.
	"consulates": {
		choice("trust", false, PeerTrusts...),
		&core.JSONField{Name: "signing_keys", MaxSize: 20000},
		&core.JSONField{Name: "revoked_keys", MaxSize: 20000},
		text("jurisdiction_version", false, 64),
	},
	// The exact envelope bytes and origin signature, made at first send and resent as they
	// are; relay_level is 1 once advisers were told it is late, 2 once escalated.
	"outbox": {
		&core.TextField{Name: "envelope", Max: maxEnvelope},
		text("signature", false, 200),
		number("relay_level", 0, 2, true),
	},
	// A relayed alert that is late (relay_status) and, on a copy received from a peer, the
	// person's details that have no registrant record here.
	"alerts": {
		&core.SelectField{Name: "relay_status", MaxSelect: 1, Values: vocab.RelayStatuses[:relayStatusesBefore], Hidden: true},
		&core.TextField{Name: "subject_phone", Max: 8000, Hidden: true},
		&core.TextField{Name: "subject_birth_date", Max: 8000, Hidden: true},
		&core.SelectField{Name: "subject_language", MaxSelect: 1, Values: vocab.Languages, Hidden: true},
	},
}

func addFederationFields(app core.App) error {
	for name, fields := range federationFields {
		c, err := find(app, name)
		if err != nil {
			return err
		}
		c.Fields.Add(fields...)
		if name == "outbox" {
			c.AddIndex("idx_outbox_federation", false, "channel, target, state, created", "")
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

func removeFederationFields(app core.App) error {
	for name, fields := range federationFields {
		c, err := find(app, name)
		if err != nil {
			return err
		}
		for _, f := range fields {
			c.Fields.RemoveByName(f.GetName())
		}
		c.RemoveIndex("idx_outbox_federation")
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

// federationInbox holds every envelope this appliance accepted, with the receipt it
// answered; a duplicate gets that receipt back. applied is false for an envelope about an
// alert not known here yet: it is applied when the alert arrives.
func federationInbox() *core.Collection {
	c := core.NewBaseCollection("federation_inbox")
	c.Fields.Add(
		text("envelope_id", true, 64),
		text("type", true, 40),
		text("alert", true, 64),
		&core.TextField{Name: "origin", Required: true, Pattern: vocab.ConsulateCodePattern, Max: 40},
		number("seq", 0, 1<<53, true),
		&core.TextField{Name: "envelope", Required: true, Max: maxEnvelope},
		text("signature", true, 200),
		&core.TextField{Name: "receipt", Required: true, Max: 4096},
		&core.BoolField{Name: "applied"},
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_federation_inbox_envelope", true, "envelope_id", "")
	c.AddIndex("idx_federation_inbox_alert", false, "alert, applied", "")
	return c
}

// federationNonces are the request nonces seen in the last two request windows.
func federationNonces() *core.Collection {
	c := core.NewBaseCollection("federation_nonces")
	c.Fields.Add(
		text("key_id", true, 120),
		text("nonce", true, 40),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_federation_nonces_key", true, "key_id, nonce", "")
	c.AddIndex("idx_federation_nonces_created", false, "created", "")
	return c
}

// federationRosters are the rosters imported, as signed; the highest version is held.
func federationRosters() *core.Collection {
	c := core.NewBaseCollection("federation_rosters")
	c.Fields.Add(
		number("version", 1, 1<<53, true),
		date("issued_at"),
		&core.TextField{Name: "roster", Required: true, Max: 1 << 20},
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_federation_rosters_version", true, "version", "")
	return c
}

// federationPeers is each peer's delivery health, kept by the dispatcher for IT.
func federationPeers() *core.Collection {
	c := core.NewBaseCollection("federation_peers")
	c.Fields.Add(
		&core.TextField{Name: "code", Required: true, Pattern: vocab.ConsulateCodePattern, Max: 40},
		number("queue", 0, 1<<53, true),
		date("oldest"),
		text("last_error", false, 500),
		date("last_error_at"),
		date("last_success_at"),
		date("retry_at"),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_federation_peers_code", true, "code", "")
	return c
}

// federationSeq is each relayed alert's clock: the seq and writer of the state held here,
// and a digest of that state.
func federationSeq() *core.Collection {
	c := core.NewBaseCollection("federation_seq")
	c.Fields.Add(
		text("alert", true, 64),
		number("seq", 0, 1<<53, true),
		&core.TextField{Name: "writer", Pattern: vocab.ConsulateCodePattern, Max: 40},
		text("state", false, 64),
	)
	c.Fields.Add(timestamps()...)
	c.AddIndex("idx_federation_seq_alert", true, "alert", "")
	return c
}

package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/alerts/vocab"
)

func init() {
	m.Register(addDelivery, removeDelivery)
}

// Every notice has a delivery state people are shown (vocab.Deliveries) and names who it is
// for; staff have a name and a phone to be paged at; an alert records when an escalation
// step reached nobody.
var deliveryFields = map[string][]core.Field{
	"outbox": {
		choice("delivery", false, vocab.Deliveries...),
		date("delivered_at"),
		choice("recipient_kind", false, vocab.RecipientKinds...),
		text("recipient", false, 40),
		text("provider_id", false, 64), // the SMS provider's message id, for its callbacks
	},
	core.CollectionNameSuperusers: {
		text("name", false, 120),
		&core.TextField{Name: "phone", Pattern: vocab.PhonePattern, Max: 16},
	},
	"alerts": {
		date("nobody_reached_at"),
	},
}

// The rows queued before: what their dispatcher state meant, and whom their target names.
const backfillDelivery = `
UPDATE outbox SET
  delivery = CASE state WHEN 'pending' THEN 'queued' WHEN 'sent' THEN 'delivered' ELSE 'failed' END,
  delivered_at = CASE state WHEN 'sent' THEN sent_at ELSE '' END,
  recipient_kind = CASE channel WHEN 'federation' THEN 'peer' WHEN 'email' THEN 'contact' ELSE
    COALESCE((SELECT CASE WHEN s.registrant != '' THEN 'registrant' WHEN s.contact != '' THEN 'contact' ELSE 'staff' END
      FROM push_subscriptions s WHERE s.id = outbox.target), '') END,
  recipient = CASE channel WHEN 'push' THEN
    COALESCE((SELECT s.registrant || s.contact || s.staff FROM push_subscriptions s WHERE s.id = outbox.target), '')
    ELSE target END`

func addDelivery(app core.App) error {
	for name, fields := range deliveryFields {
		c, err := find(app, name)
		if err != nil {
			return err
		}
		c.Fields.Add(fields...)
		if name == "outbox" {
			setValues(c, "channel", vocab.Channels)
			c.AddIndex("idx_outbox_provider", false, "provider_id", "provider_id != ''")
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	_, err := app.DB().NewQuery(backfillDelivery).Execute()
	return err
}

func removeDelivery(app core.App) error {
	if _, err := app.DB().Delete("outbox", dbx.HashExp{"channel": vocab.ChannelSMS}).Execute(); err != nil {
		return err
	}
	for name, fields := range deliveryFields {
		c, err := find(app, name)
		if err != nil {
			return err
		}
		for _, f := range fields {
			c.Fields.RemoveByName(f.GetName())
		}
		if name == "outbox" {
			setValues(c, "channel", vocab.Channels[:3])
			c.RemoveIndex("idx_outbox_provider")
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

// setValues sets the values of c's select field name.
func setValues(c *core.Collection, name string, values []string) {
	if f, ok := c.Fields.GetByName(name).(*core.SelectField); ok {
		f.Values = values
	}
}

package alerts

import (
	"encoding/json"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/deliveries"
)

// Who was told, as the registrant's phone shows it ("told"): the consulate the alert went
// to, with the relay's state (delivered once stored here; a peer's sending, delayed,
// escalated, delivered or untrusted), and each relative who hears of it with their best
// state and the channel that got furthest (unreachable: no channel at all). When the person
// closes the alert with a PIN, either of them, the closing event keeps what was true then
// (ids and states only: no names in the timeline), and the phone is shown that ever after:
// what happened next, which differs between the two PINs, never reaches the phone.

// toldLine is one line of it. ID is a relative's id: the name is read when shown.
type toldLine struct {
	Kind    string `json:"kind"`
	Code    string `json:"code,omitempty"`
	ID      string `json:"id,omitempty"`
	State   string `json:"state"`
	Channel string `json:"channel,omitempty"`
}

const (
	toldConsulate = "consulate"
	toldContact   = "contact"
	toldKey       = "told" // in the closing event's data
)

// toldNow is who alert's notices have reached so far.
func toldNow(app core.App, alert *core.Record) ([]toldLine, error) {
	state, err := consulateState(app, alert)
	if err != nil {
		return nil, err
	}
	lines := []toldLine{{Kind: toldConsulate, Code: targetOf(alert), State: state}}
	recipients, err := deliveries.Of(app, alert)
	if err != nil {
		return nil, err
	}
	for _, r := range recipients {
		if r.Kind == vocab.RecipientContact {
			lines = append(lines, toldLine{Kind: toldContact, ID: r.ID, State: r.State, Channel: r.Best().Channel})
		}
	}
	return lines, nil
}

// targetOf is the consulate the alert went to: its target, else where it was raised.
func targetOf(alert *core.Record) string {
	if t := alert.GetString("target_consulate"); t != "" {
		return t
	}
	return alert.GetString("origin_consulate")
}

// consulateState is how far the alert got to its consulate: stored here is delivered; a
// peer has it once it signed a receipt for one of the alert's envelopes; until then the
// relay's state says why not.
func consulateState(app core.App, alert *core.Record) (string, error) {
	target, relay := targetOf(alert), alert.GetString("relay_status")
	if target == alert.GetString("origin_consulate") {
		return vocab.DeliveryDelivered, nil
	}
	if relay == vocab.RelayUntrusted {
		return relay, nil
	}
	n, err := app.CountRecords("outbox", dbx.HashExp{
		"channel": vocab.ChannelFederation, "target": target, "alert": alert.GetString("uid"), "delivery": vocab.DeliveryDelivered,
	})
	switch {
	case err != nil:
		return "", err
	case n > 0:
		return vocab.RelayDelivered, nil
	case relay == vocab.RelayDelayed || relay == vocab.RelayEscalated:
		return relay, nil
	}
	return vocab.RelaySending, nil
}

// toldKept is what the closing event kept, if it kept it.
func toldKept(closing *core.Record) []toldLine {
	var kept struct {
		Told []toldLine `json:"told"`
	}
	raw, _ := json.Marshal(closing.Get("data"))
	json.Unmarshal(raw, &kept)
	return kept.Told
}

// shownTold is lines as the phone reads them: each consulate with its name and city (and,
// untrusted, the consulate that calls instead), each relative still on the list with their
// name.
func shownTold(app core.App, alert *core.Record, lines []toldLine) []map[string]any {
	out := []map[string]any{}
	for _, l := range lines {
		m := map[string]any{"kind": l.Kind, "state": l.State}
		switch l.Kind {
		case toldConsulate:
			m["code"] = l.Code
			name, city := consulateNames(app, l.Code)
			m["name"], m["city"] = name, city
			if l.State == vocab.RelayUntrusted {
				here := alert.GetString("origin_consulate")
				name, city := consulateNames(app, here)
				m["calledBy"] = map[string]any{"code": here, "name": name, "city": city}
			}
		case toldContact:
			c, err := app.FindRecordById("contacts", l.ID)
			if err != nil {
				continue // removed since: nobody to name
			}
			m["name"], m["channel"] = c.GetString("name"), l.Channel
		}
		out = append(out, m)
	}
	return out
}

func consulateNames(app core.App, code string) (name, city string) {
	c, err := app.FindFirstRecordByData("consulates", "code", code)
	if err != nil {
		return "", ""
	}
	return c.GetString("name"), c.GetString("city")
}

// Package notify decides who is told what: the notices' texts (Spanish first) and their
// audiences (the registrant's devices, the relatives, the staff by duty and role, the peer
// consulates). It writes each notice as outbox rows in the caller's transaction; the
// outbox sends them (a push; an e-mail that frames the same title and body; a federation
// envelope).
package notify

import (
	"strings"

	"alertbutton/hooks/i18n"
	"alertbutton/hooks/push"
)

// A Notice is one kind of notification: its push type and its texts. Texts may hold
// {name} (the registrant's first name), {consulate}, {facility}, {kind}, {city} (a peer
// consulate's) and {role}, {from} (a staff account's roles): nothing else about the person
// or the place, so a lock screen shows nothing that endangers anyone.
type Notice struct {
	Type        string
	Title, Body i18n.Text
}

// Vars are the values a notice's placeholders take in one language.
type Vars struct {
	Name, Consulate, Facility, Kind string
	City                            string
	Role, From                      string
}

// Payload is the notice in lang about the alert uid ("" for none), opening url.
func (n Notice) Payload(uid, lang, url string, v Vars) push.Payload {
	return push.Payload{
		Type:  n.Type,
		Alert: uid,
		Title: v.fill(n.Title.In(lang)),
		Body:  v.fill(n.Body.In(lang)),
		URL:   url,
		Lang:  lang,
	}
}

func (v Vars) fill(text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	return strings.NewReplacer(
		"{name}", v.Name, "{consulate}", v.Consulate, "{facility}", v.Facility, "{kind}", v.Kind,
		"{city}", v.City, "{role}", v.Role, "{from}", v.From,
	).Replace(text)
}

// Lang is the first of the given languages that is one the appliance speaks, else Spanish.
func Lang(choices ...string) string {
	for _, l := range choices {
		if l == "es" || l == "en" {
			return l
		}
	}
	return "es"
}

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

// fill replaces the placeholders in text in one pass: a value is not read again, so a name
// that looks like a placeholder stays as it is.
func (v Vars) fill(text string) string {
	i := strings.IndexByte(text, '{')
	if i < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 64)
	for ; i >= 0; i = strings.IndexByte(text, '{') {
		end := strings.IndexByte(text[i:], '}')
		value, ok := "", false
		if end > 0 {
			value, ok = v.value(text[i : i+end+1])
		}
		if !ok {
			b.WriteString(text[:i+1])
			text = text[i+1:]
			continue
		}
		b.WriteString(text[:i])
		b.WriteString(value)
		text = text[i+end+1:]
	}
	b.WriteString(text)
	return b.String()
}

func (v Vars) value(placeholder string) (string, bool) {
	switch placeholder {
	case "{name}":
		return v.Name, true
	case "{consulate}":
		return v.Consulate, true
	case "{facility}":
		return v.Facility, true
	case "{kind}":
		return v.Kind, true
	case "{city}":
		return v.City, true
	case "{role}":
		return v.Role, true
	case "{from}":
		return v.From, true
	}
	return "", false
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

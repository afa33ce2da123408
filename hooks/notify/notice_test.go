package notify

import (
	"regexp"
	"strings"
	"testing"

	"alertbutton/hooks/alerts/vocab"
)

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// toPeople are told to the registrant and the relatives; toStaff to staff devices, which
// are told no name, place or consulate.
var (
	toPeople = []Notice{Receipt, Acknowledged, Assigned, Resolved, FalseAlarm,
		RelativeButton, RelativeReport, RelativeConsulate, RelativeCancelled, RelativeSafe,
		RelativeAcknowledged, RelativeAssigned, RelativeFacility, RelativeResolved, RelativeFalseAlarm,
		subscribedRegistrant, subscribedRelative}
	toStaff = []Notice{StaffNew, StaffCancelled, StaffSafe, StaffDuress, StaffDuressSafe, StaffAfterDuress,
		StaffPinLocked, EscalatedStaff, EscalatedConsul, NobodyReached, PeerRelayed, PeerTransferred, PeerCancelled,
		PeerSafe, PeerDuress, PeerNote, PeerUndelivered, AccountCreated, AccountRoleChanged,
		AccountCredentials, AccountDeleted, subscribedStaff}
)

func TestNoticesSpeakBothLanguagesAndFillEveryPlaceholder(t *testing.T) {
	all := Vars{Name: "Ana", Consulate: "C", Facility: "F", Kind: "K", City: "Fresno", Role: "consul", From: "adviser"}
	for _, n := range append(append([]Notice{}, toPeople...), toStaff...) {
		if n.Type == "" || n.Title.ES == "" || n.Title.EN == "" || n.Body.ES == "" || n.Body.EN == "" {
			t.Errorf("%+v: a type and both languages are required", n)
		}
		for _, lang := range []string{"es", "en"} {
			p := n.Payload("uid", lang, "/", all)
			if left := placeholder.FindAllString(p.Title+p.Body, -1); len(left) > 0 {
				t.Errorf("%s %q: unknown placeholders %v", lang, n.Title.ES, left)
			}
		}
	}
}

func TestStaffNoticesNameNobody(t *testing.T) {
	for _, n := range toStaff {
		for _, text := range []string{n.Title.ES, n.Title.EN, n.Body.ES, n.Body.EN} {
			for _, p := range []string{"{name}", "{facility}", "{consulate}"} {
				if strings.Contains(text, p) {
					t.Errorf("a staff notice shows %s: %q", p, text)
				}
			}
		}
	}
}

func TestPayload(t *testing.T) {
	p := RelativeFacility.Payload("u1", "en", "/family/", Vars{Name: "Ana", Facility: "Adelanto"})
	if p.Type != vocab.MessageStatus || p.Alert != "u1" || p.Title != "Ana was located" || p.Body != "Located at Adelanto." || p.URL != "/family/" || p.Lang != "en" {
		t.Errorf("payload = %+v", p)
	}
	p = AccountRoleChanged.Payload("", "es", "/_/", Vars{From: "adviser", Role: "consul"})
	if p.Body != "Una cuenta del personal pasó del rol adviser al rol consul. Revísala en el panel." {
		t.Errorf("body = %q", p.Body)
	}
}

func TestLang(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{{nil, "es"}, {[]string{""}, "es"}, {[]string{"fr", "en"}, "en"}, {[]string{"es", "en"}, "es"}, {[]string{"en"}, "en"}} {
		if got := Lang(c.in...); got != c.want {
			t.Errorf("Lang(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestFillIsOnePass(t *testing.T) {
	v := Vars{Name: "{consulate}", Consulate: "C", Facility: "F"}
	for text, want := range map[string]string{
		"":                          "",
		"no placeholders":           "no placeholders",
		"{name} at {facility}":      "{consulate} at F", // a value is not read again
		"{n} tries, {name}":         "{n} tries, {consulate}",
		"open { brace {consulate}":  "open { brace C",
		"{consulate}{consulate}":    "CC",
		"unclosed {consulate":       "unclosed {consulate",
		"{{consulate}}":             "{C}",
		"{kind}: empty values go":   ": empty values go",
		"{name}.":                   "{consulate}.",
		"ends with a brace {":       "ends with a brace {",
		"ends with {}":              "ends with {}",
		"Alerta de {name} ({city})": "Alerta de {consulate} ()",
	} {
		if got := v.fill(text); got != want {
			t.Errorf("fill(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestFillAgreesWithAReplacer: on every notice, fill says what strings.Replacer said before it.
func TestFillAgreesWithAReplacer(t *testing.T) {
	v := Vars{Name: "Ana", Consulate: "Consulado de México en Fresno", Facility: "Adelanto", Kind: "Redada", City: "Fresno", Role: "consul", From: "it"}
	r := strings.NewReplacer("{name}", v.Name, "{consulate}", v.Consulate, "{facility}", v.Facility, "{kind}", v.Kind,
		"{city}", v.City, "{role}", v.Role, "{from}", v.From)
	for _, n := range append(append([]Notice{}, toPeople...), toStaff...) {
		for _, text := range []string{n.Title.ES, n.Title.EN, n.Body.ES, n.Body.EN} {
			if got, want := v.fill(text), r.Replace(text); got != want {
				t.Errorf("fill(%q) = %q, want %q", text, got, want)
			}
		}
	}
}

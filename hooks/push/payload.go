package push

import (
	"bytes"
	"encoding/json"
)

// Payload is what the service worker receives. It must stay short and show
// nothing a seized phone's lock screen should not show.
type Payload struct {
	Type  string `json:"type"`  // "alert.created", "alert.status", ...
	Alert string `json:"alert"` // the alert uid
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Lang  string `json:"lang"` // "es" or "en"
}

// JSON encodes the payload without HTML escaping, which only adds bytes.
func (p Payload) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		panic(err) // a struct of strings always encodes
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Shorter returns a smaller payload for a push service that answered 413:
// it halves the body until it is gone, then drops the URL (the service
// worker opens the app's start page). It returns false when nothing is left
// to trim; type, alert, title and lang are what the receiver needs.
func (p Payload) Shorter() (Payload, bool) {
	switch {
	case p.Body != "":
		p.Body = half(p.Body)
	case p.URL != "":
		p.URL = ""
	default:
		return p, false
	}
	return p, true
}

// half keeps the first half of s followed by an ellipsis; a string of 8
// runes or fewer is dropped, so the result is always fewer bytes.
func half(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return ""
	}
	return string(r[:len(r)/2]) + "…"
}

package protocol

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Version is the envelope format version, "v".
const Version = 1

// MaxEnvelopeSize caps a marshalled envelope, and so an inbox request body.
const MaxEnvelopeSize = 64 << 10

// Envelope types.
const (
	TypeCreated   = "alert.created"
	TypeStatus    = "alert.status"
	TypeNote      = "alert.note"
	TypeTransfer  = "alert.transfer"
	TypeCancelled = "alert.cancelled"
	TypeSafe      = "alert.safe"
)

var types = map[string]bool{
	TypeCreated: true, TypeStatus: true, TypeNote: true,
	TypeTransfer: true, TypeCancelled: true, TypeSafe: true,
}

// Envelope is one federation message about one alert. Only Route and the
// fields here travel in clear; personal data goes in Sealed (see Seal).
type Envelope struct {
	V           int       `json:"v"`
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	Alert       string    `json:"alert"`
	Origin      string    `json:"origin"`
	Destination string    `json:"destination"`
	Seq         int64     `json:"seq"`
	CreatedAt   time.Time `json:"created_at"`
	Route       Route     `json:"route"`
	Sealed      string    `json:"sealed"`
}

// Route is the alert's non-personal routing data. Target is required.
type Route struct {
	CountyGeoid string `json:"county_geoid,omitempty"`
	Basis       string `json:"basis,omitempty"`
	Target      string `json:"target"`
	Home        string `json:"home,omitempty"`
}

// Marshal returns the envelope's wire bytes: what the origin signs and what
// every hop sends unchanged.
func Marshal(env *Envelope) ([]byte, error) {
	if err := env.check(); err != nil {
		return nil, err
	}
	out := *env
	out.CreatedAt = out.CreatedAt.UTC()
	b, err := json.Marshal(&out)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: envelope is %d bytes, more than %d", ErrMalformed, len(b), MaxEnvelopeSize)
	}
	return b, nil
}

// ParseEnvelope parses wire bytes strictly: exact field names, every field
// present, version 1, valid ids and codes, at most MaxEnvelopeSize bytes.
func ParseEnvelope(b []byte) (*Envelope, error) {
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: envelope is %d bytes, more than %d", ErrMalformed, len(b), MaxEnvelopeSize)
	}
	env := &Envelope{}
	var route json.RawMessage
	seen, err := decodeObject(b, map[string]any{
		"v": &env.V, "id": &env.ID, "type": &env.Type, "alert": &env.Alert,
		"origin": &env.Origin, "destination": &env.Destination, "seq": &env.Seq,
		"created_at": &env.CreatedAt, "route": &route, "sealed": &env.Sealed,
	})
	if err != nil {
		return nil, err
	}
	if err := requireFields(seen, "envelope", "v", "id", "type", "alert", "origin",
		"destination", "seq", "created_at", "route", "sealed"); err != nil {
		return nil, err
	}
	if env.Route, err = parseRoute(route); err != nil {
		return nil, err
	}
	env.CreatedAt = env.CreatedAt.UTC()
	if err := env.check(); err != nil {
		return nil, err
	}
	return env, nil
}

func parseRoute(b []byte) (Route, error) {
	var r Route
	seen, err := decodeObject(b, map[string]any{
		"county_geoid": &r.CountyGeoid, "basis": &r.Basis, "target": &r.Target, "home": &r.Home,
	})
	if err != nil {
		return r, fmt.Errorf("route: %w", err)
	}
	return r, requireFields(seen, "route", "target")
}

// check validates everything, sealed content included.
func (env *Envelope) check() error {
	if err := env.checkHeader(); err != nil {
		return err
	}
	ct, err := base64.RawURLEncoding.Strict().DecodeString(env.Sealed)
	if err != nil || len(ct) < minSealed {
		return fmt.Errorf("%w: sealed is not base64url HPKE ciphertext", ErrMalformed)
	}
	return nil
}

// checkHeader validates everything but the sealed content.
func (env *Envelope) checkHeader() error {
	switch {
	case env == nil:
		return fmt.Errorf("%w: no envelope", ErrMalformed)
	case env.V != Version:
		return fmt.Errorf("%w: unsupported envelope version %d (this appliance speaks %d)", ErrMalformed, env.V, Version)
	case !validID(env.ID):
		return fmt.Errorf("%w: bad envelope id %q", ErrMalformed, env.ID)
	case !types[env.Type]:
		return fmt.Errorf("%w: unknown envelope type %q", ErrMalformed, env.Type)
	case !validID(env.Alert):
		return fmt.Errorf("%w: bad alert uid %q", ErrMalformed, env.Alert)
	case !validCode(env.Origin):
		return fmt.Errorf("%w: bad origin %q", ErrMalformed, env.Origin)
	case !validCode(env.Destination):
		return fmt.Errorf("%w: bad destination %q", ErrMalformed, env.Destination)
	case env.Origin == env.Destination:
		return fmt.Errorf("%w: origin and destination are both %q", ErrMalformed, env.Origin)
	case env.Seq < 1:
		return fmt.Errorf("%w: seq %d, must be 1 or more", ErrMalformed, env.Seq)
	case env.CreatedAt.IsZero():
		return fmt.Errorf("%w: no created_at", ErrMalformed)
	}
	return env.Route.check()
}

func (r Route) check() error {
	switch {
	case !validCode(r.Target):
		return fmt.Errorf("%w: bad route target %q", ErrMalformed, r.Target)
	case r.Home != "" && !validCode(r.Home):
		return fmt.Errorf("%w: bad route home %q", ErrMalformed, r.Home)
	case r.CountyGeoid != "" && !validGeoid(r.CountyGeoid):
		return fmt.Errorf("%w: bad route county_geoid %q", ErrMalformed, r.CountyGeoid)
	case r.Basis != "" && !validToken(r.Basis):
		return fmt.Errorf("%w: bad route basis %q", ErrMalformed, r.Basis)
	}
	return nil
}

// validGeoid accepts a county FIPS code: 5 digits.
func validGeoid(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

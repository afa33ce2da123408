// Package family gives a registrant's relatives a link of their own: a 128-bit token, shown
// once, stored only as a hash, that reveals the registrant's first name and consulate and lets
// the relative subscribe to notices or report a detention.
package family

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/deletions"
)

// Header carries the token of the family routes. It is kept out of the URL, which request
// logs (the appliance's, a proxy's) write down; the page has it from its #fragment, which
// browsers never send.
const Header = "X-Family-Token"

// Token is the family link's token of a request: in the Header, or in the path of the
// routes of older pages (/api/alertbutton/family/{token}/...), redacted from the log.
func Token(e *core.RequestEvent) string {
	if t := e.Request.PathValue("token"); t != "" {
		return t
	}
	return e.Request.Header.Get(Header)
}

// ErrUnknownToken is a token that is malformed, revoked or never issued.
var ErrUnknownToken = errors.New("unknown family link")

const tokenBytes = 16

// NewToken returns a fresh token and the hash to store.
func NewToken() (token, hash string) {
	raw := make([]byte, tokenBytes)
	rand.Read(raw)
	token = base64.RawURLEncoding.EncodeToString(raw)
	return token, HashToken(token)
}

// HashToken is what the contacts collection stores of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ContactByToken finds the contact a family link belongs to: ErrUnknownToken when there is
// none, another error when the database could not say (the link is not revoked for that).
func ContactByToken(app core.App, token string) (*core.Record, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != tokenBytes {
		return nil, ErrUnknownToken
	}
	contact, err := app.FindFirstRecordByFilter("contacts", "family_token_hash = {:h}", dbx.Params{"h": HashToken(token)})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownToken
	}
	if err != nil {
		return nil, err
	}
	// An account whose deletion waits for its last case is gone to its links as well: a
	// link that still worked would tell whoever holds the phone that a case is open.
	pending, err := deletions.Pending(app, contact.GetString("registrant"))
	if err != nil {
		return nil, err
	}
	if pending {
		return nil, ErrUnknownToken
	}
	return contact, nil
}

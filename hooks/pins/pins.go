// Package pins handles the registrant's two PINs: the cancel PIN closes an alert; the duress
// PIN answers exactly the same but keeps the alert open and warns the advisers.
package pins

import (
	"golang.org/x/crypto/bcrypt"

	"github.com/pocketbase/pocketbase/core"
)

// What a PIN turned out to be.
const (
	None   = ""
	Cancel = "cancel"
	Duress = "duress"
)

// Hash hashes a PIN for the registrant's hidden pin fields.
func Hash(pin string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	return string(h), err
}

// Check tells whether pin is the registrant's cancel PIN, duress PIN, or neither.
// Both hashes are always compared, so the answer takes the same time either way.
func Check(registrant *core.Record, pin string) string {
	cancel := matches(registrant.GetString("cancel_pin_hash"), pin)
	duress := matches(registrant.GetString("duress_pin_hash"), pin)
	switch {
	case cancel:
		return Cancel
	case duress:
		return Duress
	}
	return None
}

func matches(hash, pin string) bool {
	if hash == "" {
		hash = dummyHash
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil && hash != dummyHash
}

// dummyHash keeps the timing equal when a PIN was never set.
var dummyHash, _ = func() (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte("no-pin-set"), bcrypt.DefaultCost)
	return string(h), err
}()

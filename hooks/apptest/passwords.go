package apptest

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"
)

// Password is the password SetPassword gives an auth record.
const Password = "contraseña-larga-1"

// hashes are the bcrypt hashes of Password and the PINs at the lowest cost, made once:
// bcrypt at the default cost for every record makes the tests slow, most of all under the
// race detector. The cost is read from the hash, so the code under test checks them as it
// checks any other.
var hashes = sync.OnceValue(func() (h struct{ password, cancel, duress string }) {
	hash := func(s string) string {
		b, err := bcrypt.GenerateFromPassword([]byte(s), bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	h.password, h.cancel, h.duress = hash(Password), hash(CancelPIN), hash(DuressPIN)
	return h
})

// SetPassword gives an auth record the password Password.
func SetPassword(r *core.Record) {
	r.SetRaw("password", &core.PasswordFieldValue{Hash: hashes().password})
}

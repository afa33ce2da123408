package audit

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/seal"
)

// keyInfo labels the chain's key. It is derived from the sealing key, so it is kept as that
// key is (from --encryptionEnv, or keys/seal.key without it), and it is never that key.
const keyInfo = "alertbutton/audit: keyed hash chain v1"

const keyStoreName = "alertbutton.audit.key"

// chainKey returns app's chain key, derived once per app. Without it nothing is appended.
func chainKey(app core.App) ([]byte, error) {
	if k, ok := app.Store().Get(keyStoreName).([]byte); ok {
		return k, nil
	}
	keys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), nil)
	if err != nil {
		return nil, fmt.Errorf("audit: cannot load the key of the chain: %w", err)
	}
	k, err := hkdf.Key(sha256.New, keys[0], nil, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	app.Store().Set(keyStoreName, k)
	return k, nil
}

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

// chainKeys returns app's chain keys, derived once per app: new rows are keyed with the
// first, and a row verifies with any, so that a chain begun with keys/seal.key still
// verifies once --encryptionEnv is set (the sealing keys rotate the same way). Without a
// key nothing is appended.
func chainKeys(app core.App) ([][]byte, error) {
	if k, ok := app.Store().Get(keyStoreName).([][]byte); ok {
		return k, nil
	}
	sealKeys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), nil)
	if err != nil {
		return nil, fmt.Errorf("audit: cannot load the key of the chain: %w", err)
	}
	keys := make([][]byte, len(sealKeys))
	for i, sk := range sealKeys {
		if keys[i], err = hkdf.Key(sha256.New, sk, nil, keyInfo, 32); err != nil {
			return nil, err
		}
	}
	app.Store().Set(keyStoreName, keys)
	return keys, nil
}

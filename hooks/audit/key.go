package audit

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/seal"
)

// keyInfo labels the chain's key. It is derived from the sealing key, so it is kept as that
// key is (from --encryptionEnv, or keys/seal.key without it), and it is never that key.
const keyInfo = "alertbutton/audit: keyed hash chain v1"

// Log is an appliance's audit log: it appends to the keyed chain and verifies it. The
// appliance makes one and hands it to every package that appends; a migration opens its own.
type Log struct {
	app core.App // whose sealing keys key the chain

	mu   sync.Mutex
	keys [][]byte // derived on first use; nil until then
}

// Open returns the audit log of app's data, keyed from the sealing keys of app's environment
// and data directory (loaded as bootstrap loads them) when first used.
func Open(app core.App) *Log { return &Log{app: app} }

// chainKeys returns the chain keys, derived once: new rows are keyed with the first, and a
// row verifies with any, so that a chain begun with keys/seal.key still verifies once
// --encryptionEnv is set (the sealing keys rotate the same way). Without a key nothing is
// appended; a key that did not load is tried again next time.
func (l *Log) chainKeys() ([][]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keys != nil {
		return l.keys, nil
	}
	sealKeys, err := seal.LoadKey(l.app.EncryptionEnv(), l.app.DataDir(), nil)
	if err != nil {
		return nil, fmt.Errorf("audit: cannot load the key of the chain: %w", err)
	}
	keys := make([][]byte, len(sealKeys))
	for i, sk := range sealKeys {
		if keys[i], err = hkdf.Key(sha256.New, sk, nil, keyInfo, 32); err != nil {
			return nil, err
		}
	}
	l.keys = keys
	return keys, nil
}

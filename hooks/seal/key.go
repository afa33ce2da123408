package seal

import (
	"bytes"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"alertbutton/federation/keys"
)

// KeyFile is where the generated data key lives, relative to the data
// directory: 32 random bytes as standard base64 and a newline, mode 0600.
const KeyFile = "keys/seal.key"

// hkdfInfo labels the data key derived from the --encryptionEnv secret, so
// the secret PocketBase uses for its settings is never used as is here.
const hkdfInfo = "alertbutton/seal: sealed record fields v1"

// LoadKey returns the data keys for New, the sealing key first.
//
// When the variable named by encryptionEnvName (PocketBase's --encryptionEnv)
// holds a secret, the data key is derived from it; a generated key file, if
// one exists from before, is returned second so what it sealed still opens.
// Otherwise the key file is used, made on first run, and warn is called:
// a key next to the data does not protect a copy of the data directory.
func LoadKey(encryptionEnvName string, dataDir string, warn func(msg string)) ([][]byte, error) {
	path := filepath.Join(dataDir, KeyFile)

	var secret string
	if encryptionEnvName != "" {
		secret = os.Getenv(encryptionEnvName)
	}

	if secret != "" {
		if len(secret) < 32 {
			return nil, fmt.Errorf(
				"seal: the secret in %s is %d characters; it must be at least 32 (PocketBase's own settings encryption needs exactly 32)",
				encryptionEnvName, len(secret))
		}
		key, err := hkdf.Key(sha256.New, []byte(secret), nil, hkdfInfo, 32)
		if err != nil {
			return nil, err
		}
		keys := [][]byte{key}
		old, err := readKeyFile(path)
		if err == nil {
			keys = append(keys, old)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return keys, nil
	}

	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	if warn != nil {
		warn(keyFileWarning(path, encryptionEnvName))
	}
	return [][]byte{key}, nil
}

func keyFileWarning(path, envName string) string {
	why := "no --encryptionEnv is set"
	if envName != "" {
		why = "--encryptionEnv names " + envName + ", but that variable is empty or unset"
	}
	return "WARNING: " + why + ", so personal data (birth dates, addresses, ID documents, locations, " +
		"relatives' phones) is sealed with the key file " + path + ", which sits next to the data: " +
		"anyone with a copy of the data directory (a backup, a copied disk) can read all of it. " +
		"To fix: put a random secret of exactly 32 characters in an environment variable " +
		"(e.g. ALERTBUTTON_SECRET=$(openssl rand -hex 16)), start with --encryptionEnv ALERTBUTTON_SECRET, " +
		"and keep that secret apart from the backups. Keep " + path + " as well: data sealed with it " +
		"still needs it to open."
}

func readKeyFile(path string) ([]byte, error) {
	data, err := keys.ReadSecret(path)
	if keys.IsMissing(err) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(data)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf(
			"seal: %s is not a valid key (want 32 bytes in base64); restore it from a backup of the data directory: "+
				"without it the personal data sealed with it cannot be read", path)
	}
	return key, nil
}

func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, 32)
	rand.Read(key)
	if err := keys.WriteSecret(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n")); err != nil {
		return nil, fmt.Errorf("seal: write %s: %w", path, err)
	}
	return key, nil
}

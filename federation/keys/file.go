package keys

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
)

// keySpec describes one kind of key file.
type keySpec[K any] struct {
	what     string // kind of key, for messages
	breaks   string // what a new key would break, for messages
	generate func() (K, error)
	check    func(K) error // optional extra validation
}

// loadOrCreate reads the PKCS#8 PEM key at path or, when the file does not
// exist, generates one and writes it with mode 0600.
func loadOrCreate[K any](path string, spec keySpec[K]) (K, error) {
	var zero K

	key, err := readKey(path, spec)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	key, err = spec.generate()
	if err != nil {
		return zero, fmt.Errorf("keys: generate %s key: %w", spec.what, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return zero, fmt.Errorf("keys: encode %s key: %w", spec.what, err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := WriteSecret(path, data); err != nil {
		return zero, fmt.Errorf("keys: write %s: %w", path, err)
	}
	return key, nil
}

func readKey[K any](path string, spec keySpec[K]) (K, error) {
	var zero K

	data, err := ReadSecret(path)
	if IsMissing(err) {
		return zero, err
	}
	if err != nil {
		return zero, fmt.Errorf("keys: %w", err)
	}

	key, err := parseKey(data, spec)
	if err != nil {
		return zero, fmt.Errorf(
			"keys: %s is not a valid %s key (%v); restore it from a backup of the data directory. "+
				"Deleting it makes a new key, which breaks %s, so do that only on an appliance nobody uses yet",
			path, spec.what, err, spec.breaks)
	}
	return key, nil
}

func parseKey[K any](data []byte, spec keySpec[K]) (K, error) {
	var zero K

	block, rest := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return zero, errors.New("no PRIVATE KEY PEM block")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return zero, errors.New("unexpected data after the PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return zero, err
	}
	key, ok := parsed.(K)
	if !ok {
		return zero, fmt.Errorf("holds a %T", parsed)
	}
	if spec.check != nil {
		if err := spec.check(key); err != nil {
			return zero, err
		}
	}
	return key, nil
}

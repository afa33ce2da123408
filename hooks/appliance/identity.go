package appliance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// identityFile records which consulate a data directory belongs to, so that a directory
// is never served as another consulate's by mistake, and the public URL it was last served
// at with --public-url, which `federation keys` hands to peers.
const identityFile = "alertbutton.json"

type identity struct {
	Consulate string `json:"consulate"`
	PublicURL string `json:"publicUrl,omitempty"`
}

// readIdentity returns the data directory's identity, empty for a new directory.
func readIdentity(dataDir string) (identity, error) {
	var id identity
	raw, err := os.ReadFile(filepath.Join(dataDir, identityFile))
	if errors.Is(err, fs.ErrNotExist) {
		return id, nil
	}
	if err != nil {
		return id, err
	}
	if err := json.Unmarshal(raw, &id); err != nil || id.Consulate == "" {
		return identity{}, fmt.Errorf("%s is damaged; restore it from a backup or write {\"consulate\":\"CODE\"} into it", filepath.Join(dataDir, identityFile))
	}
	return id, nil
}

func writeIdentity(dataDir string, id identity) error {
	raw, _ := json.Marshal(id)
	return os.WriteFile(filepath.Join(dataDir, identityFile), raw, 0o600)
}

// DataDirConsulate returns the code a data directory belongs to, or "" for a new directory.
func DataDirConsulate(dataDir string) (string, error) {
	id, err := readIdentity(dataDir)
	return id.Consulate, err
}

// DataDirPublicURL returns the --public-url the data directory was last served with, or "".
func DataDirPublicURL(dataDir string) (string, error) {
	id, err := readIdentity(dataDir)
	return id.PublicURL, err
}

// ClaimDataDir writes the identity file on a directory's first start.
func ClaimDataDir(dataDir, code string) error {
	current, err := DataDirConsulate(dataDir)
	if err != nil || current == code {
		return err
	}
	return writeIdentity(dataDir, identity{Consulate: code})
}

// savePublicURL remembers serve's --public-url with the data directory (not the loopback
// address served without it), for `federation keys`.
func (c *Config) savePublicURL(dataDir string) error {
	if c.publicURL == "" {
		return nil
	}
	id, err := readIdentity(dataDir)
	if err != nil || id.PublicURL == c.PublicURL {
		return err
	}
	id.PublicURL = c.PublicURL
	return writeIdentity(dataDir, id)
}

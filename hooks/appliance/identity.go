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
// is never served as another consulate's by mistake.
const identityFile = "alertbutton.json"

type identity struct {
	Consulate string `json:"consulate"`
}

// DataDirConsulate returns the code a data directory belongs to, or "" for a new directory.
func DataDirConsulate(dataDir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dataDir, identityFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var id identity
	if err := json.Unmarshal(raw, &id); err != nil || id.Consulate == "" {
		return "", fmt.Errorf("%s is damaged; restore it from a backup or write {\"consulate\":\"CODE\"} into it", filepath.Join(dataDir, identityFile))
	}
	return id.Consulate, nil
}

// ClaimDataDir writes the identity file on a directory's first start.
func ClaimDataDir(dataDir, code string) error {
	current, err := DataDirConsulate(dataDir)
	if err != nil || current == code {
		return err
	}
	raw, _ := json.Marshal(identity{Consulate: code})
	return os.WriteFile(filepath.Join(dataDir, identityFile), raw, 0o600)
}

package backup

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// LoadIdentities reads an age identity file (AGE-SECRET-KEY-1..., as age-keygen writes it).
func LoadIdentities(file string) ([]age.Identity, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (it must be an age identity file, as age-keygen writes it)", file, err)
	}
	return ids, nil
}

// Restore decrypts the backup at from with one of identities and unpacks it into dir, which
// must not exist or be empty. The archive is decrypted as it is read: no plaintext copy of it
// is written. Files are made 0600 and directories 0700, as the appliance's keys require.
// It returns how many files it wrote.
func Restore(from string, identities []age.Identity, dir string) (int, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("%s is not empty: restore into a new directory", dir)
	}
	f, err := os.Open(from)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	plain, size, err := age.DecryptReaderAt(f, info.Size(), identities...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return 0, fmt.Errorf("%s was not encrypted to this identity: use one of the keys listed in the appliance's backup recipients", from)
		}
		return 0, fmt.Errorf("%s is not an age-encrypted backup or is damaged: %w", from, err)
	}
	zr, err := zip.NewReader(plain, size)
	if err != nil {
		return 0, fmt.Errorf("%s does not hold a backup archive: %w", from, err)
	}
	if !holds(zr, "data.db") {
		return 0, fmt.Errorf("%s holds no data.db: it is not a backup of this appliance", from)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	n := 0
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		target, err := inside(dir, zf.Name)
		if err != nil {
			return n, err
		}
		if err := extract(zf, target); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func holds(zr *zip.Reader, name string) bool {
	for _, f := range zr.File {
		if f.Name == name {
			return true
		}
	}
	return false
}

// inside is the path name unpacks to, refusing any that would land outside dir.
func inside(dir, name string) (string, error) {
	clean := path.Clean("/" + name)
	if clean == "/" || strings.Contains(name, "\\") || path.IsAbs(name) || clean[1:] != name {
		return "", fmt.Errorf("the backup holds a file named %q, which is not a plain relative path: refusing to unpack it", name)
	}
	return filepath.Join(dir, filepath.FromSlash(clean[1:])), nil
}

func extract(zf *zip.File, target string) error {
	if !zf.Mode().IsRegular() {
		return fmt.Errorf("the backup holds %q, which is not a regular file: refusing to unpack it", zf.Name)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, r)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

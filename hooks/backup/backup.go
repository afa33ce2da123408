// Package backup makes the appliance's backups: a consistent copy of the data directory,
// zipped and encrypted with age to consulate IT's recipients before it leaves the process,
// so that neither the backups store nor any copy of it holds anything readable. Restoring
// needs one of IT's identities (private keys), which the appliance never holds.
package backup

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// RecipientsEnv names the environment variable that may list IT's age recipients
// (separated by commas, spaces or new lines), in addition to --backup-recipients FILE.
const RecipientsEnv = "ALERTBUTTON_BACKUP_RECIPIENTS"

// Suffix ends the name of every backup in the backups store: the archive is age-encrypted.
const Suffix = ".age"

// ErrNoRecipients refuses a backup that could only be written in the clear.
var ErrNoRecipients = errors.New("backups are refused until IT configures who can open them: " +
	"start with --backup-recipients FILE (age X25519 public keys, age1..., one per line) or set " + RecipientsEnv)

// databases are the SQLite files of a data directory; a backup holds a consistent snapshot
// of each instead of the live files and their WAL.
var databases = []string{"data.db", "auxiliary.db"}

// Exclude are the data directory's entries a backup leaves out, as PocketBase's do.
var Exclude = []string{
	core.LocalBackupsDirName, core.LocalTempDirName, core.LocalNotifyDirName,
	core.LocalAutocertCacheDirName, "lost+found",
	".data.db-litestream", // Litestream's working files (serve --replicate)
}

// LoadRecipients reads IT's age recipients from file (may be "") and from env, the value of
// RecipientsEnv (may be ""). Neither given is no recipients, not an error.
func LoadRecipients(file, env string) ([]age.Recipient, error) {
	var text strings.Builder
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--backup-recipients: %w", err)
		}
		text.Write(raw)
		text.WriteString("\n")
	}
	for _, f := range strings.FieldsFunc(env, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		text.WriteString(f + "\n")
	}
	if strings.TrimSpace(text.String()) == "" {
		return nil, nil
	}
	rs, err := age.ParseRecipients(strings.NewReader(text.String()))
	if err != nil {
		return nil, fmt.Errorf("backup recipients: %w (write age public keys, age1..., one per line; `age-keygen -y KEYFILE` prints one)", err)
	}
	return rs, nil
}

// Write writes an age-encrypted zip of app's data directory to w. The databases go in as
// snapshots taken with VACUUM INTO, which sees one committed state and does not block
// writers, so a backup taken while alerts flow holds every alert committed before it began.
// Every other file goes in as it is, but for the entries in exclude. No plaintext archive
// is written anywhere: the zip is encrypted as it is made.
func Write(app core.App, w io.Writer, recipients []age.Recipient, exclude []string) error {
	if len(recipients) == 0 {
		return ErrNoRecipients
	}
	tempRoot := filepath.Join(app.DataDir(), core.LocalTempDirName)
	if err := os.MkdirAll(tempRoot, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(tempRoot, "backup_")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	head, err := signedHead(app)
	if err != nil {
		return fmt.Errorf("the audit head: %w", err)
	}
	snapshots := map[string]string{}
	for _, name := range databases {
		db := app.DB()
		if name == "auxiliary.db" {
			db = app.AuxDB()
		}
		path := filepath.Join(tmp, name)
		if _, err := db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": path}).Execute(); err != nil {
			return fmt.Errorf("snapshot of %s: %w", name, err)
		}
		snapshots[name] = path
	}

	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(enc)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	for _, name := range databases {
		if err := addFile(zw, snapshots[name], name); err != nil {
			return err
		}
	}
	if err := addBytes(zw, HeadFile, head); err != nil {
		return err
	}
	root := app.DataDir()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if excluded(rel, exclude) || isDatabaseFile(rel) || rel == HeadFile {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return addFile(zw, path, rel)
	})
	if err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return enc.Close()
}

func excluded(rel string, exclude []string) bool {
	for _, x := range exclude {
		if rel == x || strings.HasPrefix(rel, x+"/") {
			return true
		}
	}
	return false
}

// isDatabaseFile is a live database or one of its journals, replaced by the snapshot.
func isDatabaseFile(rel string) bool {
	for _, name := range databases {
		if rel == name || strings.HasPrefix(rel, name+"-") {
			return true
		}
	}
	return false
}

func addFile(zw *zip.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	h.Name, h.Method = name, zip.Deflate
	fw, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(fw, f)
	return err
}

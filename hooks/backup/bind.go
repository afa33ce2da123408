package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

const restoreHint = "Backups are encrypted for IT; restore one with " +
	"`alertbutton backup restore --from FILE --identity KEYFILE --dir NEWDIR`, then serve NEWDIR."

var warnOnce sync.Once

// Bind makes PocketBase's own backups (admin UI, API and its backups cron) age-encrypted to
// recipients(), which is read at each backup. The archive PocketBase would write in the clear
// is never made; a plaintext upload or an in-place restore is refused, since this appliance
// cannot (and must not be able to) open its own backups.
func Bind(app core.App, recipients func() []age.Recipient) {
	// Replaces PocketBase's action, which writes a plaintext zip: e.Next() is not called.
	app.OnBackupCreate().BindFunc(func(e *core.BackupEvent) error {
		rs := recipients()
		if len(rs) == 0 {
			return validation.Errors{"recipients": validation.NewError("backup_recipients_missing", ErrNoRecipients.Error())}
		}
		name := e.Name
		if name == "" {
			name = "pb_backup_" + time.Now().UTC().Format("20060102150405") + ".zip"
		}
		return Store(e.App, e.Context, name+Suffix, rs, e.Exclude)
	})
	app.OnBackupRestore().BindFunc(func(e *core.BackupEvent) error {
		return fmt.Errorf("in-place restore is disabled. %s", restoreHint)
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if len(recipients()) == 0 {
			se.App.Logger().Warn("backup: " + ErrNoRecipients.Error())
			warnOnce.Do(func() { fmt.Fprintln(os.Stderr, "WARNING: "+ErrNoRecipients.Error()) })
		} else if err := Sweep(se.App, recipients()); err != nil {
			se.App.Logger().Error("backup: encrypting plaintext backups left in the store", "error", err)
		}
		return se.Next()
	})
}

// RefuseClear answers PocketBase's backup routes that would put a plaintext archive in the
// store or restore one in place (upload, restore); server/routes.go binds it on them.
func RefuseClear(e *core.RequestEvent) error {
	return e.BadRequestError("Uploading or restoring a backup here is disabled: it would put an unencrypted copy of "+
		"people's data in the backups store. "+restoreHint, nil)
}

// Store writes an encrypted backup of app into its backups store under key. The archive is
// encrypted into a temporary file inside the data directory's temp dir (removed at every
// start, so a crash leaves nothing behind), then uploaded.
func Store(app core.App, ctx context.Context, key string, rs []age.Recipient, exclude []string) error {
	tempRoot := filepath.Join(app.DataDir(), core.LocalTempDirName)
	if err := os.MkdirAll(tempRoot, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(tempRoot, "backup_*"+Suffix)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = Write(app, tmp, rs, exclude)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return upload(app, ctx, tmp.Name(), key)
}

func upload(app core.App, ctx context.Context, path, key string) error {
	fsys, err := app.NewBackupsFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	if ctx != nil {
		fsys.SetContext(ctx)
	}
	file, err := filesystem.NewFileFromPath(path)
	if err != nil {
		return err
	}
	file.OriginalName, file.Name = key, key
	return fsys.UploadFile(file, key)
}

// Sweep encrypts every plaintext archive in the backups store (one made before recipients
// were configured, or copied in) and deletes the plaintext.
func Sweep(app core.App, rs []age.Recipient) error {
	fsys, err := app.NewBackupsFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	objs, err := fsys.List("")
	if err != nil {
		return err
	}
	for _, obj := range objs {
		if strings.HasSuffix(obj.Key, Suffix) || strings.HasSuffix(obj.Key, ".attrs") {
			continue
		}
		if err := encryptInStore(app, fsys, obj.Key, rs); err != nil {
			return fmt.Errorf("%s: %w", obj.Key, err)
		}
		app.Logger().Warn("backup: a plaintext backup in the store was encrypted and the plaintext deleted", "key", obj.Key)
	}
	return nil
}

func encryptInStore(app core.App, fsys *filesystem.System, key string, rs []age.Recipient) error {
	r, err := fsys.GetReader(key)
	if err != nil {
		return err
	}
	defer r.Close()
	tempRoot := filepath.Join(app.DataDir(), core.LocalTempDirName)
	if err := os.MkdirAll(tempRoot, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(tempRoot, "sweep_*"+Suffix)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	enc, err := age.Encrypt(tmp, rs...)
	if err == nil {
		_, err = r.WriteTo(enc)
	}
	if err == nil {
		err = enc.Close()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := upload(app, nil, tmp.Name(), key+Suffix); err != nil {
		return err
	}
	return fsys.Delete(key)
}

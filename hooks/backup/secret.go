package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/seal"
)

// sampleSize is how many of the newest sealed values of each field CheckSecret tries.
const sampleSize = 20

// CheckSecret tells whether --encryptionEnv names the secret the data directory is served
// with, before a backup is written: a backup made to go with a wrong secret would be found
// out only at restore, when the right one may be lost. A sealed value that opens with the
// secret proves it; one that opens with no key held disproves it; with only values of the
// key file (sealed before the secret), PocketBase's settings must be encrypted, which they
// are once served with a secret (PocketBase already refused to start if they do not open).
func CheckSecret(app core.App) error {
	env := app.EncryptionEnv()
	if env == "" || os.Getenv(env) == "" {
		return checkNoSecret(app)
	}
	keys, err := seal.LoadKey(env, app.DataDir(), nil)
	if err != nil {
		return err
	}
	withSecret, _ := seal.New(keys[0])
	all, _ := seal.New(keys...)
	values, err := sealedValues(app)
	if err != nil {
		return err
	}
	for _, v := range values {
		if _, err := withSecret.Open(v.id, v.field, v.value); err == nil {
			return nil
		}
		if _, err := all.Open(v.id, v.field, v.value); err != nil {
			return fmt.Errorf("the secret in $%s does not open the personal data in %s: it is not the secret this appliance is served with. "+
				"Give the same --encryptionEnv (and value) that serve uses; nothing was written", env, app.DataDir())
		}
	}
	if !settingsEncrypted(app) {
		return fmt.Errorf("%s was never served with the secret in $%s (its settings are not encrypted with it): "+
			"give the --encryptionEnv that serve uses, or none if serve runs without one; nothing was written", app.DataDir(), env)
	}
	return nil
}

// checkNoSecret refuses a backup without a secret of data sealed with one.
func checkNoSecret(app core.App) error {
	keys, err := seal.LoadKey("", app.DataDir(), nil)
	if err != nil {
		return err
	}
	s, _ := seal.New(keys...)
	values, err := sealedValues(app)
	if err != nil {
		return err
	}
	for _, v := range values {
		if _, err := s.Open(v.id, v.field, v.value); errors.Is(err, seal.ErrUnknownKey) {
			return fmt.Errorf("the personal data in %s is sealed with a secret: give the --encryptionEnv that serve uses; nothing was written", app.DataDir())
		}
	}
	return nil
}

type sealedValue struct{ id, field, value string }

// sealedValues returns the newest sealed values of every text field of every collection.
func sealedValues(app core.App) ([]sealedValue, error) {
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		return nil, err
	}
	var out []sealedValue
	for _, c := range cols {
		for _, f := range c.Fields {
			if f.Type() != core.FieldTypeText {
				continue
			}
			var rows []struct {
				ID    string `db:"id"`
				Value string `db:"value"`
			}
			err := app.DB().Select("id", "[["+f.GetName()+"]] AS value").From(c.Name).
				Where(dbx.NewExp("[[" + f.GetName() + "]] LIKE 'sealed:v1:%'")).
				OrderBy("rowid DESC").Limit(sampleSize).All(&rows)
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				out = append(out, sealedValue{r.ID, f.GetName(), r.Value})
			}
		}
	}
	return out, nil
}

// settingsEncrypted tells whether PocketBase's stored settings are encrypted (not plain JSON).
func settingsEncrypted(app core.App) bool {
	var p core.Param
	if err := app.ModelQuery(&p).Model("settings", &p); err != nil {
		return false
	}
	return !json.Valid(p.Value)
}

package appliance

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation/keys"
	"alertbutton/hooks/seal"
)

// Bind loads the appliance's keys once the data directory exists, and on serve refuses a
// public address without --public-url (before PocketBase binds it), claims the directory
// for this consulate and names the app after it.
func Bind(app core.App, cfg *Config) {
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return cfg.LoadSecrets(e.App)
	})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if e.Server != nil { // nil when a test serves the router in process
			if err := cfg.checkPublicURL(e.Server.Addr); err != nil {
				return err
			}
		}
		if err := ClaimDataDir(e.App.DataDir(), cfg.Consulate.Code); err != nil {
			return err
		}
		if err := cfg.applyMeta(e.App); err != nil {
			return err
		}
		return e.Next()
	})
}

// LoadSecrets loads (or makes, on first start) the keys and the sealing key.
func (c *Config) LoadSecrets(app core.App) error {
	k, err := keys.LoadOrCreate(app.DataDir())
	if err != nil {
		return err
	}
	sealKeys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), func(msg string) {
		app.Logger().Warn(msg)
		fmt.Fprintln(os.Stderr, msg)
	})
	if err != nil {
		return err
	}
	sealer, err := seal.New(sealKeys...)
	if err != nil {
		return err
	}
	c.Keys, c.Sealer = k, sealer
	return nil
}

// applyMeta names the admin UI and e-mails after the consulate.
func (c *Config) applyMeta(app core.App) error {
	s := app.Settings()
	name := "Botón de alerta — " + c.Consulate.Name
	if s.Meta.AppName == name && (c.PublicURL == "" || s.Meta.AppURL == c.PublicURL) {
		return nil
	}
	s.Meta.AppName = name
	if c.PublicURL != "" {
		s.Meta.AppURL = c.PublicURL
	}
	return app.Save(s)
}

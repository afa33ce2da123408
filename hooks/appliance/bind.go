package appliance

import (
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/federation/keys"
	"alertbutton/hooks/seal"
)

// loadSecretsPriority runs the loading of the keys last among the bootstrap hooks, right
// around PocketBase's own bootstrap.
const loadSecretsPriority = math.MaxInt

// Bind loads the appliance's keys once the data directory exists, and on serve refuses a
// public address without --public-url (before PocketBase binds it), claims the directory
// for this consulate and names the app after it.
func Bind(app core.App, cfg *Config) {
	// Innermost: the keys are loaded as soon as PocketBase has made the data directory, before
	// the code any other bootstrap hook runs after it.
	app.OnBootstrap().Bind(&hook.Handler[*core.BootstrapEvent]{
		Priority: loadSecretsPriority,
		Func: func(e *core.BootstrapEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			return cfg.LoadSecrets(e.App)
		},
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
		if err := cfg.savePublicURL(e.App.DataDir()); err != nil {
			return err
		}
		cfg.warnKeyFile(e.App)
		return e.Next()
	})
}

// errNoSecrets is a read of the keys before bootstrap loaded them: a wiring bug.
var errNoSecrets = errors.New("appliance: the keys were read before bootstrap loaded them (LoadSecrets)")

// Keys are the appliance's web push and federation keys; they panic before LoadSecrets.
func (c *Config) Keys() *keys.Keys {
	if c.keys == nil {
		panic(errNoSecrets)
	}
	return c.keys
}

// Sealer seals and opens personal fields; it panics before LoadSecrets.
func (c *Config) Sealer() *seal.Sealer {
	if c.sealer == nil {
		panic(errNoSecrets)
	}
	return c.sealer
}

// LoadSecrets loads (or makes, on first start) the keys and the sealing key. Bind calls it at
// bootstrap, before any hook runs.
func (c *Config) LoadSecrets(app core.App) error {
	k, err := keys.LoadOrCreate(app.DataDir())
	if err != nil {
		return err
	}
	c.keyFileWarning = ""
	sealKeys, err := seal.LoadKey(app.EncryptionEnv(), app.DataDir(), func(msg string) { c.keyFileWarning = msg })
	if err != nil {
		return err
	}
	sealer, err := seal.New(sealKeys...)
	if err != nil {
		return err
	}
	c.keys, c.sealer = k, sealer
	return nil
}

// warnKeyFile says once, when serve starts, that the sealing key sits next to the data
// (no --encryptionEnv): the other commands and --help stay quiet about it.
func (c *Config) warnKeyFile(app core.App) {
	if c.keyFileWarning == "" {
		return
	}
	app.Logger().Warn(c.keyFileWarning)
	fmt.Fprintln(os.Stderr, c.keyFileWarning)
	c.keyFileWarning = ""
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

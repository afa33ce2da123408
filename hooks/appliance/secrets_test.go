package appliance_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
)

// Reading the keys before bootstrap loaded them is a wiring bug: it panics at start instead of
// running with no keys.
func TestKeysReadBeforeBootstrapPanic(t *testing.T) {
	for name, read := range map[string]func(*appliance.Config){
		"keys":   func(c *appliance.Config) { c.Keys() },
		"sealer": func(c *appliance.Config) { c.Sealer() },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if err, ok := r.(error); !ok || !strings.Contains(err.Error(), "before bootstrap loaded them") {
					t.Fatalf("recovered %v, want the keys' panic", r)
				}
			}()
			read(&appliance.Config{})
		})
	}
}

// The keys are loaded before the code any other bootstrap hook runs once PocketBase has
// bootstrapped, whatever the order the hooks were bound in.
func TestKeysAreLoadedBeforeOtherBootstrapHooksNeedThem(t *testing.T) {
	app := apptest.NewBare(t)
	cfg := &appliance.Config{}
	appliance.Bind(app, cfg)
	var key string
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		key = cfg.Keys().SigningKey()
		return nil
	})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if key == "" || cfg.Sealer() == nil {
		t.Fatal("the keys were not loaded at bootstrap")
	}
}

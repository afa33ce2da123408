package main

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
)

// execute is PocketBase's Execute, keeping the command's error: PocketBase drops it, so a
// failed command would exit 0 and a script could not tell.
func execute(app *pocketbase.PocketBase, args []string) error {
	if !skipBootstrap(app, args) {
		if err := app.Bootstrap(); err != nil {
			return bootstrapError(app, err)
		}
	}
	done := make(chan error, 2)
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		done <- nil
	}()
	go func() { done <- app.RootCmd.Execute() }()
	err := <-done
	terminate := app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error {
		return e.App.ResetBootstrapState()
	})
	if err != nil {
		return err
	}
	return terminate
}

// bootstrapError says what to do when PocketBase's settings do not open: the secret named
// by --encryptionEnv is missing or not the one the data directory is served with.
func bootstrapError(app *pocketbase.PocketBase, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "cipher: message authentication failed") || strings.Contains(msg, "missing encryption key") {
		return fmt.Errorf("the settings in %s do not open with the secret given (%v): "+
			"give the same --encryptionEnv, holding the same secret, that serve uses", app.DataDir(), err)
	}
	return err
}

// skipBootstrap is PocketBase's own rule: no bootstrap (nothing written to the data
// directory) for an unknown command, --help or --version; and ours: none for a command
// annotated appliance.NoBootstrap. What follows "--" is arguments, never --help.
func skipBootstrap(app *pocketbase.PocketBase, args []string) bool {
	if app.IsBootstrapped() {
		return true
	}
	cmd, _, err := app.RootCmd.Find(args)
	if err != nil {
		return true
	}
	if _, ok := cmd.Annotations[appliance.NoBootstrap]; ok {
		return true
	}
	for _, arg := range appliance.BeforeDashes(args) {
		if !slices.Contains([]string{"-h", "--help", "-v", "--version"}, arg) {
			continue
		}
		name := strings.TrimLeft(arg, "-")
		if len(name) > 1 && cmd.Flags().Lookup(name) == nil {
			return true
		}
		if len(name) == 1 && cmd.Flags().ShorthandLookup(name) == nil {
			return true
		}
	}
	return false
}

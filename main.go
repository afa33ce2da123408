// alertbutton is the alert-button appliance of one Mexican consulate in the U.S.
package main

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"alertbutton/federation"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/backup"
	"alertbutton/hooks/replicate"
	"alertbutton/hooks/service"
	"alertbutton/hooks/version"
	_ "alertbutton/migrations"
	"alertbutton/server"
)

func main() {
	if code, ok := backup.Standalone(os.Args[1:]); ok {
		os.Exit(code)
	}
	if code, ok := service.Standalone(os.Args[1:]); ok {
		os.Exit(code)
	}
	if code, ok := version.Standalone(os.Args[1:]); ok {
		os.Exit(code)
	}
	if code, ok := replicate.Standalone(os.Args[1:]); ok {
		os.Exit(code)
	}
	if err := appliance.LoadCredentials(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(2)
	}
	appliance.TuneGC()
	stopProfile, err := appliance.StartProfile()
	if err != nil {
		log.Fatal(err)
	}
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: appliance.DBConnect, DataMaxIdleConns: appliance.DataMaxIdleConns})
	cfg := &appliance.Config{}

	if appliance.IsServe(os.Args[1:]) {
		if err := cfg.Preflight(os.Args[1:], app.DataDir()); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(2)
		}
	}

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})
	a := server.New(app, cfg)
	a.Bind()
	a.BindRelay()
	replicate.Bind(app, cfg)
	app.RootCmd.AddCommand(
		appliance.ServeCommand(app, cfg),
		cmd.NewSuperuserCommand(app),
		backup.Command(app),
		replicate.RestoreCommand(),
		federation.Command(app, cfg),
		service.InstallCommand(), service.UninstallCommand(), version.Command(), // run by Standalone; here for --help
	)

	app.RootCmd.SilenceErrors = true // execute's caller prints the error, once
	err = execute(app, os.Args[1:])
	stopProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		if strings.HasPrefix(err.Error(), "unknown command") {
			fmt.Fprintln(os.Stderr, "Run 'alertbutton --help' for the commands.")
		}
		os.Exit(1)
	}
}

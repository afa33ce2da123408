// profiled is the appliance (the same wiring as the repository's main.go) with a CPU
// profile: `go run ./bench -cpuprofile DIR` builds it instead of the appliance and starts
// it with BENCH_CPUPROFILE=FILE, so that the profile holds the appliance's work only, not
// the load generator's. Keep the wiring below identical to main.go's.
package main

import (
	"fmt"
	"log"
	"os"
	"runtime/pprof"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"alertbutton/federation"
	"alertbutton/hooks"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/backup"
	_ "alertbutton/migrations"
)

func main() {
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if err := run(); err != nil {
		log.Print(err)
	}
}

// run is main.go's main.
func run() error {
	if code, ok := backup.Standalone(os.Args[1:]); ok {
		os.Exit(code)
	}
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: appliance.DBConnect})
	cfg := &appliance.Config{}

	if appliance.IsServe(os.Args[1:]) {
		if err := cfg.Preflight(os.Args[1:], app.DataDir()); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(2)
		}
	}

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})
	hooks.Register(app, cfg)
	federation.BindRelay(app, cfg)
	app.RootCmd.AddCommand(
		appliance.ServeCommand(app, cfg),
		cmd.NewSuperuserCommand(app),
		backup.Command(app),
		federation.Command(app, cfg),
	)
	return app.Execute()
}

// stockpb is stock PocketBase, built from the module the appliance pins, with one plain
// collection `alerts` that anyone may create records in: the baseline the benchmarks
// compare the appliance's alert button with (`go run ./bench`).
//
// STOCKPB_SYNCHRONOUS=FULL opens SQLite with synchronous=FULL, as the appliance does;
// otherwise PocketBase's default (NORMAL) is kept.
package main

import (
	"log"
	"os"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
)

func main() {
	cfg := pocketbase.Config{}
	if strings.EqualFold(os.Getenv("STOCKPB_SYNCHRONOUS"), "FULL") {
		cfg.DBConnect = fullConnect
	}
	app := pocketbase.NewWithConfig(cfg)
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// fullConnect is core.DefaultDBConnect with synchronous=FULL instead of NORMAL, nothing else.
func fullConnect(dbPath string) (*dbx.DB, error) {
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
	return dbx.Open("sqlite", dbPath+pragmas)
}

var _ core.DBConnectFunc = fullConnect

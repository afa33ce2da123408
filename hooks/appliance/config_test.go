package appliance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
)

func resolve(t *testing.T, dataDir string, args ...string) error {
	t.Helper()
	cfg := &appliance.Config{}
	return cfg.Preflight(append([]string{"serve"}, args...), dataDir)
}

func TestUnknownCodeIsRefusedWithTheKnownOnes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	err := resolve(t, dir, "--consulate", "atlantis")
	if err == nil || !strings.Contains(err.Error(), `unknown consulate code "atlantis"`) || !strings.Contains(err.Error(), "los-angeles") {
		t.Fatalf("got %v", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Fatal("the data directory was created for an unknown code")
	}
}

func TestFirstStartNeedsACode(t *testing.T) {
	err := resolve(t, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "--consulate is required") {
		t.Fatalf("got %v", err)
	}
}

func TestDataDirOfAnotherConsulateIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := appliance.ClaimDataDir(dir, "fresno"); err != nil {
		t.Fatal(err)
	}
	err := resolve(t, dir, "--consulate", "los-angeles")
	if err == nil || !strings.Contains(err.Error(), `belongs to the consulate "fresno"`) || !strings.Contains(err.Error(), "--consulate fresno") {
		t.Fatalf("got %v", err)
	}
	if err := resolve(t, dir); err != nil {
		t.Fatalf("a claimed directory should start without --consulate: %v", err)
	}
	if err := resolve(t, dir, "--consulate", "fresno", "--http", "127.0.0.1:0"); err != nil {
		t.Fatalf("same code with PocketBase's own flags: %v", err)
	}
}

func TestFlagsAreChecked(t *testing.T) {
	dir := t.TempDir()
	if err := resolve(t, dir, "--consulate", "fresno", "--public-url", "ftp://x"); err == nil {
		t.Error("a non-http public URL was accepted")
	}
	cfg := &appliance.Config{}
	if err := cfg.Preflight([]string{"serve", "--consulate=fresno", "--public-url=https://fresno.example.org/", "--push-hosts=127.0.0.1:9000"}, dir); err != nil {
		t.Fatal(err)
	}
	if cfg.Consulate.Code != "fresno" || cfg.PublicURL != "https://fresno.example.org" || len(cfg.PushHosts) != 1 {
		t.Errorf("resolved %+v", cfg)
	}
}

func TestWriteConnectionIsSynchronousFull(t *testing.T) {
	t.Parallel()
	app := apptest.NewBare(t)
	var mode int
	if err := app.NonconcurrentDB().NewQuery("PRAGMA synchronous").Row(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Fatalf("synchronous = %d on the write connection, want 2 (FULL)", mode)
	}
	var journal string
	app.NonconcurrentDB().NewQuery("PRAGMA journal_mode").Row(&journal)
	if journal != "wal" {
		t.Errorf("journal_mode = %s, want wal", journal)
	}
}

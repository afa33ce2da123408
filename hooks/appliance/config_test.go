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

func TestSMSFlagsFillTheConfig(t *testing.T) {
	t.Setenv(appliance.SMSTokenEnv, "0123456789abcdef0123456789abcdef")
	cfg := &appliance.Config{}
	err := cfg.Preflight([]string{"serve", "--consulate=fresno", "--sms-account=AC0123456789abcdef0123456789abcdef",
		"--sms-from=+15595550100", "--sms-base-url=https://api.provider.example/laml/", "--sms-budget-alert=4"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := appliance.SMS{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: "0123456789abcdef0123456789abcdef",
		From: "+15595550100", BaseURL: "https://api.provider.example/laml", PerAlert: 4, PerDay: appliance.DefaultSMSPerDay}
	if cfg.SMS != want || !cfg.SMS.Ready() {
		t.Fatalf("SMS = %+v, want %+v", cfg.SMS, want)
	}
}

func TestSMSIsOffWithoutFlagsAndHalfASetupIsRefused(t *testing.T) {
	t.Setenv(appliance.SMSTokenEnv, "")
	cfg := &appliance.Config{}
	if err := cfg.Preflight([]string{"serve", "--consulate=fresno"}, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if cfg.SMS.Ready() || !strings.Contains(cfg.SMS.State(), "SMS is off") {
		t.Fatalf("SMS = %+v", cfg.SMS)
	}
	account := "--sms-account=AC0123456789abcdef0123456789abcdef"
	for _, args := range [][]string{
		{account, "--sms-from=+15595550100"}, // no token
		{account},                            // no number
		{"--sms-from=+15595550100"},          // no account
		{account, "--sms-from=5595550100"},
		{account, "--sms-from=+15595550100", "--sms-base-url=http://sms.example.org"},
		{"--sms-budget-day=-1"},
	} {
		cfg := &appliance.Config{}
		if err := cfg.Preflight(append([]string{"serve", "--consulate=fresno"}, args...), t.TempDir()); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}

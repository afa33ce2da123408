package outbox_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
)

func TestFederationRowsQueueAndFallDue(t *testing.T) {
	app, _ := apptest.New(t, "los-angeles")
	err := app.RunInTransaction(func(tx core.App) error {
		for _, to := range []string{"fresno", "san-diego", "fresno"} {
			if err := outbox.Federation(tx, to, "alert.status", alertUID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := app.CountRecords("outbox", outbox.PendingFederation()); err != nil || n != 3 {
		t.Fatalf("pending federation rows = %d, %v", n, err)
	}

	now := time.Now()
	due, err := outbox.FederationDue(app, "fresno", now, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due to fresno = %d rows, %v", len(due), err)
	}
	if got := due[0].GetString("payload"); got != `{"alert":"`+alertUID+`","type":"alert.status"}` {
		t.Errorf("payload = %s", got)
	}

	outbox.Tried(due[0])
	outbox.Retry(due[0], now.Add(time.Minute), "peer down")
	outbox.Sent(due[1], now)
	for _, row := range due {
		if err := app.Save(row); err != nil {
			t.Fatal(err)
		}
	}
	if again, err := outbox.FederationDue(app, "fresno", now, 10); err != nil || len(again) != 0 {
		t.Fatalf("due again = %d rows, %v; want none (one retried later, one sent)", len(again), err)
	}
	later, err := outbox.FederationDue(app, "fresno", now.Add(time.Minute), 10)
	if err != nil || len(later) != 1 || later[0].GetInt("attempts") != 1 || later[0].GetString("last_error") != "peer down" {
		t.Fatalf("due a minute later = %v, %v", later, err)
	}
}

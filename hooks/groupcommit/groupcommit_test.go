package groupcommit_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/groupcommit"
)

func newApp(t *testing.T) core.App {
	t.Helper()
	app := apptest.NewBare(t)
	if _, err := app.DB().NewQuery("CREATE TABLE gc_rows (k TEXT PRIMARY KEY)").Execute(); err != nil {
		t.Fatal(err)
	}
	return app
}

func insert(tx core.App, k string) error {
	_, err := tx.DB().Insert("gc_rows", dbx.Params{"k": k}).Execute()
	return err
}

func stored(t *testing.T, app core.App) map[string]bool {
	t.Helper()
	var keys []string
	if err := app.DB().Select("k").From("gc_rows").Column(&keys); err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// holdFirst runs one write that blocks until release is closed, so that the writes given
// meanwhile queue behind it and form one batch.
func holdFirst(t *testing.T, c *groupcommit.Committer) (release chan struct{}, done chan error) {
	t.Helper()
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- c.Run(func(tx core.App) error {
			close(started)
			<-release
			return insert(tx, "first")
		})
	}()
	<-started
	return release, done
}

// queued runs n writes made by write(i) concurrently and returns their errors once all
// have answered; it returns after all n are queued behind the held write.
func queued(c *groupcommit.Committer, n int, write func(i int) func(tx core.App) error) func() []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = c.Run(write(i)) })
	}
	return func() []error { wg.Wait(); return errs }
}

func TestWritesThatQueueShareOneTransaction(t *testing.T) {
	app := newApp(t)
	c := groupcommit.New(app)
	release, first := holdFirst(t, c)

	var mu sync.Mutex
	txs := map[core.App]int{}
	n := groupcommit.MaxBatch + 5
	wait := queued(c, n, func(i int) func(tx core.App) error {
		return func(tx core.App) error {
			mu.Lock()
			txs[tx]++
			mu.Unlock()
			return insert(tx, fmt.Sprint(i))
		}
	})
	waitQueued(t, c, n)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, err := range wait() {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if len(txs) != 2 {
		t.Fatalf("the %d queued writes ran in %d transactions, want 2", n, len(txs))
	}
	for _, writes := range txs {
		if writes != groupcommit.MaxBatch && writes != 5 {
			t.Fatalf("a transaction held %d writes, want %d or 5", writes, groupcommit.MaxBatch)
		}
	}
	if got := len(stored(t, app)); got != n+1 {
		t.Fatalf("%d rows stored, want %d", got, n+1)
	}
}

func TestOneFailedWriteFailsOnlyItsCaller(t *testing.T) {
	app := newApp(t)
	c := groupcommit.New(app)
	release, first := holdFirst(t, c)

	bad := errors.New("refused")
	const n, failing = 10, 4
	wait := queued(c, n, func(i int) func(tx core.App) error {
		return func(tx core.App) error {
			if err := insert(tx, fmt.Sprint(i)); err != nil {
				return err
			}
			if i == failing {
				return bad
			}
			return nil
		}
	})
	waitQueued(t, c, n)
	close(release)
	<-first
	for i, err := range wait() {
		if i == failing && !errors.Is(err, bad) {
			t.Fatalf("the failing write answered %v, want its own error", err)
		}
		if i != failing && err != nil {
			t.Fatalf("write %d failed with its neighbour: %v", i, err)
		}
	}
	rows := stored(t, app)
	if rows[fmt.Sprint(failing)] || len(rows) != n {
		t.Fatalf("stored %v: want every write but %d, each once", rows, failing)
	}
}

func TestAnErrorAfterTheCommitRunsNothingTwice(t *testing.T) {
	app := newApp(t)
	c := groupcommit.New(app)
	release, first := holdFirst(t, c)

	var mu sync.Mutex
	runs := map[int]int{}
	const n = 5
	wait := queued(c, n, func(i int) func(tx core.App) error {
		return func(tx core.App) error {
			mu.Lock()
			runs[i]++
			mu.Unlock()
			tx.TxInfo().OnComplete(func(error) error { return errors.New("an after-commit hook failed") })
			return insert(tx, fmt.Sprint(i))
		}
	})
	waitQueued(t, c, n)
	close(release)
	<-first
	for i, err := range wait() {
		if err != nil {
			t.Fatalf("write %d was stored but answered %v", i, err)
		}
		if runs[i] != 1 {
			t.Fatalf("write %d ran %d times", i, runs[i])
		}
	}
}

// waitQueued returns once n writes wait behind the held one.
func waitQueued(t *testing.T, c *groupcommit.Committer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.Queued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", c.Queued(), n)
		}
		runtime.Gosched()
	}
}

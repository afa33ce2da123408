// Package groupcommit runs writes that arrive together in one transaction, so that they
// share one commit. With synchronous=FULL every commit is an fsync, and SQLite has one
// writer: in a surge, requests that would each wait for their own commit are written
// together instead, and each still answers only after its write is durable.
package groupcommit

import (
	"errors"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// MaxBatch bounds how many writes share one transaction.
const MaxBatch = 64

// Committer groups the writes given to Run. The zero value is not usable: use New.
//
// There is no background goroutine: the first caller to find no batch under way leads,
// writing whatever has queued meanwhile, and hands the lead on to a new goroutine when more
// has queued by the time its own batch is done.
type Committer struct {
	app core.App

	mu      sync.Mutex
	queue   []*write
	leading bool
}

type write struct {
	fn   func(tx core.App) error
	err  error
	done chan struct{}
}

// New returns a Committer writing through app, which must not be a transaction's app. The
// appliance makes one (server.Appliance.Commits): the alert routes, the push dispatcher, the
// audit of realtime messages and the federation inbox share it, so that their writes share
// commits as they share SQLite's one writer.
func New(app core.App) *Committer {
	return &Committer{app: app}
}

// Run runs fn in a transaction, maybe with other writes, and returns once that transaction
// has committed or failed. fn may run more than once: when another write of its batch fails,
// the batch is rolled back and each write runs again in a transaction of its own, so fn must
// build what it saves from scratch on each call, and must not keep the tx app.
func (c *Committer) Run(fn func(tx core.App) error) error {
	w := &write{fn: fn, done: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, w)
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if lead {
		c.lead()
	}
	<-w.done
	return w.err
}

// Queued is how many writes wait for the batch under way.
func (c *Committer) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// lead writes one batch, then hands the lead on if more writes queued.
func (c *Committer) lead() {
	c.mu.Lock()
	n := min(len(c.queue), MaxBatch)
	batch := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.mu.Unlock()

	c.commit(batch)

	c.mu.Lock()
	more := len(c.queue) > 0
	c.leading = more
	c.mu.Unlock()
	if more {
		go c.lead()
	}
}

// errBatch rolls a batch back when one of its writes failed.
var errBatch = errors.New("groupcommit: a write of the batch failed")

// commit writes a batch in one transaction. When one write fails, nothing of the batch is
// kept and each write runs alone, so that one bad write fails only its own caller.
func (c *Committer) commit(batch []*write) {
	if len(batch) == 1 {
		c.alone(batch[0])
		return
	}
	committed := false
	err := c.app.RunInTransaction(func(tx core.App) error {
		tx.TxInfo().OnComplete(func(txErr error) error {
			committed = txErr == nil
			return nil
		})
		for _, w := range batch {
			if err := w.fn(tx); err != nil {
				return errBatch
			}
		}
		return nil
	})
	switch {
	case committed:
		// An error now comes from an after-commit hook: the writes are stored.
		if err != nil {
			c.app.Logger().Error("groupcommit: after the commit", "error", err)
		}
		finish(batch, nil)
	case errors.Is(err, errBatch):
		for _, w := range batch {
			c.alone(w)
		}
	default:
		finish(batch, err) // the commit itself failed: nothing is stored
	}
}

func (c *Committer) alone(w *write) {
	w.err = c.app.RunInTransaction(w.fn)
	close(w.done)
}

func finish(batch []*write, err error) {
	for _, w := range batch {
		w.err = err
		close(w.done)
	}
}

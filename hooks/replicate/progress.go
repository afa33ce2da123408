package replicate

import (
	"sync"
	"time"

	"alertbutton/hooks/replication"
)

// stalledAfter is how long the replica may stay behind data.db without moving before the
// ready check says replication has stalled.
const stalledAfter = 30 * time.Second

// progress follows the replica between two looks, so that the lag is how long the replica
// has been behind without moving, not how long ago the last (maybe idle) upload was.
type progress struct {
	mu     sync.Mutex
	remote uint64    // the replica's transaction at the last look
	since  time.Time // when the replica was last seen caught up or moving
}

// observe turns a Status into what the metrics and the ready check read.
func (p *progress) observe(s Status, now time.Time) replication.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.since.IsZero() || s.RemoteTXID >= s.LocalTXID || s.RemoteTXID != p.remote {
		p.remote, p.since = s.RemoteTXID, now
	}
	if s.RemoteTXID >= s.LocalTXID {
		return replication.Status{On: true}
	}
	lag := now.Sub(p.since)
	return replication.Status{On: true, Lag: lag, Stalled: lag > stalledAfter}
}

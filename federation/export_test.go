package federation

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/appliance"
)

// Backoff exposes the relay's backoff for tests.
func (r *Relay) Backoff(n int) time.Duration { return r.backoff(n) }

// RetryAt is when the relay next tries the peer, zero when it is not backing off.
func (r *Relay) RetryAt(code string) time.Time { return r.worker(code).retryAt }

// Build makes a row's envelope as the relay does at first send.
func Build(app core.App, cfg *appliance.Config, row *core.Record, now time.Time) error {
	return buildAll(app, cfg, []*core.Record{row}, now)
}

// InFlight is how many rows a worker posts to a peer at once.
const InFlight = inFlight

// BuildChunk is how many alerts' rows a worker builds in one transaction.
const BuildChunk = buildChunk

// LoadPeerCachedAt is LoadPeer through the service's peer cache, at the time now.
func (s *Service) LoadPeerCachedAt(app core.App, code string, now time.Time) (*Peer, error) {
	return s.peers.loadAt(app, code, now)
}

// MaxPeerAge is how long a cached peer is used without a change in this process.
const MaxPeerAge = maxPeerAge

// InboxWaiting is how many envelopes wait at the inbox for the writer.
func (s *Service) InboxWaiting() int {
	return s.commits.Queued()
}

// SetInboxLimit gives the inbox an allowance of rate envelopes a second and burst at once
// per peer key.
func (s *Service) SetInboxLimit(rate float64, burst int) {
	s.limit = newKeyBuckets(rate, burst)
}

// RosterStatus is the roster part of the health report.
func (s *Service) RosterStatus(app core.App) (RosterStatus, error) { return s.rosterStatus(app) }

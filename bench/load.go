package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// attackSpec is one load run: POSTs to URL at Rate per second for Duration (or, with Rate
// 0, from Workers clients as fast as they get answers), stopping early after Count requests
// when Count > 0. Every run is bounded: by Duration, or by Count and a 10-minute cap.
type attackSpec struct {
	Name     string
	URL      string
	Rate     int
	Workers  int
	Duration time.Duration
	Count    int
	// Next returns the next request's body and Authorization token ("" for none). It is
	// called from several goroutines.
	Next func() (body []byte, token string)
}

// sample is one request's outcome; UID is the alert's uid from a 2xx answer.
type sample struct {
	Start, End time.Time
	Code       int
	Err        string
	UID        string
}

func (s sample) ok() bool               { return s.Err == "" && s.Code >= 200 && s.Code < 300 }
func (s sample) latency() time.Duration { return s.End.Sub(s.Start) }

const requestTimeout = 10 * time.Second

// attack runs spec with vegeta and returns every request's outcome, in order of start.
func attack(spec attackSpec) []sample {
	opts := []func(*vegeta.Attacker){
		vegeta.Timeout(requestTimeout),
		vegeta.KeepAlive(true),
		vegeta.Redirects(vegeta.NoFollow),
	}
	pacer := vegeta.Pacer(vegeta.ConstantPacer{Freq: spec.Rate, Per: time.Second})
	if spec.Rate <= 0 {
		w := uint64(max(spec.Workers, 1))
		opts = append(opts, vegeta.Workers(w), vegeta.MaxWorkers(w))
		pacer = vegeta.ConstantPacer{}
	} else {
		// Open loop: enough workers to keep the rate while every request in flight waits up
		// to its timeout, so that a slow server does not slow the load down.
		opts = append(opts, vegeta.Workers(uint64(min(spec.Rate, 64))),
			vegeta.MaxWorkers(uint64(min(max(spec.Rate*int(requestTimeout/time.Second), 64), 20000))))
	}
	atk := vegeta.NewAttacker(opts...)

	var sent atomic.Int64
	header := http.Header{"Content-Type": {"application/json"}}
	targeter := func(t *vegeta.Target) error {
		if spec.Count > 0 && sent.Add(1) > int64(spec.Count) {
			return vegeta.ErrNoTargets
		}
		body, token := spec.Next()
		t.Method, t.URL, t.Body = http.MethodPost, spec.URL, body
		h := header.Clone()
		if token != "" {
			h.Set("Authorization", token)
		}
		t.Header = h
		return nil
	}
	cap := spec.Duration + 2*requestTimeout
	if spec.Duration <= 0 {
		cap = 10 * time.Minute
	}
	timer := time.AfterFunc(cap, func() { atk.Stop() })
	defer timer.Stop()

	var out []sample
	for r := range atk.Attack(targeter, pacer, spec.Duration, spec.Name) {
		if r.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		s := sample{Start: r.Timestamp, End: r.End(), Code: int(r.Code), Err: r.Error}
		if s.ok() {
			var a struct {
				UID string `json:"uid"`
			}
			if json.Unmarshal(r.Body, &a) == nil {
				s.UID = a.UID
			}
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// loadStats summarizes a run.
type loadStats struct {
	Requests, OK int
	Throughput   float64 // successful requests per second, over first start to last end
	Lat          latStats
	Errors       map[string]int
}

type latStats struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

func summarize(samples []sample) loadStats {
	st := loadStats{Requests: len(samples), Errors: map[string]int{}}
	if len(samples) == 0 {
		return st
	}
	first, last := samples[0].Start, samples[0].End
	lat := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		if s.Start.Before(first) {
			first = s.Start
		}
		if s.End.After(last) {
			last = s.End
		}
		lat = append(lat, s.latency())
		if s.ok() {
			st.OK++
		} else {
			key := s.Err
			if key == "" {
				key = fmt.Sprint(s.Code)
			}
			st.Errors[shorten(key)]++
		}
	}
	if span := last.Sub(first).Seconds(); span > 0 {
		st.Throughput = float64(st.OK) / span
	}
	st.Lat = percentiles(lat)
	return st
}

// percentiles are nearest-rank percentiles of d (negative values count as 0).
func percentiles(d []time.Duration) latStats {
	if len(d) == 0 {
		return latStats{}
	}
	d = slices.Clone(d)
	for i := range d {
		d[i] = max(d[i], 0)
	}
	slices.Sort(d)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(d))+0.999999) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return latStats{N: len(d), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: d[len(d)-1]}
}

func shorten(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}

func (st loadStats) errorCount() int { return st.Requests - st.OK }

func (st loadStats) errorSummary() string {
	if len(st.Errors) == 0 {
		return ""
	}
	keys := make([]string, 0, len(st.Errors))
	for k := range st.Errors {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return st.Errors[keys[i]] > st.Errors[keys[j]] })
	var parts []string
	for _, k := range keys[:min(3, len(keys))] {
		parts = append(parts, fmt.Sprintf("%d× %s", st.Errors[k], k))
	}
	return strings.Join(parts, "; ")
}

// pool hands out accounts round-robin; each is used at most once per turn of the pool, so
// that the appliance's per-registrant limit (3 new alerts a minute) is never what is measured.
type pool struct {
	mu       sync.Mutex
	accounts []account
	next     int
	turns    int
}

func (p *pool) take() account {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.accounts[p.next]
	p.next++
	if p.next == len(p.accounts) {
		p.next, p.turns = 0, p.turns+1
	}
	return a
}

// used is how many accounts were handed out in all.
func (p *pool) used() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.turns*len(p.accounts) + p.next
}

// Package tcprelay forwards TCP connections on a loopback address to a target that can change,
// and cuts and heals the link, so tests and benchmarks can partition appliances without
// routes to any other address.
package tcprelay

import (
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Relay forwards connections from a fixed loopback address to a target, so the harness
// can cut a link between two appliances (Cut) and heal it (Heal) on the same address.
type Relay struct {
	addr string

	mu     sync.Mutex
	target string
	ln     net.Listener
	conns  map[net.Conn]bool
}

// New listens on a free loopback port and forwards each connection to target.
func New(target string) (*Relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Relay{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	r.serve(ln)
	return r, nil
}

func (r *Relay) URL() string { return "http://" + r.addr }

func (r *Relay) SetTarget(addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.target = addr
}

// Cut refuses new connections and closes the open ones.
func (r *Relay) Cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln != nil {
		r.ln.Close()
		r.ln = nil
	}
	for c := range r.conns {
		c.Close()
	}
	clear(r.conns)
}

// Heal listens on the same address again.
func (r *Relay) Heal() error {
	var err error
	for range 100 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			r.serve(ln)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("relay %s cannot listen again: %v", r.addr, err)
}

func (r *Relay) serve(ln net.Listener) {
	r.mu.Lock()
	r.ln = ln
	r.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.pipe(c)
		}
	}()
}

func (r *Relay) pipe(c net.Conn) {
	r.mu.Lock()
	if r.ln == nil {
		r.mu.Unlock()
		c.Close()
		return
	}
	target := r.target
	r.conns[c] = true
	r.mu.Unlock()
	defer r.forget(c)

	up, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		return
	}
	r.mu.Lock()
	if r.ln == nil {
		r.mu.Unlock()
		up.Close()
		return
	}
	r.conns[up] = true
	r.mu.Unlock()
	defer r.forget(up)

	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
}

func (r *Relay) forget(c net.Conn) {
	c.Close()
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}

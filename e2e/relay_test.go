package e2e

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// tcpRelay forwards TCP connections from a fixed loopback address to a target, so a test
// can cut a link (Cut closes the listener and every connection) and heal it (Heal listens
// on the same address again), and follow a target that restarts on another port.
type tcpRelay struct {
	addr string

	mu     sync.Mutex
	target string
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newTCPRelay(t *testing.T, target string) *tcpRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &tcpRelay{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	r.serve(ln)
	t.Cleanup(r.Cut)
	return r
}

// URL is the relay's address as a peer URL.
func (r *tcpRelay) URL() string { return "http://" + r.addr }

// SetTarget sends new connections to addr.
func (r *tcpRelay) SetTarget(addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.target = addr
}

// Cut refuses new connections and closes the open ones.
func (r *tcpRelay) Cut() {
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

// Heal accepts connections again, on the same address.
func (r *tcpRelay) Heal(t *testing.T) {
	t.Helper()
	var err error
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			r.serve(ln)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("relay %s cannot listen again: %v", r.addr, err)
}

func (r *tcpRelay) serve(ln net.Listener) {
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

func (r *tcpRelay) pipe(c net.Conn) {
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
	<-done // either side closing ends both
}

func (r *tcpRelay) forget(c net.Conn) {
	c.Close()
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}

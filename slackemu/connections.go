package slackemu

import (
	"context"
	"maps"
	"slices"
	"time"
)

// What tests measure of the Socket Mode link, and the faults they inject
// into it: slow or duplicated deliveries, refreshed and dropped sockets.

// AckLatencies lists, per acked envelope, the time from sending it to
// receiving its ack, in the order acks arrived.
func (s *Server) AckLatencies() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ackLatencies)
}

// AcksPerConnection counts the acks each Socket Mode connection carried,
// in the order the connections opened.
func (s *Server) AcksPerConnection() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, s.connSeq)
	for id, n := range s.acksOn {
		out[id-1] = n
	}
	return out
}

// Unacked counts the envelopes sent and waiting for their ack.
func (s *Server) Unacked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.envelopes)
}

// Replies counts the response_urls used so far (cheaper than
// len(ReplyLatencies()) for a Wait condition).
func (s *Server) Replies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.replyLatencies)
}

// ReplyLatencies lists, per response_url used, the time from the slash
// command or click that carried it to its first reply: how long a person
// waits for the app's answer, in the order replies arrived.
func (s *Server) ReplyLatencies() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.replyLatencies)
}

// Duplicate makes every envelope from now on arrive twice, with the same
// envelope id, as a flaky network or a retrying Slack might deliver it.
func (s *Server) Duplicate(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.duplicate = on
}

// Connections counts the open Socket Mode connections that take envelopes.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		if !c.draining.Load() {
			n++
		}
	}
	return n
}

// WaitConnections waits until at least n connections take envelopes.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.Wait(ctx, func() bool { return s.Connections() >= n })
}

// HoldConnections makes new Socket Mode connections wait until it is
// called again with false, as if Slack were slow to hand out sockets.
func (s *Server) HoldConnections(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case on && s.hold == nil:
		s.hold = make(chan struct{})
	case !on && s.hold != nil:
		close(s.hold)
		s.hold = nil
	}
}

// DisconnectOne asks the oldest connection to go, as Slack refreshes one
// socket of an app every few hours.
func (s *Server) DisconnectOne(reason string) {
	s.mu.Lock()
	var oldest *conn
	for _, id := range slices.Sorted(maps.Keys(s.conns)) {
		if c := s.conns[id]; !c.draining.Load() {
			oldest = c
			break
		}
	}
	s.mu.Unlock()
	if oldest == nil {
		return
	}
	oldest.wmu.Lock()
	if !oldest.draining.Swap(true) {
		_ = oldest.writeLocked(map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "emulator"}})
	}
	oldest.wmu.Unlock()
	s.mu.Lock()
	s.changedLocked()
	s.mu.Unlock()
}

// Disconnect sends every connection a disconnect message with the given
// reason ("refresh_requested", "warning", …). Envelopes sent from now on
// wait for a new connection, as Slack stops using a socket it asked to go.
func (s *Server) Disconnect(reason string) {
	for _, c := range s.connList() {
		c.wmu.Lock()
		if !c.draining.Swap(true) {
			_ = c.writeLocked(map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "emulator"}})
		}
		c.wmu.Unlock()
	}
	s.mu.Lock()
	s.changedLocked()
	s.mu.Unlock()
}

// DropConnections closes every socket abruptly, as a network failure would.
func (s *Server) DropConnections() {
	for _, c := range s.connList() {
		_ = c.ws.NetConn().Close()
	}
}

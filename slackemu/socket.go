package slackemu

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// ErrTimeout is what a person sees when the app did not ack in time:
// Slack shows "operation_timeout" for a slash command or a click.
var ErrTimeout = errors.New("operation_timeout: the app did not acknowledge within the deadline")

// conn is one Socket Mode connection.
type conn struct {
	id       int
	ws       *websocket.Conn
	wmu      sync.Mutex    // gorilla allows one writer at a time
	draining atomic.Bool   // sent a disconnect: gets no new envelopes
	closed   chan struct{} // closed when the socket is gone
}

func (c *conn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(v)
}

func (c *conn) writeLocked(v any) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

var errDraining = errors.New("connection is draining")

// sendEnvelope writes an envelope unless the connection was asked to go:
// like Slack, nothing follows a disconnect message on its socket.
func (c *conn) sendEnvelope(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.draining.Load() {
		return errDraining
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

type envelope struct {
	id  string
	ack chan json.RawMessage // buffered 1
}

// outgoing is an envelope as it goes over the socket.
type outgoing struct {
	EnvelopeID             string `json:"envelope_id"`
	Type                   string `json:"type"`
	AcceptsResponsePayload bool   `json:"accepts_response_payload"`
	RetryAttempt           *int   `json:"retry_attempt,omitempty"`
	RetryReason            string `json:"retry_reason,omitempty"`
	payload                json.RawMessage
}

// encode writes the envelope with its payload spliced in as is: a payload
// is encoded once, however often it is sent.
func (o outgoing) encode() []byte {
	head := mustJSON(o)
	out := make([]byte, 0, len(head)+len(o.payload)+12)
	out = append(out, head[:len(head)-1]...)
	out = append(out, `,"payload":`...)
	out = append(out, o.payload...)
	return append(out, '}')
}

var upgrader = websocket.Upgrader{
	// slack-go dials with Origin: https://api.slack.com
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	key := "ws:" + r.URL.Query().Get("ticket")
	s.mu.Lock()
	t, ok := s.triggers[key]
	delete(s.triggers, key)
	s.mu.Unlock()
	if !ok || time.Now().After(t.expires) {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.connSeq++
	c := &conn{id: s.connSeq, ws: ws, closed: make(chan struct{})}
	s.conns[c.id] = c
	n := len(s.conns)
	s.mu.Unlock()
	_ = c.write(map[string]any{"type": "hello", "num_connections": n,
		"debug_info":      map[string]any{"host": "emulator", "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID}})
	s.mu.Lock()
	s.changedLocked() // announce the connection only once hello is sent
	s.mu.Unlock()

	stop := make(chan struct{})
	go s.ping(c, stop)
	defer func() {
		close(stop)
		close(c.closed)
		_ = ws.Close()
		s.mu.Lock()
		delete(s.conns, c.id)
		s.changedLocked()
		s.mu.Unlock()
	}()
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := ws.ReadJSON(&ack); err != nil {
			return
		}
		s.mu.Lock()
		delay := s.ackDelay
		s.acksOn[c.id]++
		s.mu.Unlock()
		if delay > 0 {
			time.AfterFunc(delay, func() { s.receiveAck(ack.EnvelopeID, ack.Payload) })
		} else {
			s.receiveAck(ack.EnvelopeID, ack.Payload)
		}
	}
}

func (s *Server) ping(c *conn, stop chan struct{}) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.wmu.Lock()
			err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
			c.wmu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// receiveAck hands an ack to the envelope waiting for it. Acks are accepted
// on any connection: after a reconnect the client sends pending acks on its
// new socket.
func (s *Server) receiveAck(id string, payload json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	env, ok := s.envelopes[id]
	if !ok {
		return // a late or second ack
	}
	delete(s.envelopes, id)
	env.ack <- payload
	s.changedLocked()
}

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

func (s *Server) connList() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.conns))
}

// pickConn returns a connection that takes envelopes, round robin, waiting
// for one when there is none (as Slack holds envelopes while an app reconnects).
func (s *Server) pickConn(ctx context.Context) (*conn, error) {
	for {
		s.mu.Lock()
		var live []*conn
		for _, id := range slices.Sorted(maps.Keys(s.conns)) {
			if c := s.conns[id]; !c.draining.Load() {
				live = append(live, c)
			}
		}
		ch := s.changed
		if len(live) > 0 {
			s.turn++
			c := live[s.turn%len(live)]
			s.mu.Unlock()
			return c, nil
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, errors.New("no Socket Mode connection: is the bot running?")
		case <-s.done:
			return nil, errors.New("emulator closed")
		}
	}
}

// maxRedeliveries bounds how often one envelope is sent again because its
// socket went away before the ack.
const maxRedeliveries = 3

// send writes an envelope and waits for its ack until AckTimeout. When the
// socket it went out on closes first, the envelope goes out again on
// another one, with retry_attempt counting up, as Slack redelivers.
func (s *Server) send(ctx context.Context, env *envelope, out outgoing) (acked bool, payload json.RawMessage, err error) {
	timer := time.NewTimer(s.opts.AckTimeout)
	defer timer.Stop()
	sent := time.Now()
	for redelivery := 0; ; redelivery++ {
		data := out.encode()
		var c *conn
		for {
			if c, err = s.pickConn(ctx); err != nil {
				return false, nil, err
			}
			if c.sendEnvelope(data) == nil {
				break
			}
		}
		s.mu.Lock()
		twice := s.duplicate
		s.mu.Unlock()
		if twice {
			_ = c.sendEnvelope(data)
		}
		var lost <-chan struct{}
		if redelivery < maxRedeliveries {
			lost = c.closed
		}
		select {
		case p := <-env.ack:
			s.mu.Lock()
			s.ackLatencies = append(s.ackLatencies, time.Since(sent))
			s.mu.Unlock()
			return true, p, nil
		case <-lost:
			attempt := redelivery + 1
			out.RetryAttempt, out.RetryReason = &attempt, "connection_lost"
			s.mu.Lock()
			s.redelivered++
			s.mu.Unlock()
		case <-timer.C:
			return false, nil, nil
		case <-ctx.Done():
			return false, nil, ctx.Err()
		}
	}
}

// Redelivered counts envelopes sent again because their socket went away.
func (s *Server) Redelivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.redelivered
}

// deliver sends an envelope and waits for its ack payload. Events that are
// not acked in time are redelivered with retry_attempt, as Slack does; a
// slash command or click that is not acked fails with ErrTimeout.
func (s *Server) deliver(ctx context.Context, typ string, body json.RawMessage, acceptsResponse bool) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for attempt := 0; ; attempt++ {
		s.mu.Lock()
		env := &envelope{id: s.nextID("env-"), ack: make(chan json.RawMessage, 1)}
		s.envelopes[env.id] = env
		s.changedLocked()
		s.mu.Unlock()
		out := outgoing{EnvelopeID: env.id, Type: typ, AcceptsResponsePayload: acceptsResponse, payload: body}
		if typ == "events_api" {
			out.RetryAttempt = &attempt
			if attempt > 0 {
				out.RetryReason = "timeout"
			}
		}
		acked, p, err := s.send(ctx, env, out)
		if err != nil {
			return nil, err
		}
		if acked {
			return p, nil
		}
		s.mu.Lock()
		delete(s.envelopes, env.id)
		s.timeouts = append(s.timeouts, typ)
		s.changedLocked()
		s.mu.Unlock()
		if typ != "events_api" || attempt >= len(s.opts.EventRetryDelays) {
			return nil, ErrTimeout
		}
		select {
		case <-time.After(s.opts.EventRetryDelays[attempt]):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

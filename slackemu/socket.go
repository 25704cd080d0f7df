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

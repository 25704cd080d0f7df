// Package slackemu is an offline Slack for tests and tools: it serves the Web
// API methods priobot uses and Socket Mode on 127.0.0.1, keeps channels,
// threads, ephemeral messages, DMs, modals and home tabs, records every call,
// rejects what Slack rejects, and can inject 429s, dropped sockets and slow
// acks. Its person API acts as a Slack user would: type a slash command,
// click a button by its label, read a message as plain text.
package slackemu

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Default identities of the emulated workspace and app.
const (
	DefaultTeam = "T0EMU0001"
	AppID       = "A0EMU0001"
	BotUserID   = "U0EMUBOT1"
	BotID       = "B0EMUBOT1"
	BotToken    = "xoxb-emulator-bot-token"
	AppToken    = "xapp-1-emulator-app-token"
)

// Options configure a Server. Zero values take Slack's own numbers.
type Options struct {
	// AckTimeout is how long an envelope waits for its ack (Slack: 3 s).
	AckTimeout time.Duration
	// PingInterval is how often each socket is pinged (Slack: every few seconds).
	PingInterval time.Duration
	// EventRetryDelays are the waits before each redelivery of an unacked
	// event (Slack: about immediately, 1 min, 5 min).
	EventRetryDelays []time.Duration
	// Manifest is the app manifest (YAML text) whose slash commands people
	// can type and whose shortcuts they can pick by name; none when empty.
	Manifest string
}

// Server is a running emulator. All methods are safe for concurrent use.
type Server struct {
	opts Options
	http *http.Server
	ln   net.Listener
	base string // http://127.0.0.1:port

	commands  []Command  // the app's, from its manifest
	shortcuts []Shortcut // the app's, from its manifest

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change: a broadcast
	seq     int64         // for ids
	lastTS  int64         // the last message ts handed out, in µs: ts follow the clock, each later than the last

	teams    map[string]bool
	users    map[string]*User
	channels map[string]*channel
	groups   map[string]*group // user groups by id
	ims      map[string]string // user id -> D channel id
	views    map[string]*View  // view id -> view (modals and homes)
	homes    map[string]string // user id -> home view id
	modals   map[string]string // user id -> open modal view id
	triggers map[string]trigger
	files    map[string]*File
	replies  map[string]*responseURL
	calls    []Call

	conns     map[int]*conn
	envelopes map[string]*envelope
	connSeq   int
	turn      int           // round robin over the connections
	hold      chan struct{} // while not nil, new connections wait for it to close
	acksOn    map[int]int   // connection id -> acks it carried

	limits       map[string][]time.Duration // method -> Retry-After of the next 429s
	blocked      map[string]time.Time       // method -> end of its Retry-After
	tooEarly     int                        // calls made before a Retry-After ran out
	ackDelay     time.Duration
	slowNext     time.Duration     // the next response_url handed out answers this late
	noDMs        map[string]string // user -> the error conversations.open answers for them
	duplicate    bool              // deliver every envelope twice
	redelivered  int
	ackLatencies []time.Duration
	// per response_url, from the click or command to its first use
	replyLatencies []time.Duration
	timeouts       []string // envelope types that were never acked in time
	closeOnce      sync.Once
	done           chan struct{}
}

// User is a person in the emulated workspace.
type User struct {
	ID, Team, Name, TZ string
	Admin, Owner       bool
	Bot                bool `json:",omitempty"` // an app's bot user
}

type channel struct {
	id, team, name string
	private, im    bool
	botMember      bool
	user           string   // for an IM: the person
	members        []string // the people in it
	messages       []*msg
}

type trigger struct {
	user    string
	expires time.Time
}

// File is an uploaded file.
type File struct {
	ID, Name, Title string
	AltText         string // what a picture shows, for screen readers
	Content         []byte
	Channel         string
}

// Call is one Web API call as the emulator received it.
type Call struct {
	Method string
	Params map[string]string // form fields or top-level JSON fields (JSON text)
	Status int               // HTTP status answered
	Error  string            // Slack error code, if any
	At     time.Time
}

// Start runs an emulator on a free loopback port until Close.
func Start(o Options) (*Server, error) {
	if o.AckTimeout == 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.PingInterval == 0 {
		o.PingInterval = 5 * time.Second
	}
	if o.EventRetryDelays == nil {
		o.EventRetryDelays = []time.Duration{0, time.Minute, 5 * time.Minute}
	}
	var (
		commands  []Command
		shortcuts []Shortcut
	)
	if o.Manifest != "" {
		var err error
		if commands, shortcuts, err = readManifest(o.Manifest); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts: o, ln: ln, base: "http://" + ln.Addr().String(), commands: commands, shortcuts: shortcuts,
		changed: make(chan struct{}),
		teams:   map[string]bool{DefaultTeam: true}, users: map[string]*User{}, channels: map[string]*channel{}, groups: map[string]*group{},
		ims: map[string]string{}, views: map[string]*View{}, homes: map[string]string{}, modals: map[string]string{},
		triggers: map[string]trigger{}, files: map[string]*File{}, replies: map[string]*responseURL{},
		conns: map[int]*conn{}, envelopes: map[string]*envelope{}, acksOn: map[int]int{},
		limits: map[string][]time.Duration{}, blocked: map[string]time.Time{}, done: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/respond/{id}", s.serveResponseURL)
	mux.HandleFunc("/upload/{id}", s.serveUpload)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// APIURL is the Web API base to give the bot (SLACK_API_URL); it ends in "/".
func (s *Server) APIURL() string { return s.base + "/api/" }

// Close stops the emulator and drops every socket.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.DropConnections()
		_ = s.http.Close()
	})
}

// changedLocked wakes everyone waiting for a change. Call with s.mu held.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextID returns a fresh id with the given prefix. Call with s.mu held.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%07d", prefix, s.seq)
}

// nextTS returns a fresh, increasing message timestamp. Call with s.mu held.
func (s *Server) nextTS() string {
	s.lastTS = max(time.Now().UnixMicro(), s.lastTS+1)
	return fmt.Sprintf("%d.%06d", s.lastTS/1_000_000, s.lastTS%1_000_000)
}

// AddTeam adds another workspace (the app is installed in each).
func (s *Server) AddTeam() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("T")
	s.teams[id] = true
	return id
}

// UserOptions describe a new user.
type UserOptions struct {
	Team         string // default DefaultTeam
	TZ           string // IANA zone, default Europe/Berlin
	Admin, Owner bool
	Bot          bool // an app's bot user: users.info says is_bot
}

// AddUser adds a person and returns their user id.
func (s *Server) AddUser(name string, o UserOptions) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Team == "" {
		o.Team = DefaultTeam
	}
	if o.TZ == "" {
		o.TZ = "Europe/Berlin"
	}
	u := &User{ID: s.nextID("U"), Team: o.Team, Name: name, TZ: o.TZ, Admin: o.Admin, Owner: o.Owner, Bot: o.Bot}
	s.users[u.ID] = u
	return u.ID
}

// ChannelOptions describe a new channel.
type ChannelOptions struct {
	Team    string // default DefaultTeam
	Private bool
	// NoBot leaves the bot out of the channel; posting there then fails
	// for a private channel, as in Slack.
	NoBot bool
	// Members are the people in it (conversations.members).
	Members []string
}

// AddChannel adds a channel and returns its id.
func (s *Server) AddChannel(name string, o ChannelOptions) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Team == "" {
		o.Team = DefaultTeam
	}
	prefix := "C"
	if o.Private {
		prefix = "G"
	}
	c := &channel{id: s.nextID(prefix), team: o.Team, name: name, private: o.Private, botMember: !o.NoBot, members: o.Members}
	s.channels[c.id] = c
	return c.id
}

// imLocked returns the DM channel between the bot and a user, creating it.
func (s *Server) imLocked(user string) *channel {
	if id, ok := s.ims[user]; ok {
		return s.channels[id]
	}
	u := s.users[user]
	c := &channel{id: s.nextID("D"), team: u.Team, name: u.Name, im: true, botMember: true, user: user}
	s.channels[c.id] = c
	s.ims[user] = c.id
	return c
}

// Calls returns the recorded Web API calls, all of them or those of the
// given methods.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || slices.Contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// RateLimit makes the next n calls of method answer HTTP 429 with the given
// Retry-After (whole seconds, as Slack sends it).
func (s *Server) RateLimit(method string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.limits[method] = append(s.limits[method], retryAfter)
	}
}

// TooEarly counts calls made to a rate-limited method before its
// Retry-After had passed: a client that honours 429s keeps it at zero.
func (s *Server) TooEarly() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooEarly
}

// SlowAcks delays the handling of every ack received from now on by d, as a
// slow network would; acks that then miss the deadline count as timeouts.
func (s *Server) SlowAcks(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ackDelay = d
}

// FailDMs makes conversations.open with user answer code (say
// "user_not_found", for someone who left), so no DM reaches them.
func (s *Server) FailDMs(user, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noDMs == nil {
		s.noDMs = map[string]string{}
	}
	s.noDMs[user] = code
}

// SlowNextReply makes the response_url of the next command or click slow,
// as a congested network would: every call to it is handled d late.
func (s *Server) SlowNextReply(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowNext = d
}

// Timeouts lists the types of envelopes the bot did not ack in time.
func (s *Server) Timeouts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.timeouts...)
}

// Wait blocks until cond (called without locks held) is true, or ctx ends
// (after 10 s when ctx has no deadline); it re-checks cond after every
// change in the emulator.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
	}
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func trimTS(ts string) string { return strings.ReplaceAll(ts, ".", "") }

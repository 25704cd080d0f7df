// Package githubemu is an offline GitHub for tests and the playground: the
// REST subset priobot's tracker sync uses (a repository, its issues listed
// with state, labels, since, sort, direction and Link pagination, ETags and
// 304s, an issue read, created and edited with state_reason, comments
// listed, created and edited), GitHub's rate-limit headers on every answer,
// and its refusals (401, 403, 404, 410, 422, primary and secondary limits).
// Its person API acts as a GitHub user would: open an issue, label it,
// close it as completed or not planned, rename it. It records every call.
package githubemu

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Token is the token the emulator accepts unless Options.Token names another.
const Token = "github_pat_emulator"

// Options configure a Server. Zero values take GitHub's own numbers.
type Options struct {
	Token     string           // the one token accepted (default Token)
	RateLimit int              // requests an hour (default 5,000)
	Now       func() time.Time // the clock of timestamps and resets (default time.Now)
	// WebURL is where people read the repositories (default
	// https://github.test): html_url, as github.com's differs from its API's host.
	WebURL string
}

// Server is a running emulator. All methods are safe for concurrent use.
type Server struct {
	opts Options
	http *http.Server
	ln   net.Listener
	base string // http://127.0.0.1:port

	mu        sync.Mutex
	changed   chan struct{}    // closed and replaced on every change
	repos     map[string]*repo // "owner/name" -> repo
	revoked   bool
	used      int                      // requests counted in the current hour
	reset     time.Time                // when the hour ends
	secondary []int                    // Retry-After seconds of the next refused requests
	failures  []int                    // statuses of the next failed requests
	failWrite []int                    // statuses of the next failed writes (not GETs)
	lose      int                      // how many next writes are done but answered 502
	held      map[string]chan struct{} // "owner/name" -> closed on Release
	waiting   int                      // writes Hold keeps waiting now
	commentID int64
	calls     []Call
}

// Call is one request the emulator answered.
type Call struct {
	Method, Path, Query string
	Status              int
	Counted             bool      // counted against the primary rate limit
	At                  time.Time // when it was answered, on the real clock
}

type repo struct {
	owner, name string
	id          int64
	private     bool
	noIssues    bool // issues disabled: 410
	hidden      bool // the token may not see it: 404
	issues      []*Issue
}

// Issue is an issue (or pull request) as the emulator keeps it.
type Issue struct {
	Number      int
	Title, Body string
	State       string // open or closed
	StateReason string // completed, not_planned, reopened or ""
	Labels      []string
	Author      string
	PullRequest bool
	Created     time.Time
	Updated     time.Time
	Closed      time.Time
	ClosedBy    string
	Comments    []Comment
}

// Comment is a comment on an issue.
type Comment struct {
	ID      int64
	Author  string
	Body    string
	Created time.Time
	Updated time.Time
}

// Start serves the emulator on a loopback port until Close.
func Start(o Options) (*Server, error) {
	if o.Token == "" {
		o.Token = Token
	}
	if o.RateLimit == 0 {
		o.RateLimit = 5000
	}
	if o.WebURL == "" {
		o.WebURL = "https://github.test"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, ln: ln, base: "http://" + ln.Addr().String(), changed: make(chan struct{}),
		repos: map[string]*repo{}, commentID: 1_000_000}
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// URL is the API's base URL, as GITHUB_API_URL takes it (with a slash).
func (s *Server) URL() string { return s.base + "/api/v3/" }

// HTMLURL is the web address of a repository, as its html_url says.
func (s *Server) HTMLURL(fullName string) string {
	return strings.TrimSuffix(s.opts.WebURL, "/") + "/" + fullName
}

// Close stops the emulator.
func (s *Server) Close() { _ = s.http.Close() }

// now is the emulator's clock, to the second as GitHub's timestamps are.
func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// touched wakes whoever waits for a change; s.mu is held.
func (s *Server) touched() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// RepoOptions describe a repository.
type RepoOptions struct {
	Private        bool
	IssuesDisabled bool // the API answers 410 Gone for its issues
	Hidden         bool // the token may not see it: 404, as GitHub hides private repositories
}

// AddRepo creates a repository, "owner/name".
func (s *Server) AddRepo(fullName string, o RepoOptions) {
	owner, name, _ := strings.Cut(fullName, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repos[strings.ToLower(fullName)] = &repo{owner: owner, name: name, id: int64(len(s.repos) + 1),
		private: o.Private, noIssues: o.IssuesDisabled, hidden: o.Hidden}
}

// SetRepo changes what the token may do with a repository.
func (s *Server) SetRepo(fullName string, o RepoOptions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.repos[strings.ToLower(fullName)]; r != nil {
		r.private, r.noIssues, r.hidden = o.Private, o.IssuesDisabled, o.Hidden
	}
}

// Revoke makes the token invalid (401 Bad credentials) until Restore.
func (s *Server) Revoke()  { s.setRevoked(true) }
func (s *Server) Restore() { s.setRevoked(false) }

func (s *Server) setRevoked(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = v
}

// UseUp spends the primary rate limit but n requests.
func (s *Server) UseUp(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rollLocked()
	s.used = max(0, s.opts.RateLimit-n)
}

// SecondaryLimit refuses the next requests, one per value, with 403 and
// that Retry-After in seconds, as GitHub's secondary limits do.
func (s *Server) SecondaryLimit(retryAfter ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secondary = append(s.secondary, retryAfter...)
}

// Fail answers the next requests with these statuses (500, 502, …).
func (s *Server) Fail(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, statuses...)
}

// FailWrites answers the next writes (POST, PATCH) with these statuses;
// reads go on.
func (s *Server) FailWrites(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWrite = append(s.failWrite, statuses...)
}

// LoseAnswers does the next n writes but answers each with a 502, as a
// proxy that gave up waiting on GitHub does: the client cannot tell
// whether its write happened.
func (s *Server) LoseAnswers(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose += n
}

// Hold keeps every write to a repository waiting, unanswered, until
// Release (or until its client gives up): a GitHub that hangs on one
// repository while it answers the others.
func (s *Server) Hold(fullName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil {
		s.held = map[string]chan struct{}{}
	}
	if s.held[strings.ToLower(fullName)] == nil {
		s.held[strings.ToLower(fullName)] = make(chan struct{})
	}
}

// Release answers the writes Hold kept waiting, and the next at once.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, c := range s.held {
		close(c)
		delete(s.held, name)
	}
}

// heldBack waits while writes to the request's repository are held.
func (s *Server) heldBack(req *http.Request) {
	name := strings.ToLower(req.PathValue("owner") + "/" + req.PathValue("repo"))
	s.mu.Lock()
	c := s.held[name]
	if req.Method == http.MethodGet {
		c = nil
	}
	if c != nil {
		s.waiting++
		s.touched()
	}
	s.mu.Unlock()
	if c == nil {
		return
	}
	select {
	case <-c:
	case <-req.Context().Done():
	}
	s.mu.Lock()
	s.waiting--
	s.mu.Unlock()
}

// Held says how many writes Hold keeps waiting now.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// Calls lists the requests answered so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// repoLocked finds a repository by "owner/name"; s.mu is held.
func (s *Server) repoLocked(fullName string) (*repo, error) {
	r := s.repos[strings.ToLower(fullName)]
	if r == nil {
		return nil, fmt.Errorf("githubemu: no repository %s", fullName)
	}
	return r, nil
}

func (r *repo) issue(n int) *Issue {
	if n < 1 || n > len(r.issues) {
		return nil
	}
	return r.issues[n-1]
}

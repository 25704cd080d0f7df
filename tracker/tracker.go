// Package tracker holds the rules of keeping a backlog and an issue tracker
// in step, whichever the tracker: which tracker state an idea's status
// means and back, how a repository and an issue are named, and what the
// sync needs of a tracker (Tracker, which the GitHub adapter implements
// and a Jira Cloud or Linear adapter can implement next). It imports
// neither Slack, Redis nor an HTTP client.
package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Issue is an issue as the sync sees it.
type Issue struct {
	Repo     string // "owner/repo"
	Number   int
	Title    string
	Body     string
	Author   string // the login of who opened it
	Open     bool
	Reason   string // why it was closed: Completed or NotPlanned; "" when open
	ClosedBy string // the login of who closed it, when the tracker says
	Labels   []string
	URL      string // where people read it
	Updated  time.Time
	Pull     bool // a pull request, which the sync ignores
}

// Why an issue was closed.
const (
	Completed  = "completed"
	NotPlanned = "not_planned"
)

// Ref names an issue as people write it: "owner/repo#5".
func (i Issue) Ref() string { return fmt.Sprintf("%s#%d", i.Repo, i.Number) }

// Repo is a connected repository as the tracker describes it.
type Repo struct {
	Name string // "owner/repo", as the tracker spells it
	URL  string // its web address; issue links live under it
}

// Cursor is where a poll resumes: the issues updated at or after Since,
// and the tag of the last answer, so an unchanged repository costs a 304.
type Cursor struct {
	Since time.Time
	ETag  string
}

// Draft is an issue priobot opens for an idea.
type Draft struct {
	Title, Body string
	Labels      []string
}

// Tracker is what the sync needs of an issue tracker.
type Tracker interface {
	// Repo checks that the token reaches a repository and describes it.
	Repo(ctx context.Context, repo string) (Repo, error)
	// Changed lists the issues (not pull requests) with label updated since
	// the cursor, oldest change first, every page, and the cursor to poll
	// from next; an unchanged repository returns none and the same cursor.
	Changed(ctx context.Context, repo, label string, c Cursor) ([]Issue, Cursor, error)
	// Issue reads one issue.
	Issue(ctx context.Context, repo string, number int) (Issue, error)
	// Create opens an issue.
	Create(ctx context.Context, repo string, d Draft) (Issue, error)
	// SetState opens or closes an issue; reason says why it closed.
	SetState(ctx context.Context, repo string, number int, open bool, reason string) (Issue, error)
	// Comment writes priobot's comment on an issue: a new one when id is 0,
	// else the one with that id, edited in place. It returns the comment's id.
	Comment(ctx context.Context, repo string, number int, id int64, body string) (int64, error)
}

// The refusals that pause a connection until an owner connects again:
// each says in a sentence what to do.
var (
	ErrUnauthorized = errors.New("GitHub refused the token (401): it is wrong, expired or revoked; set a new GITHUB_TOKEN")
	ErrForbidden    = errors.New("the token may not do this (403): give it Issues read and write on the repository")
	ErrNotFound     = errors.New("the repository was not found (404): check its name, and that the token may see it")
	ErrGone         = errors.New("the repository's issues are turned off (410)")
)

// RateLimited says the tracker wants no request before Until.
type RateLimited struct {
	Until     time.Time
	Secondary bool // a secondary limit (too many at once), not the hourly one
}

func (e *RateLimited) Error() string {
	what := "the hourly rate limit is used up"
	if e.Secondary {
		what = "a secondary rate limit was hit"
	}
	return fmt.Sprintf("%s; waiting until %s", what, e.Until.UTC().Format(time.RFC3339))
}

// Pauses says whether an error pauses the connection (as opposed to a
// passing failure the next poll retries).
func Pauses(err error) bool {
	return errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone)
}

// Connection is a backlog's connection to a repository.
type Connection struct {
	Repo    Repo
	Label   string    // the label that makes an issue an idea
	By      string    // who connected it, a user id
	At      time.Time // when
	State   string    // On, Paused or Off
	Why     string    // why it is paused, for the owners
	Polled  time.Time // the last poll
	Outcome string    // what the last poll found
	Cursor  Cursor
	// ChannelName is the backlog's channel's name, for what priobot
	// writes on the tracker.
	ChannelName string
}

// A connection's states.
const (
	On     = "on"
	Paused = "paused" // a refusal (401, 403, 404, 410) until connected again
	Off    = "off"    // disconnected; the links stay
)

// DefaultLabel is the label that makes an issue an idea unless an owner
// names another.
const DefaultLabel = "priobot"

// Due is a backlog whose repository is due to be polled.
type Due struct{ Team, Channel string }

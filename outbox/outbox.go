// Package outbox is what priobot has decided to say and not said yet:
// items written by the change that causes them, delivered by any replica,
// retried on a schedule, and given up on into a dead-letter list. It
// imports neither Slack nor Redis.
package outbox

import "time"

// Item is one message to one recipient, as the facts of the change it tells
// of: the text is written at delivery, with where the idea sits then.
type Item struct {
	ID       int64   `json:"id"`
	To       string  `json:"to"`   // a Slack user id
	Kind     string  `json:"kind"` // Status, Merge, Scored or Invite
	Idea     int64   `json:"idea"`
	Into     int64   `json:"into,omitempty"`     // Merge: the idea it went into
	From     string  `json:"from,omitempty"`     // the status before
	Status   string  `json:"status,omitempty"`   // the status after
	Reopen   bool    `json:"reopen,omitempty"`   // Status: put back in play
	Rescored bool    `json:"rescored,omitempty"` // Scored: it had a score before
	Reason   string  `json:"reason,omitempty"`   // Status: why it was declined
	Session  int64   `json:"session,omitempty"`  // Invite: the poker session
	Ideas    []int64 `json:"ideas,omitempty"`    // Invite: the ideas it scores
	Actor    string  `json:"actor"`              // who made the change, by name
	At       int64   `json:"at"`                 // when, unix ms
	Attempts int     `json:"attempts"`           // failed deliveries so far
	Error    string  `json:"error,omitempty"`    // why the last one failed
}

// The kinds of items.
const (
	Status = "status" // a status change: moved, declined, reopened
	Merge  = "merge"
	Scored = "scored" // a first score moved it from the queue to the ranking
	Invite = "invite" // a named voter is asked to vote in a poker session
)

// Backlog names a backlog's outbox.
type Backlog struct{ Team, Channel string }

// Retries are the waits after each failed delivery; after the last, the
// item is dead.
var Retries = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}

// Lease is how long a claimed item is left to its deliverer: a replica that
// dies mid-delivery leaves it to another after this.
const Lease = 30 * time.Second

// Next says when an item goes again after its attempts-th failed delivery
// (1-based) at failed, not before retryAfter (a 429's Retry-After); dead
// when the retries are spent.
func Next(attempts int, failed time.Time, retryAfter time.Duration) (at time.Time, dead bool) {
	if attempts > len(Retries) {
		return time.Time{}, true
	}
	return failed.Add(max(Retries[attempts-1], retryAfter)), false
}

// Totals sum up the outboxes, for operators.
type Totals struct {
	Waiting int64     // items not delivered yet
	Oldest  time.Time // when the oldest of them was written; zero for none
	Dead    int64     // dead letters kept
}

// Package outbox is what priobot has decided to say and not said yet:
// items written by the change that causes them, delivered by any replica,
// retried on a schedule, and given up on into a dead-letter list. It
// imports neither Slack nor Redis.
package outbox

import (
	"time"

	"github.com/priobot/priobot/prio"
)

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
	Via      string  `json:"via,omitempty"`      // Scored: owner, poker or ratings
	Reason   string  `json:"reason,omitempty"`   // Status: why it was declined
	Session  int64   `json:"session,omitempty"`  // Invite: the poker session; Scored: the one whose result it is
	Ideas    []int64 `json:"ideas,omitempty"`    // Invite: the ideas it scores
	Channel  string  `json:"channel,omitempty"`  // Thread: the source message's channel
	TS       string  `json:"ts,omitempty"`       // and ts
	Actor    string  `json:"actor"`              // who made the change, by name
	ActorID  string  `json:"actor_id,omitempty"` // and by user id
	At       int64   `json:"at"`                 // when, unix ms
	Attempts int     `json:"attempts"`           // failed deliveries so far
	Error    string  `json:"error,omitempty"`    // why the last one failed

	// A webhook event (Kind Hook) goes to one endpoint; To is
	// "hook:<endpoint>:<idea>", so one endpoint's events about one idea
	// go in order. HookOff tells an owner that endpoint URL was disabled.
	Hook    string    `json:"hook,omitempty"`    // the endpoint's id
	URL     string    `json:"url,omitempty"`     // the endpoint's URL
	Event   string    `json:"event,omitempty"`   // idea.created, idea.updated, …
	Change  string    `json:"change,omitempty"`  // idea.updated: status, score, merge, supporters
	Snap    *Snapshot `json:"snap,omitempty"`    // the idea right after the change
	Poker   *Poker    `json:"poker,omitempty"`   // poker.revealed, poker.accepted
	Summary string    `json:"summary,omitempty"` // summary.posted: what the summary said, JSON
	Reply   string    `json:"reply,omitempty"`   // ping: the response_url to tell how it went
	Ratings *Ratings  `json:"ratings,omitempty"` // ratings.closed: how the ideas were rated
}

// Ratings is a closed round of Priority Ratings in an event: how many gave
// each rating to each idea, never who.
type Ratings struct {
	Round    int64       `json:"round"`
	Question string      `json:"question"`
	Raters   int         `json:"raters"` // how many were asked
	Rated    int         `json:"rated"`  // how many answered
	Ideas    []RatedIdea `json:"ideas"`
}

// RatedIdea is how many gave an idea 1, 2, 3, 4 and 5.
type RatedIdea struct {
	Idea int64  `json:"idea"`
	Dist [5]int `json:"dist"`
}

// Snapshot is an idea as the script that changed it left it: its fields,
// read into Idea by the store when the item is claimed.
type Snapshot struct {
	Fields     map[string]string `json:"fields"`
	Supporters int64             `json:"supporters"`
	Framework  string            `json:"framework"` // "" for the default
	// FrameworkDef is its definition when the workspace defined it.
	FrameworkDef string    `json:"framework_def,omitempty"`
	Goal         string    `json:"goal,omitempty"`  // the name of the goal the idea serves
	List         string    `json:"list,omitempty"`  // ranked, awaiting or unscored; "" for none
	Place        int64     `json:"place,omitempty"` // 1-based, in List
	Of           int64     `json:"of,omitempty"`    // how many List holds
	Idea         prio.Idea `json:"-"`
}

// Poker is a poker card's part in an event: the session and round, what
// revealed it, and its votes (only once revealed), "voter|criterion" ->
// "vote|action_ts", with the voters' names.
type Poker struct {
	Session   int64  `json:"session"`
	Framework string `json:"framework"` // the session's; "" for the default
	// FrameworkDef is its definition when the workspace defined it.
	FrameworkDef string            `json:"framework_def,omitempty"`
	Round        int64             `json:"round,omitempty"`
	RevealedBy   string            `json:"revealed_by,omitempty"` // a user id, "all", "quorum" or "deadline"
	Votes        map[string]string `json:"votes,omitempty"`
	Names        map[string]string `json:"names,omitempty"`
}

// The kinds of items.
const (
	Status = "status" // a status change: moved, declined, reopened
	Merge  = "merge"
	Scored = "scored" // a first score moved it from the queue to the ranking
	Invite = "invite" // a named voter is asked to vote in a poker session
	Nudge  = "nudge"  // a named voter is reminded of the votes they owe
	// Reminder is the automatic nudge before a session's deadline.
	Reminder = "reminder"
	Ready    = "ready" // a facilitator: every card is revealed, decide
	Ended    = "ended" // a facilitator: the session ended on its own
	Hook     = "webhook"
	// Thread is a line in the thread of the Slack message an idea came
	// from: To is "thread:<channel>:<ts>".
	Thread = "thread"
	// HookOff tells a backlog owner that a webhook endpoint was disabled.
	HookOff = "webhook_off"
	// Tracker writes an idea's status to its linked issue (open, or closed
	// as completed or not planned): To is "tracker:<idea>", so one idea's
	// writes go in order.
	Tracker = "tracker"
	// Push opens an issue for an idea on the connected repository and
	// links it; To is "tracker:<idea>" too, so its state writes follow it.
	Push = "push"
	// RatingsAsk asks a stakeholder to rate a round's ideas (Session is
	// the round); RatingsNudge and RatingsReminder ask again those who
	// have rated nothing yet.
	RatingsAsk      = "ratings"
	RatingsNudge    = "ratings_nudge"
	RatingsReminder = "ratings_reminder"
	// RatingsResults posts a closed round's results in the thread of its
	// progress message: To is "thread:<channel>:<ts>".
	RatingsResults = "ratings_results"
	// Comment writes priobot's comment on an idea's issue, as the idea
	// sits when it is delivered; To is "tracker:<idea>" too.
	Comment = "comment"
)

// Backlog names a backlog's outbox.
type Backlog struct{ Team, Channel string }

// Retries are the waits after each failed delivery of a DM; after the
// last, the item is dead.
var Retries = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}

// HookRetries are a webhook event's: about 28 hours in all, as another
// tool's outage may last a night.
var HookRetries = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// Lease is how long a claimed item is left to its deliverer: a replica that
// dies mid-delivery leaves it to another after this.
const Lease = 30 * time.Second

// Next says when an item goes again after its attempts-th failed delivery
// (1-based) at failed, not before retryAfter (a 429's Retry-After); dead
// when the retries are spent.
func Next(kind string, attempts int, failed time.Time, retryAfter time.Duration) (at time.Time, dead bool) {
	retries := Retries
	if kind == Hook || kind == Tracker || kind == Push || kind == Comment {
		retries = HookRetries
	}
	if attempts > len(retries) {
		return time.Time{}, true
	}
	return failed.Add(max(retries[attempts-1], retryAfter)), false
}

// Totals sum up the outboxes, for operators.
type Totals struct {
	Waiting int64     // items not delivered yet
	Oldest  time.Time // when the oldest of them was written; zero for none
	Dead    int64     // dead letters kept
}

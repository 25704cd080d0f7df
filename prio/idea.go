package prio

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what an idea may hold, in characters (runes).
const (
	MaxTitle       = 150
	MaxDescription = 2000
)

// Status is where an idea is in its life.
type Status string

// The statuses. New ideas await scoring; scored ones are ranked.
const (
	StatusNew        Status = "new"
	StatusRanked     Status = "ranked"
	StatusPlanned    Status = "planned"
	StatusInProgress Status = "in-progress"
	StatusShipped    Status = "shipped"
	StatusDeclined   Status = "declined"
	StatusMerged     Status = "merged"
)

// Open reports whether an idea with this status is still in play: ranked
// when it has a score, awaiting scoring when not.
func (s Status) Open() bool {
	switch s {
	case StatusNew, StatusRanked, StatusPlanned, StatusInProgress:
		return true
	}
	return false
}

// Label is how a status reads in a sentence.
func (s Status) Label() string {
	switch s {
	case StatusNew:
		return "awaiting scoring"
	case StatusRanked: // a status; "ranked" is a place, which planned ideas have too
		return "scored"
	case StatusInProgress:
		return "in progress"
	}
	return string(s)
}

// Settable are the statuses `/backlog status` sets; the others come from
// scoring, decline, merge and reopen.
var Settable = []Status{StatusPlanned, StatusInProgress, StatusShipped}

// Idea is one entry of a channel's backlog. Number is unique per team and
// never reused.
type Idea struct {
	Team        string
	Channel     string
	Number      int64
	Title       string
	Description string
	Author      string
	AuthorName  string
	Status      Status
	Created     time.Time
	CardTS      string // the idea card's message ts in Channel, once posted
	// Issue is the tracker issue the idea is linked to, when it is; one
	// imported from the tracker has no Author, only Issue.Author.
	Issue *IssueLink

	Values       map[string]float64 // criterion values by Criterion.ID
	Score        float64            // valid when Scored
	Scored       bool
	ScoredAt     time.Time
	ScoredBy     string // the user who scored it, or who accepted the poker result
	ScoredByName string
	ScoredVia    string // "poker" or "owner"
	Agreement    string // how much the poker session agreed: high, medium or low

	StatusBy     string // who last changed the status
	StatusByName string
	StatusAt     time.Time
	Reason       string // why it was declined
	MergedInto   int64

	Supporters int64
	Rev        int64 // bumped by every change; guards read-compute-write updates

	Placed Lane  // where owners placed it on the roadmap (Now or Later; Off for Next's default)
	Goal   int64 // the goal it serves (0 for none)

	Via    string   // how it came in: "command" (/idea text), "form", "message" (a shortcut)
	Source *Source  // the Slack message it was made from; nil when typed in
	Links  []string // where its work lives: https URLs, at most MaxLinks
}

// Position is where an idea sits in its backlog.
type Position struct {
	Place int64   // 1-based; 0 when the idea is closed
	Of    int64   // how many ideas are in the same list
	Queue bool    // the list is the queue awaiting scoring, not the ranking
	Above []int64 // up to two ideas just above it

	Framework    string // the backlog's scoring framework, which explains the score
	FrameworkDef string // its definition, when the workspace defined it (FrameworkFor)
}

// NewIdea validates a title and description as typed by a person and returns
// an idea awaiting scoring (its Number is assigned by the store).
func NewIdea(team, channel, author, title, description string, now time.Time) (Idea, error) {
	title = clean(title)
	description = cleanLines(description)
	switch n := utf8.RuneCountInString(title); {
	case !strings.ContainsFunc(title, visible):
		return Idea{}, Errorf(Invalid, "An idea needs a title with visible characters, e.g. `/idea Dark mode | for late-night work`.")
	case n > MaxTitle:
		return Idea{}, Errorf(Invalid, "That title is %d characters long; keep it to %d and put the rest in the description after a `|`.", n, MaxTitle)
	}
	if n := utf8.RuneCountInString(description); n > MaxDescription {
		return Idea{}, Errorf(Invalid, "That description is %d characters long; keep it to %d.", n, MaxDescription)
	}
	return Idea{
		Team: team, Channel: channel, Author: author,
		Title: title, Description: description,
		Status: StatusNew, Created: now,
	}, nil
}

// clean trims a one-line text and folds its runs of white space, control
// characters and bidirectional overrides into single spaces, so a title can
// neither break a listing's layout nor show text reversed to spoof another.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || isBidiControl(r)
	}), " ")
}

// cleanLines is clean for text of several lines: line breaks stay.
func cleanLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = clean(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// visible reports whether r shows as ink: not a space, a control or format
// character (zero-width spaces and joiners, BOM, bidi controls), a
// combining mark on its own, or a character that renders as nothing
// (Hangul fillers, braille blank).
func visible(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me,
		unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) && r != '\u2800'
}

// isBidiControl reports the invisible characters that reorder text: the
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// Actor is who asks for a change. Name is for display (Slack's user name);
// Admin is true only once Slack said the user is a workspace admin or owner,
// who may manage any backlog.
type Actor struct {
	ID, Name string
	Admin    bool
}

// IssueLink ties an idea to an issue of a tracker (GitHub Issues).
type IssueLink struct {
	Repo   string // "owner/repo"
	Number int
	URL    string // where people read the issue
	Author string // who opened it, by their tracker login
	// priobot's one comment on the issue: its id, and the idea's Rev and
	// the time when it was last written.
	Comment      int64
	CommentedRev int64
	CommentedAt  time.Time
	// Seen is the issue's state as priobot last saw or wrote it ("open",
	// "completed" or "not_planned"): a different one at a write means it
	// changed on the tracker meanwhile, and the tracker wins.
	Seen string
	// CommentQueued says the outbox holds a write of priobot's comment.
	CommentQueued bool
}

// Ref names the issue as people write it: "owner/repo#5".
func (l IssueLink) Ref() string { return l.Repo + "#" + strconv.Itoa(l.Number) }

// Lane is where the idea sits on its backlog's roadmap.
func (i Idea) Lane() Lane { return LaneOf(i.Status, i.Placed) }

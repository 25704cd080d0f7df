package prio

import (
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

// Idea is one entry of a channel's backlog. Number is unique per team and
// never reused.
type Idea struct {
	Team        string
	Channel     string
	Number      int64
	Title       string
	Description string
	Author      string
	Status      Status
	Created     time.Time
	CardTS      string // the idea card's message ts in Channel, once posted
}

// NewIdea validates a title and description as typed by a person and returns
// an idea awaiting scoring (its Number is assigned by the store).
func NewIdea(team, channel, author, title, description string, now time.Time) (Idea, error) {
	title = clean(title)
	description = strings.TrimSpace(description)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		return Idea{}, Errorf(Invalid, "An idea needs a title, e.g. `/idea Dark mode | for late-night work`.")
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

// clean trims a one-line text and folds its runs of white space and control
// characters into single spaces, so a title cannot break a listing's layout.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

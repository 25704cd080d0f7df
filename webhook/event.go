package webhook

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

// The events an endpoint receives.
const (
	IdeaCreated   = "idea.created"
	IdeaUpdated   = "idea.updated"
	PokerRevealed = "poker.revealed"
	PokerAccepted = "poker.accepted"
	SummaryPosted = "summary.posted"
	RatingsClosed = "ratings.closed"
	Ping          = "ping"
)

// Events are the events a backlog sends, as owners read them.
var Events = []string{IdeaCreated, IdeaUpdated, PokerRevealed, PokerAccepted, SummaryPosted, RatingsClosed}

// Event is what an endpoint receives, as JSON.
type Event struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"` // when the change was made
	Data      Data      `json:"data"`
}

// Data is an event's content. Idea events carry the idea as the change
// left it; poker events add the card; summary.posted the summary.
type Data struct {
	Team    string          `json:"team"`
	Channel string          `json:"channel"`
	Actor   *Person         `json:"actor"` // null when priobot acted on its own (a deadline)
	Change  *Change         `json:"change,omitempty"`
	Idea    *Idea           `json:"idea,omitempty"`
	Poker   *Poker          `json:"poker,omitempty"`
	Summary json.RawMessage `json:"summary,omitempty"`
	Ratings *Ratings        `json:"ratings,omitempty"`
}

// Ratings is a closed round of Priority Ratings: per idea how many rated
// it, their mean and median, and how many gave each rating; never who.
type Ratings struct {
	Round    int64       `json:"round"`
	Question string      `json:"question"`
	Raters   int         `json:"raters"` // how many were asked
	Rated    int         `json:"rated"`  // how many answered
	Ideas    []RatedIdea `json:"ideas"`  // ranked by mean, highest first
}

// RatedIdea is one idea's ratings.
type RatedIdea struct {
	Idea         int64          `json:"idea"`
	Count        int            `json:"count"`
	Mean         *float64       `json:"mean"`         // null when nobody rated it
	Median       *float64       `json:"median"`       // likewise
	Distribution map[string]int `json:"distribution"` // "1" to "5" -> how many gave it
}

// Person is a Slack user.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Change says what an idea.updated event changed: its status, score,
// merge (it went into another idea) or supporters.
type Change struct {
	Field  string `json:"field"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Reason string `json:"reason,omitempty"`
	Into   int64  `json:"into,omitempty"`
}

// Idea is an idea as events show it.
type Idea struct {
	Number      int64              `json:"number"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Status      string             `json:"status"`
	Score       *float64           `json:"score"` // null until every criterion has a value
	Framework   string             `json:"framework"`
	Criteria    map[string]float64 `json:"criteria"` // by criterion key, as people type them
	Rank        *Rank              `json:"rank"`     // null when it is in no list (closed)
	Lane        *string            `json:"lane"`     // now, next or later on the roadmap; null when off it
	Goal        *string            `json:"goal"`     // the goal it serves; null for none
	Supporters  int64              `json:"supporters"`
	Author      Person             `json:"author"`
	Created     time.Time          `json:"created"`
	Reason      string             `json:"reason,omitempty"`      // declined: why
	MergedInto  int64              `json:"merged_into,omitempty"` // merged: into which idea
	Source      *Source            `json:"source"`                // null: typed into /idea
	Links       []string           `json:"links"`
}

// Rank is where an open idea sits: its place among the ranked ideas, in
// the queue awaiting scoring, or among those in the works unscored.
type Rank struct {
	List  string `json:"list"` // ranked, awaiting or unscored
	Place int64  `json:"place"`
	Of    int64  `json:"of"`
}

// Source is the Slack message an idea came from.
type Source struct {
	Channel   string `json:"channel"`
	TS        string `json:"ts"`
	Permalink string `json:"permalink"`
}

// Poker is a revealed or accepted poker card.
type Poker struct {
	Session    int64               `json:"session"`
	Round      int64               `json:"round"`
	RevealedBy string              `json:"revealed_by"` // all, quorum, deadline or a user id
	Medians    map[string]*float64 `json:"medians"`     // by criterion key; null where no number was voted
	Votes      []Vote              `json:"votes"`
}

// Vote is one person's revealed vote: a value of the criterion's scale, or "?".
type Vote struct {
	Voter     Person `json:"voter"`
	Criterion string `json:"criterion"`
	Value     string `json:"value"`
}

// Body writes an outbox item's event as the JSON an endpoint receives.
// Everything comes from the item, so a retry sends the same bytes.
func Body(team, channel string, item outbox.Item) ([]byte, error) {
	e := Event{Type: item.Event, Timestamp: time.UnixMilli(item.At).UTC(), Data: Data{Team: team, Channel: channel}}
	if item.ActorID != "" {
		e.Data.Actor = &Person{ID: item.ActorID, Name: item.Actor}
	}
	if item.Change != "" {
		e.Data.Change = &Change{Field: item.Change, From: item.From, To: item.Status, Reason: item.Reason, Into: item.Into}
	}
	if item.Snap != nil {
		e.Data.Idea = idea(*item.Snap)
	}
	if item.Poker != nil {
		e.Data.Poker = card(*item.Poker)
	}
	if item.Summary != "" {
		e.Data.Summary = json.RawMessage(item.Summary)
	}
	if item.Ratings != nil {
		e.Data.Ratings = rated(*item.Ratings)
	}
	return json.Marshal(e)
}

func idea(s outbox.Snapshot) *Idea {
	i := s.Idea
	fw, err := prio.FrameworkFor(s.Framework, s.FrameworkDef)
	if err != nil {
		fw = prio.DefaultFramework
	}
	out := &Idea{
		Number: i.Number, Title: i.Title, Description: i.Description, Status: string(i.Status), Framework: fw.Name,
		Criteria: map[string]float64{}, Supporters: s.Supporters, Author: Person{ID: i.Author, Name: i.AuthorName},
		Created: i.Created, Reason: i.Reason, MergedInto: i.MergedInto, Links: append([]string{}, i.Links...),
	}
	if i.Scored {
		out.Score = &i.Score
	}
	for _, c := range fw.Criteria {
		if v, ok := i.Values[c.ID]; ok {
			out.Criteria[c.Key] = v
		}
	}
	if s.List != "" {
		out.Rank = &Rank{List: s.List, Place: s.Place, Of: s.Of}
	}
	if l := string(i.Lane()); l != "" {
		out.Lane = &l
	}
	if s.Goal != "" {
		out.Goal = &s.Goal
	}
	if src := i.Source; src != nil {
		out.Source = &Source{Channel: src.Channel, TS: src.TS, Permalink: src.Permalink}
	}
	return out
}

func card(p outbox.Poker) *Poker {
	out := &Poker{Session: p.Session, Round: p.Round, RevealedBy: p.RevealedBy, Medians: map[string]*float64{}, Votes: []Vote{}}
	byCriterion := map[string][]poker.Vote{}
	for key, raw := range p.Votes {
		voter, criterion, _ := strings.Cut(key, "|")
		value, _, _ := strings.Cut(raw, "|")
		byCriterion[criterion] = append(byCriterion[criterion], poker.Vote{Voter: voter, Value: value})
		out.Votes = append(out.Votes, Vote{Voter: Person{ID: voter, Name: p.Names[voter]}, Criterion: criterion, Value: value})
	}
	slices.SortFunc(out.Votes, func(a, b Vote) int {
		return strings.Compare(a.Criterion+"|"+a.Voter.ID, b.Criterion+"|"+b.Voter.ID)
	})
	fw, err := prio.FrameworkFor(p.Framework, p.FrameworkDef)
	if err != nil {
		fw = prio.DefaultFramework
	}
	for _, c := range fw.Criteria {
		if votes, ok := byCriterion[c.Key]; ok {
			if r := poker.Tally(c, votes); r.Counted > 0 {
				out.Medians[c.Key] = &r.Median
			} else {
				out.Medians[c.Key] = nil
			}
		}
	}
	return out
}

func rated(r outbox.Ratings) *Ratings {
	out := &Ratings{Round: r.Round, Question: r.Question, Raters: r.Raters, Rated: r.Rated, Ideas: []RatedIdea{}}
	dists := map[int64][ratings.Highest]int{}
	ideas := make([]int64, len(r.Ideas))
	for i, idea := range r.Ideas {
		ideas[i], dists[idea.Idea] = idea.Idea, idea.Dist
	}
	for _, res := range ratings.Rank(ideas, dists) {
		idea := RatedIdea{Idea: res.Idea, Count: res.Count, Distribution: map[string]int{}}
		for i, n := range res.Dist {
			idea.Distribution[strconv.Itoa(i+1)] = n
		}
		if res.Count > 0 {
			idea.Mean, idea.Median = &res.Mean, &res.Median
		}
		out.Ideas = append(out.Ideas, idea)
	}
	return out
}

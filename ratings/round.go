package ratings

import (
	"cmp"
	"slices"
	"time"

	"github.com/priobot/priobot/prio"
)

// DefaultFor is how long ratings stay open when the owner says nothing:
// long enough for busy stakeholders, short enough to be remembered.
const DefaultFor = 3 * 24 * time.Hour

// Skip is a rater's answer when they have no view on an idea: it counts
// as answered, never in the sums.
const Skip = 0

// Round is one round of ratings, as stored.
type Round struct {
	Team, Channel string
	ID            int64
	Ideas         []int64
	Question      string
	By, ByName    string // the owner who asked
	Created       time.Time
	Deadline      time.Time
	Raters        int // how many were asked
	Rated         int // how many answered at least one idea
	Closed        time.Time
	ClosedBy      string   // a name, or "" at the deadline
	TS            string   // the progress message in the channel
	ResultsTS     string   // the results in its thread, once posted
	Used          []string // the criteria (keys) its means were used as
}

// Open says whether ratings are still taken.
func (r Round) Open() bool { return r.Closed.IsZero() }

// Ranked is one idea's results in a closed round.
type Ranked struct {
	Idea int64
	Result
}

// FromDist sums ratings given as a distribution (how many gave 1, 2, …).
func FromDist(dist [Highest]int) Result {
	var all []int
	for i, n := range dist {
		for range n {
			all = append(all, i+1)
		}
	}
	return Sum(all)
}

// Rank orders a round's results by mean, highest first; ideas nobody
// rated come last; ties keep the order the ideas were asked in.
func Rank(ideas []int64, dists map[int64][Highest]int) []Ranked {
	out := make([]Ranked, len(ideas))
	for i, n := range ideas {
		out[i] = Ranked{Idea: n, Result: FromDist(dists[n])}
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		if (a.Count == 0) != (b.Count == 0) {
			return cmp.Compare(b.Count, a.Count) // unrated last
		}
		return cmp.Compare(b.Mean, a.Mean)
	})
	return out
}

// What a rater's click did.
const (
	Recorded  = "ok"     // the answer is stored
	Unchanged = "same"   // a redelivery or an older click: nothing changed
	Closed    = "closed" // the round had closed
	Gone      = "gone"   // the idea left play meanwhile
)

// Answer is what a rater's click did, and what their DM then shows.
type Answer struct {
	Outcome string
	Round   Round  // its question, asker, deadline, closing and counts
	Lines   []Line // the round's ideas, in order
}

// Line is an idea in a rater's DM.
type Line struct {
	Idea   int64
	Title  string
	Status prio.Status
	Mine   int  // the rater's answer (Skip or 1 to 5)
	Given  bool // whether they answered
}

// Package poker is priority poker's domain: how a session is started, and
// the statistics of a card's votes. It imports neither Slack nor Redis.
package poker

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
)

// Unsure is the "?" vote: counted as a vote, left out of the statistics.
const Unsure = "?"

// Limits on a session.
const (
	MaxIdeas    = 20
	MinDeadline = 5 * time.Minute
	MaxDeadline = 7 * 24 * time.Hour
	MaxVoters   = 50
)

// Start is what `/poker …` asks for.
type Start struct {
	Ideas    []int64       // idea numbers, in order; empty with Next
	Next     int           // "next 5": the oldest ideas awaiting scoring
	Voters   []string      // user ids expected to vote; empty: anyone in the channel
	Names    []string      // their names as Slack sent them, where it did
	Deadline time.Duration // 0: none
	Quorum   int           // reveal once this many have voted; 0: off
	NoRemind bool          // "remind off": no automatic reminder before the deadline
}

// ParseDuration reads a voting time: 30m, 2h, 3d, 1h30m; 5 minutes to 7 days.
func ParseDuration(s string) (time.Duration, error) {
	raw := strings.ToLower(s)
	days := time.Duration(0)
	if i := strings.IndexByte(raw, 'd'); i > 0 {
		n, err := strconv.Atoi(raw[:i])
		if err != nil || n < 0 || n > 7 {
			return 0, badDuration(s)
		}
		days, raw = time.Duration(n)*24*time.Hour, raw[i+1:]
	}
	d := time.Duration(0)
	if raw != "" {
		var err error
		if d, err = time.ParseDuration(raw); err != nil {
			return 0, badDuration(s)
		}
	}
	d += days
	if d < MinDeadline || d > MaxDeadline {
		return 0, badDuration(s)
	}
	return d, nil
}

func badDuration(s string) error {
	return prio.Errorf(prio.Invalid, "%s is not a voting time; use 5m to 7d, like `for 30m`, `for 24h` or `for 3d`.", prio.Quote(s))
}

// Agreement says how far apart a criterion's votes are.
type Agreement string

// The agreement levels.
const (
	High   Agreement = "high"
	Medium Agreement = "medium"
	Low    Agreement = "low"
)

// Vote is one person's vote on one criterion: a scale label or Unsure.
type Vote struct {
	Voter string
	Value string
}

// Result is a criterion's statistics after reveal.
type Result struct {
	Votes     []Vote  // as cast, sorted by voter
	Median    float64 // the statistical median; valid when Counted > 0
	Counted   int     // votes other than Unsure
	Spread    int     // scale steps between the lowest and highest vote
	Agreement Agreement
	Lowest    []string // voters of the lowest value, when agreement is low
	Highest   []string // voters of the highest value, when agreement is low
}

// Tally computes a criterion's median, spread and agreement. The median is
// what people read the word as: the middle vote, or for an even count the
// mean of the two middle ones (5 and 8 make 6.5), so it may fall between
// cards. Spread is counted in scale steps; agreement is high when the
// spread is at most a fifth of the scale, medium up to two fifths, low beyond.
func Tally(c prio.Criterion, votes []Vote) Result {
	r := Result{Votes: slices.Clone(votes), Agreement: High}
	slices.SortFunc(r.Votes, func(a, b Vote) int { return strings.Compare(a.Voter, b.Voter) })
	var idx []int
	for _, v := range r.Votes {
		if i := scaleIndex(c, v.Value); i >= 0 {
			idx = append(idx, i)
		}
	}
	r.Counted = len(idx)
	if r.Counted == 0 {
		return r
	}
	slices.Sort(idx)
	lo, hi := idx[0], idx[len(idx)-1]
	mid := len(idx) / 2
	if len(idx)%2 == 1 {
		r.Median = c.Scale[idx[mid]]
	} else {
		r.Median = (c.Scale[idx[mid-1]] + c.Scale[idx[mid]]) / 2
	}
	r.Spread = hi - lo
	span := float64(r.Spread) / float64(max(1, len(c.Scale)-1))
	switch {
	case span <= 0.2+1e-9:
		r.Agreement = High
	case span <= 0.4+1e-9:
		r.Agreement = Medium
	default:
		r.Agreement = Low
	}
	if r.Agreement == Low {
		for _, v := range r.Votes {
			switch scaleIndex(c, v.Value) {
			case lo:
				r.Lowest = append(r.Lowest, v.Voter)
			case hi:
				r.Highest = append(r.Highest, v.Voter)
			}
		}
	}
	return r
}

// Worst is the lowest agreement among results.
func Worst(results []Result) Agreement {
	worst := High
	for _, r := range results {
		if r.Counted > 0 && rank(r.Agreement) > rank(worst) {
			worst = r.Agreement
		}
	}
	return worst
}

func rank(a Agreement) int { return map[Agreement]int{High: 0, Medium: 1, Low: 2}[a] }

// ValidVote reports whether value is a vote on c's scale, or Unsure.
func ValidVote(c prio.Criterion, value string) bool {
	return value == Unsure || scaleIndex(c, value) >= 0
}

func scaleIndex(c prio.Criterion, label string) int {
	for i, v := range c.Scale {
		if c.Label(v) == label {
			return i
		}
	}
	return -1
}

// Session states and card states.
const (
	SessionOpen  = "open"
	SessionEnded = "ended"

	CardVoting   = "voting"
	CardRevealed = "revealed"
	CardAccepted = "accepted"
	CardSkipped  = "skipped"
	CardClosed   = "closed"   // the session ended before a reveal; votes stay hidden
	CardUnscored = "unscored" // the session ended after the reveal, before a decision
	CardLeft     = "left"     // the idea left play (declined, merged, shipped) while on the card
)

// Session is one priority-poker session in a channel's thread.
type Session struct {
	ID                   int64
	Team, Channel        string
	Facilitator, FacName string
	Voters, VoterNames   []string // expected voters; empty: anyone
	Deadline             time.Time
	Quorum               int
	NoRemind             bool // no automatic reminder before the deadline
	Created              time.Time
	TS                   string // the session message, root of the thread
	Ideas                []int64
	State                string
	Framework            string
	FrameworkDef         string // the workspace's definition of it, "" for a built-in
}

// Scoring is the framework the session scores with.
func (s Session) Scoring() (prio.Framework, error) {
	return prio.FrameworkFor(s.Framework, s.FrameworkDef)
}

// Card is one idea's voting card in a session.
type Card struct {
	Idea         int64
	State        string
	Round        int
	TS           string
	Voted        []string                     // who voted on every criterion, sorted
	Partial      []string                     // who voted on some criteria
	Votes        map[string]map[string]string // criterion key -> voter -> vote; only once revealed
	Revealed     time.Time
	RevealedBy   string // "all" named voters voted, the "quorum" was reached, the "deadline" passed, or who pressed Reveal
	RevealerName string // the name of who pressed Reveal
	Version      int64  // bumped by every vote and state change, for coalesced redraws
}

// Voted is what a vote did.
type Voted struct {
	Mine       []string // the voter's own votes by criterion, "" where none yet
	Revealed   string   // why the vote revealed the card ("all", "quorum"), or ""
	HomeViewer bool     // the voter looks at their App Home lately
	Receipt    int64    // the vote's number among the voter's votes on the card
	Turn       bool     // its handler sends the receipt; else the one sending theirs now does
}

// ReceiptTurn bounds how long one receipt may take to reach its voter:
// a voter's receipts on a card go one at a time, the newest last, and
// one that takes longer no longer holds back the next.
const ReceiptTurn = 10 * time.Second

// Receipt is a voter's newest receipt on a card, still to send.
type Receipt struct {
	Number int64
	URL    string   // the response_url of the vote it answers
	Card   Card     // the card's state now, and what revealed it
	Mine   []string // the voter's own votes by criterion, "" where none yet
}

// Missing lists the expected voters who have not voted on every criterion.
func (s Session) Missing(c Card) []string {
	var out []string
	for _, v := range s.Voters {
		if !slices.Contains(c.Voted, v) {
			out = append(out, v)
		}
	}
	return out
}

// CanVote reports whether user may vote in s.
func (s Session) CanVote(user string) bool {
	return len(s.Voters) == 0 || slices.Contains(s.Voters, user)
}

// Ref names a session across channels and teams.
type Ref struct {
	Team, Channel string
	ID            int64
}

// VoterName is how a named voter is called, or their id when unknown.
func (s Session) VoterName(user string) string {
	for i, v := range s.Voters {
		if v == user && i < len(s.VoterNames) {
			return s.VoterNames[i]
		}
	}
	return user
}

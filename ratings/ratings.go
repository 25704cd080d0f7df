// Package ratings holds the rules of Priority Ratings: many stakeholders
// rate ideas on one question from 1 (not at all) to 5 (enormously),
// anonymously, and their mean can feed a benefit criterion. It parses the
// command, sums ratings up and maps a mean onto a criterion's scale. It
// imports neither Slack nor Redis.
package ratings

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// Limits of a round of ratings.
const (
	MaxIdeas    = 10
	MaxRaters   = 500
	MaxQuestion = 150
	Lowest      = 1
	Highest     = 5
)

// DefaultQuestion is asked when the owner asks none.
const DefaultQuestion = "How much would this matter to the people you speak for?"

// Ask is a round of ratings as typed: `/backlog ratings #3 #5 from @ann
// @sales-team #support [for 3d] [ask "How much would your customers gain?"]`.
type Ask struct {
	Ideas  []int64
	People []string // user ids named
	Groups []string // user group ids named (their members rate)
	// GroupNames are the groups' handles as typed, "@sales-team", for answers.
	GroupNames map[string]string
	Channels   []string // channel ids named (their members rate)
	For        time.Duration
	Question   string
}

var (
	groupRef   = regexp.MustCompile(`^<!subteam\^(S[A-Z0-9]{1,30})(?:\|([^>]*))?>$`)
	channelRef = regexp.MustCompile(`^<#([CG][A-Z0-9]{1,30})(?:\|[^>]*)?>$`)
)

// Parse reads a round of ratings as typed after `/backlog ratings`.
func Parse(text string) (Ask, error) {
	a := Ask{Question: DefaultQuestion}
	text = strings.TrimSpace(text)
	if before, q, ok := strings.Cut(text, " ask "); ok {
		question, err := parseQuestion(q)
		if err != nil {
			return a, err
		}
		a.Question, text = question, before
	}
	words := strings.Fields(text)
	for ; len(words) > 0 && prio.IsRef(words[0]); words = words[1:] {
		n, err := prio.ParseRef(words[0])
		if err != nil {
			return a, err
		}
		if !slices.Contains(a.Ideas, n) {
			a.Ideas = append(a.Ideas, n)
		}
	}
	if len(a.Ideas) == 0 {
		return a, prio.Errorf(prio.Invalid, "Name the ideas to rate and who rates them, like `/backlog ratings #3 #5 from @ann @sales-team #support for 3d`.")
	}
	if len(a.Ideas) > MaxIdeas {
		return a, prio.Errorf(prio.Invalid, "A round of ratings takes up to %d ideas; you named %d.", MaxIdeas, len(a.Ideas))
	}
	if len(words) == 0 || !strings.EqualFold(words[0], "from") {
		return a, prio.Errorf(prio.Invalid, "Say who rates them after `from`: people, user groups or channels, like `from @ann @sales-team #support`.")
	}
	words = words[1:]
	for ; len(words) > 0 && !strings.EqualFold(words[0], "for"); words = words[1:] {
		if err := a.addRater(words[0]); err != nil {
			return a, err
		}
	}
	if len(a.People)+len(a.Groups)+len(a.Channels) == 0 {
		return a, prio.Errorf(prio.Invalid, "Name who rates after `from`: people (@ann), user groups (@sales-team) or channels (#support).")
	}
	if len(words) > 0 { // for 3d
		if len(words) != 2 {
			return a, prio.Errorf(prio.Invalid, "Say how long ratings stay open, like `for 3d` (5m to 7d), at the end or before `ask`.")
		}
		d, err := poker.ParseDuration(words[1])
		if err != nil {
			return a, err
		}
		a.For = d
	}
	return a, nil
}

// addRater reads one rater: a person, a user group or a channel.
func (a *Ask) addRater(word string) error {
	if id, _, ok := prio.ParseUserRef(word); ok {
		if !slices.Contains(a.People, id) {
			a.People = append(a.People, id)
		}
		return nil
	}
	if m := groupRef.FindStringSubmatch(word); m != nil {
		if !slices.Contains(a.Groups, m[1]) {
			a.Groups = append(a.Groups, m[1])
			if a.GroupNames == nil {
				a.GroupNames = map[string]string{}
			}
			a.GroupNames[m[1]] = cmp.Or(m[2], m[1])
		}
		return nil
	}
	if m := channelRef.FindStringSubmatch(word); m != nil {
		if !slices.Contains(a.Channels, m[1]) {
			a.Channels = append(a.Channels, m[1])
		}
		return nil
	}
	return prio.Errorf(prio.Invalid, "%s is not a person, a user group or a channel; name raters like `from @ann @sales-team #support`.", prio.Quote(word))
}

// parseQuestion reads `"How much would your customers gain?"`.
func parseQuestion(text string) (string, error) {
	q := strings.TrimSpace(text)
	for _, pair := range [][2]string{{`"`, `"`}, {"“", "”"}} {
		if strings.HasPrefix(q, pair[0]) && strings.HasSuffix(q, pair[1]) && len(q) >= len(pair[0])+len(pair[1]) {
			q = strings.TrimSpace(q[len(pair[0]) : len(q)-len(pair[1])])
			break
		}
	}
	switch n := len([]rune(q)); {
	case n == 0:
		return "", prio.Errorf(prio.Invalid, "Write the question after `ask`, in quotes, like `ask \"How much would your customers gain?\"`.")
	case n > MaxQuestion:
		return "", prio.Errorf(prio.Invalid, "Keep the question to %d characters (it has %d).", MaxQuestion, n)
	}
	return q, nil
}

// Result sums up one idea's ratings: never who gave which.
type Result struct {
	Count  int
	Mean   float64 // 0 when none
	Median float64 // 0 when none
	Dist   [Highest]int
}

// Sum sums ratings (each 1 to 5; others are ignored).
func Sum(ratings []int) Result {
	var r Result
	var valid []int
	for _, v := range ratings {
		if v >= Lowest && v <= Highest {
			valid = append(valid, v)
			r.Dist[v-1]++
		}
	}
	r.Count = len(valid)
	if r.Count == 0 {
		return r
	}
	total := 0
	for _, v := range valid {
		total += v
	}
	r.Mean = math.Round(float64(total)/float64(r.Count)*100) / 100
	slices.Sort(valid)
	if r.Count%2 == 1 {
		r.Median = float64(valid[r.Count/2])
	} else {
		r.Median = float64(valid[r.Count/2-1]+valid[r.Count/2]) / 2
	}
	return r
}

// Exact is the mean unrounded, from the distribution: what a criterion's
// value is mapped from.
func (r Result) Exact() float64 {
	if r.Count == 0 {
		return 0
	}
	total := 0
	for i, n := range r.Dist {
		total += (i + 1) * n
	}
	return float64(total) / float64(r.Count)
}

// Bars draws a distribution in one line: "1▁ 2▂ 3▅ 4█ 5▃", each bar as
// tall as its count beside the largest.
func (r Result) Bars() string {
	const levels = "▁▂▃▄▅▆▇█"
	steps := []rune(levels)
	top := max(slices.Max(r.Dist[:]), 1)
	parts := make([]string, Highest)
	for i, n := range r.Dist {
		bar := " "
		if n > 0 {
			bar = string(steps[(n*len(steps)-1)/top])
		}
		parts[i] = string(rune('1'+i)) + bar
	}
	return strings.Join(parts, " ")
}

// OnScale maps a mean rating (1 to 5) linearly onto a criterion's scale,
// from its lowest card to its highest, as a value between the cards.
func OnScale(mean float64, c prio.Criterion) float64 {
	lo, hi := c.Scale[0], c.Scale[len(c.Scale)-1]
	v := lo + (mean-Lowest)/(Highest-Lowest)*(hi-lo)
	return math.Round(math.Max(lo, math.Min(hi, v))*100) / 100
}

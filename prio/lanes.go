package prio

import (
	"strings"
	"unicode/utf8"
)

// Lane is where an idea sits on its backlog's roadmap. It is derived from
// the idea's status and where owners placed it: in progress is Now;
// planned is Next, or Now when placed there; an idea not yet planned is on
// the roadmap only when placed in Later.
type Lane string

// The lanes, in the roadmap's order; Off is no lane.
const (
	Off   Lane = ""
	Now   Lane = "now"
	Next  Lane = "next"
	Later Lane = "later"
)

// Lanes are the roadmap's lanes, in order.
var Lanes = []Lane{Now, Next, Later}

// Title is how a lane is headed: "Now".
func (l Lane) Title() string {
	if l == Off {
		return "Off the roadmap"
	}
	return strings.ToUpper(string(l[:1])) + string(l[1:])
}

// LaneOf is where an idea with this status, placed (by owners) in placed,
// sits on the roadmap; Off for none (closed, or not yet planned nor placed).
func LaneOf(s Status, placed Lane) Lane {
	switch s {
	case StatusInProgress:
		return Now
	case StatusPlanned:
		if placed == Now {
			return Now
		}
		return Next
	case StatusNew, StatusRanked:
		if placed == Later {
			return Later
		}
	}
	return Off
}

// ParseLane reads `now`, `next`, `later` or `off`.
func ParseLane(word string) (Lane, error) {
	switch l := Lane(strings.ToLower(strings.TrimSpace(word))); l {
	case Now, Next, Later:
		return l, nil
	case "off":
		return Off, nil
	}
	return Off, Errorf(Invalid, "%s is not a lane: say `now`, `next`, `later` or `off`, like `/backlog roadmap #12 next`.", Quote(word))
}

// RoadmapMove is what placing an idea in a lane does: the status it gets
// (Unplan: back to awaiting scoring or scored, as its score says) and the
// placement stored beside it.
type RoadmapMove struct {
	Status Status // the status after; Unplan when planning is undone
	Placed Lane
}

// Unplan is the status an idea planned but moved to Later or off the
// roadmap gets back: scored when it has a score, else awaiting scoring.
const Unplan Status = "unplan"

// Place decides what placing idea n (status s) in lane to does, or why it
// may not: closed ideas are off the roadmap; an idea in progress stays in
// Now until it ships; placing an idea not yet planned in Now or Next plans
// it, and moving a planned one to Later or off takes its plan back.
func Place(n int64, s Status, to Lane) (RoadmapMove, error) {
	switch {
	case !s.Open():
		return RoadmapMove{}, Errorf(Conflict, "#%d is %s; only open ideas go on the roadmap.", n, s.Label())
	case s == StatusInProgress && to != Now:
		return RoadmapMove{}, Errorf(Conflict, "#%d is in progress, so it stays in Now until it ships; `/backlog status #%d planned` moves it back to planned first.", n, n)
	case to == Now || to == Next:
		placed := Off
		if to == Now {
			placed = Now
		}
		if s == StatusInProgress {
			return RoadmapMove{Status: s, Placed: Now}, nil
		}
		return RoadmapMove{Status: StatusPlanned, Placed: placed}, nil
	case s == StatusPlanned:
		return RoadmapMove{Status: Unplan, Placed: to}, nil
	}
	return RoadmapMove{Status: s, Placed: to}, nil
}

// Limits of goals.
const (
	MaxGoals           = 12
	MaxGoalName        = 40
	MaxGoalDescription = 200
)

// Goal is an outcome a backlog's ideas serve: "Win enterprise deals".
type Goal struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// ParseGoal reads `<name> [| <description>]`.
func ParseGoal(text string) (Goal, error) {
	name, desc, _ := strings.Cut(text, "|")
	g := Goal{Name: clean(name), Description: clean(desc)}
	switch n := utf8.RuneCountInString(g.Name); {
	case !strings.ContainsFunc(g.Name, visible):
		return Goal{}, Errorf(Invalid, "Name the goal, an outcome, like `/backlog goal add Win enterprise deals | SSO, audit logs and admin controls`.")
	case n > MaxGoalName:
		return Goal{}, Errorf(Invalid, "Keep a goal's name to %d characters (it has %d); say more after a `|`.", MaxGoalName, n)
	case strings.EqualFold(g.Name, "none"):
		return Goal{}, Errorf(Invalid, "“none” takes an idea out of its goal; name the goal otherwise.")
	}
	if n := utf8.RuneCountInString(g.Description); n > MaxGoalDescription {
		return Goal{}, Errorf(Invalid, "Keep a goal's description to %d characters (it has %d).", MaxGoalDescription, n)
	}
	return g, nil
}

// GoalNamed finds a goal by name, case aside.
func GoalNamed(goals []Goal, name string) (Goal, bool) {
	name = clean(name)
	for _, g := range goals {
		if strings.EqualFold(g.Name, name) {
			return g, true
		}
	}
	return Goal{}, false
}

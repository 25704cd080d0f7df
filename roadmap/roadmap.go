// Package roadmap derives a backlog's roadmap from its ideas: the lanes
// Now, Next and Later by goal, what shipped lately, the executives' grid,
// what changed since a summary, and the picture. It imports neither Slack
// nor Redis.
package roadmap

import (
	"fmt"
	"slices"
	"time"

	"github.com/priobot/priobot/prio"
)

// How far back shipped ideas count: Done lists a month; the goals count a quarter.
const (
	DoneWindow    = 30 * 24 * time.Hour
	ShippedWindow = 90 * 24 * time.Hour
)

// Snapshot is a backlog's roadmap as read at Now: its goals, the ideas on
// it in the backlog's order, and those shipped in the last ShippedWindow,
// newest first.
type Snapshot struct {
	Goals   []prio.Goal
	Ideas   []prio.Idea
	Shipped []prio.Idea
	Now     time.Time
}

// Lane lists the ideas in one lane, in the backlog's order.
func (s Snapshot) Lane(l prio.Lane) []prio.Idea {
	var out []prio.Idea
	for _, idea := range s.Ideas {
		if idea.Lane() == l {
			out = append(out, idea)
		}
	}
	return out
}

// Done lists what shipped in the last DoneWindow, newest first.
func (s Snapshot) Done() []prio.Idea {
	var out []prio.Idea
	for _, idea := range s.Shipped {
		if s.Now.Sub(idea.StatusAt) <= DoneWindow {
			out = append(out, idea)
		}
	}
	return out
}

// GoalName names goal id ("" for none or one removed).
func (s Snapshot) GoalName(id int64) string {
	for _, g := range s.Goals {
		if g.ID == id {
			return g.Name
		}
	}
	return ""
}

// Row is a goal's line in the executives' grid: per lane how many ideas
// and the first titles, and how many shipped in the last ShippedWindow.
type Row struct {
	Goal    prio.Goal // ID 0: the ideas under no goal
	Cells   map[prio.Lane]Cell
	Shipped int
}

// Cell is one lane of one goal.
type Cell struct {
	Count  int
	Titles []string // the first MaxTitles, in the backlog's order
}

// MaxTitles is how many titles a cell of the grid names.
const MaxTitles = 3

// NoGoal heads the row of ideas under no goal.
const NoGoal = "No goal"

// Grid is the roadmap by goal: a row per goal (those with nothing in them
// too), then one for ideas under no goal when there are any.
func (s Snapshot) Grid() []Row {
	rows := make([]Row, 0, len(s.Goals)+1)
	index := map[int64]int{}
	for _, g := range s.Goals {
		index[g.ID] = len(rows)
		rows = append(rows, Row{Goal: g, Cells: map[prio.Lane]Cell{}})
	}
	none := -1
	row := func(goal int64) *Row {
		if i, ok := index[goal]; ok {
			return &rows[i]
		}
		if none < 0 {
			none = len(rows)
			rows = append(rows, Row{Goal: prio.Goal{Name: NoGoal}, Cells: map[prio.Lane]Cell{}})
		}
		return &rows[none]
	}
	for _, idea := range s.Ideas {
		r := row(idea.Goal)
		c := r.Cells[idea.Lane()]
		c.Count++
		if len(c.Titles) < MaxTitles {
			c.Titles = append(c.Titles, idea.Title)
		}
		r.Cells[idea.Lane()] = c
	}
	for _, idea := range s.Shipped {
		row(idea.Goal).Shipped++
	}
	return rows
}

// Seen is an idea's place as a summary showed it.
type Seen struct {
	Lane prio.Lane
	Goal int64
}

// Seen is the roadmap as a summary shows it, to compare the next with.
func (s Snapshot) Seen() map[int64]Seen {
	out := make(map[int64]Seen, len(s.Ideas))
	for _, idea := range s.Ideas {
		out[idea.Number] = Seen{Lane: idea.Lane(), Goal: idea.Goal}
	}
	return out
}

// Change is how one idea moved since a summary: "#12 Dark mode Next → Now".
type Change struct {
	Idea     int64
	Title    string
	From, To prio.Lane // Off: added (From) or left (To)
	Shipped  bool      // it left because it shipped
}

// String says the change in words, the title as given (escape it first).
func (c Change) String() string {
	subject := fmt.Sprintf("#%d %s", c.Idea, c.Title)
	switch {
	case c.Shipped:
		return subject + " shipped"
	case c.From == prio.Off:
		return subject + " added to " + c.To.Title()
	case c.To == prio.Off:
		return subject + " left the roadmap"
	}
	return fmt.Sprintf("%s %s → %s", subject, c.From.Title(), c.To.Title())
}

// Changes lists how the roadmap moved since before (as Seen left it): in
// the order of the lanes now, then what left it; nil when nothing moved.
// titles names ideas that left (closed ideas are not in the snapshot).
func Changes(before map[int64]Seen, s Snapshot, titles map[int64]string) []Change {
	var out []Change
	for _, l := range prio.Lanes {
		for _, idea := range s.Lane(l) {
			if was := before[idea.Number]; was.Lane != l {
				out = append(out, Change{Idea: idea.Number, Title: idea.Title, From: was.Lane, To: l})
			}
		}
	}
	now := s.Seen()
	var left []int64
	for n := range before {
		if _, ok := now[n]; !ok {
			left = append(left, n)
		}
	}
	slices.Sort(left)
	for _, n := range left {
		shipped := slices.ContainsFunc(s.Shipped, func(i prio.Idea) bool { return i.Number == n })
		out = append(out, Change{Idea: n, Title: titles[n], From: before[n].Lane, Shipped: shipped})
	}
	return out
}

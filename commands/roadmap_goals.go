package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/roadmap"
)

// RoadmapStore keeps a backlog's roadmap: goals, where ideas are placed,
// and what the last summary showed. store.Store implements it.
type RoadmapStore interface {
	AddGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) (prio.Goal, error)
	RenameGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) (prio.Goal, error)
	RemoveGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) error
	Goals(ctx context.Context, team, channel string) ([]prio.Goal, error)
	SetGoal(ctx context.Context, team, channel string, n int64, g prio.Goal, actor prio.Actor, now time.Time) error
	PlaceIdea(ctx context.Context, team, channel string, n int64, to prio.Lane, actor prio.Actor, now time.Time) (prio.Lane, prio.Idea, int, error)
	Roadmap(ctx context.Context, team, channel string, now time.Time) (roadmap.Snapshot, error)
	RoadmapSeen(ctx context.Context, team, channel string) (map[int64]roadmap.Seen, bool, error)
	SeeRoadmap(ctx context.Context, team, channel string, seen map[int64]roadmap.Seen) error
}

// goal serves `/backlog goal add|rename|remove …` and `/backlog goal #12 <goal>|none`.
func (a *App) goal(ctx context.Context, r Request) (*Reply, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(r.Text), " ")
	rest = strings.TrimSpace(rest)
	switch {
	case strings.EqualFold(verb, "add"):
		return a.addGoal(ctx, r, rest)
	case strings.EqualFold(verb, "rename"):
		return a.renameGoal(ctx, r, rest)
	case strings.EqualFold(verb, "remove"):
		return a.removeGoal(ctx, r, rest)
	case prio.IsRef(verb):
		return a.goalOf(ctx, r, verb, rest)
	}
	return nil, prio.Errorf(prio.Invalid, "Say `/backlog goal add <name> [| <description>]`, `goal rename <name> = <new name>`, `goal remove <name>` or `goal #12 <name>|none`; `/backlog goals` lists them.")
}

func (a *App) addGoal(ctx context.Context, r Request, text string) (*Reply, error) {
	g, err := prio.ParseGoal(text)
	if err != nil {
		return nil, err
	}
	err = a.asOwner(ctx, r, "add goals", func(actor prio.Actor) (err error) {
		g, err = a.roadmap.AddGoal(ctx, r.Team, r.Channel, g, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("Added the goal *%s*. Put ideas under it with `/backlog goal #12 %s`.", esc(g.Name), esc(g.Name))), nil
}

// namedGoal finds one of the backlog's goals by name, or says which there are.
func (a *App) namedGoal(ctx context.Context, r Request, name string) (prio.Goal, error) {
	goals, err := a.roadmap.Goals(ctx, r.Team, r.Channel)
	if err != nil {
		return prio.Goal{}, err
	}
	if g, ok := prio.GoalNamed(goals, name); ok {
		return g, nil
	}
	if len(goals) == 0 {
		return prio.Goal{}, prio.Errorf(prio.NotFound, "This backlog has no goals yet; add one with `/backlog goal add <name>`.")
	}
	names := make([]string, len(goals))
	for i, g := range goals {
		names[i] = esc(g.Name)
	}
	return prio.Goal{}, prio.Errorf(prio.NotFound, "This backlog has no goal %s; its goals are %s.", prio.Quote(prio.Shorten(name, 40)), join(names))
}

func (a *App) renameGoal(ctx context.Context, r Request, text string) (*Reply, error) {
	old, next, ok := strings.Cut(text, "=")
	if !ok {
		return nil, prio.Errorf(prio.Invalid, "Say `/backlog goal rename <name> = <new name> [| <description>]`.")
	}
	g, err := a.namedGoal(ctx, r, old)
	if err != nil {
		return nil, err
	}
	renamed, err := prio.ParseGoal(next)
	if err != nil {
		return nil, err
	}
	renamed.ID = g.ID
	err = a.asOwner(ctx, r, "rename goals", func(actor prio.Actor) (err error) {
		renamed, err = a.roadmap.RenameGoal(ctx, r.Team, r.Channel, renamed, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("Renamed the goal *%s* to *%s*; its ideas serve it still.", esc(g.Name), esc(renamed.Name))), nil
}

func (a *App) removeGoal(ctx context.Context, r Request, name string) (*Reply, error) {
	g, err := a.namedGoal(ctx, r, name)
	if err != nil {
		return nil, err
	}
	err = a.asOwner(ctx, r, "remove goals", func(actor prio.Actor) error {
		return a.roadmap.RemoveGoal(ctx, r.Team, r.Channel, g, actor)
	})
	if err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("Removed the goal *%s*.", esc(g.Name))), nil
}

// goalOf serves `/backlog goal #12 <goal>|none`.
func (a *App) goalOf(ctx context.Context, r Request, ref, name string) (*Reply, error) {
	n, err := prio.ParseRef(ref)
	if err != nil {
		return nil, err
	}
	var g prio.Goal
	if !strings.EqualFold(name, "none") {
		if name == "" {
			return nil, prio.Errorf(prio.Invalid, "Name the goal, like `/backlog goal #%d Win enterprise deals`, or `none`.", n)
		}
		if g, err = a.namedGoal(ctx, r, name); err != nil {
			return nil, err
		}
	}
	err = a.asOwner(ctx, r, "set ideas' goals", func(actor prio.Actor) error {
		return a.roadmap.SetGoal(ctx, r.Team, r.Channel, n, g, actor, a.now())
	})
	if err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	if g.ID == 0 {
		return ephemeral(fmt.Sprintf("#%d serves no goal now.", n)), nil
	}
	return ephemeral(fmt.Sprintf("#%d serves *%s* now.", n, esc(g.Name))), nil
}

// goals serves `/backlog goals`: each goal with its ideas per lane and
// what shipped for it in the last 90 days.
func (a *App) goals(ctx context.Context, r Request) (*Reply, error) {
	s, err := a.roadmap.Roadmap(ctx, r.Team, r.Channel, a.now())
	if err != nil {
		return nil, err
	}
	if len(s.Goals) == 0 {
		return ephemeral("This backlog has no goals yet. Goals are outcomes its ideas serve: `/backlog goal add Win enterprise deals | SSO, audit logs and admin controls`."), nil
	}
	lines := []string{fmt.Sprintf("*Goals of %s's backlog* (ideas on the roadmap now · next · later, and shipped in the last 90 days):", channelRef(r.Channel))}
	for _, row := range s.Grid() {
		if row.Goal.ID == 0 {
			continue
		}
		line := fmt.Sprintf("• *%s*: %d · %d · %d, %d shipped", esc(row.Goal.Name), row.Cells[prio.Now].Count, row.Cells[prio.Next].Count,
			row.Cells[prio.Later].Count, row.Shipped)
		if row.Goal.Description != "" {
			line += " — " + esc(row.Goal.Description)
		}
		lines = append(lines, line)
	}
	text := strings.Join(lines, "\n")
	return ephemeral(plainText(text), section("%s", text)), nil
}

// placeCmd serves `/backlog roadmap #12 now|next|later|off` (owners).
func (a *App) placeCmd(ctx context.Context, r Request) (*Reply, error) {
	ref, word, _ := strings.Cut(strings.TrimSpace(r.Text), " ")
	n, err := prio.ParseRef(ref)
	if err != nil || strings.TrimSpace(word) == "" {
		return nil, prio.Errorf(prio.Invalid, "Say where the idea goes: `/backlog roadmap #12 now|next|later|off`; `/roadmap` shows the roadmap.")
	}
	lane, err := prio.ParseLane(word)
	if err != nil {
		return nil, err
	}
	var (
		from prio.Lane
		idea prio.Idea
		told int
	)
	err = a.asOwner(ctx, r, "place ideas on the roadmap", func(actor prio.Actor) (err error) {
		from, idea, told, err = a.roadmap.PlaceIdea(ctx, r.Team, r.Channel, n, lane, actor, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if told > 0 || from != idea.Lane() {
		a.kickOutbox(ctx, r.Team, r.Channel) // DMs, a thread's line, webhook events
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	a.homesChanged(r.Team, r.Channel)
	to := idea.Lane()
	subject := fmt.Sprintf("#%d %s", n, esc(prio.Shorten(idea.Title, 80)))
	switch {
	case from == to:
		return ephemeral(fmt.Sprintf("%s is in %s already.", subject, laneWords(to))), nil
	case to == prio.Off:
		return ephemeral(fmt.Sprintf("%s left the roadmap (it was in %s); it is %s.", subject, from.Title(), idea.Status.Label())), nil
	}
	text := fmt.Sprintf("%s is on the roadmap in %s", subject, to.Title())
	if from != prio.Off {
		text = fmt.Sprintf("%s moved from %s to %s", subject, from.Title(), to.Title())
	}
	return ephemeral(text + fmt.Sprintf("; it is %s.", idea.Status.Label())), nil
}

// laneWords names a lane in a sentence: "Next", "no lane".
func laneWords(l prio.Lane) string {
	if l == prio.Off {
		return "no lane of the roadmap"
	}
	return l.Title()
}

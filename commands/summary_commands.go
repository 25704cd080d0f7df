package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/weekly"
)

// schedule serves `/backlog schedule [<weekday> <HH:MM> [Area/City] | off]`.
func (a *App) schedule(ctx context.Context, r Request) (*Reply, error) {
	switch strings.ToLower(strings.TrimSpace(r.Text)) {
	case "":
		stored, next, err := a.summaries.Schedule(ctx, r.Team, r.Channel)
		if err != nil {
			return nil, err
		}
		if stored == "" {
			return ephemeral("This channel has no weekly summary. Schedule one like `/backlog schedule monday 09:00 Europe/Berlin`."), nil
		}
		s, err := weekly.FromString(stored)
		if err != nil {
			return nil, err
		}
		return ephemeral(fmt.Sprintf("This channel's weekly summary comes %s. Next: %s.", describeSchedule(s), when(next, s))), nil
	case "off":
		err := a.asOwner(ctx, r, "turn off its weekly summary", func(actor prio.Actor) error {
			return a.summaries.SetSchedule(ctx, r.Team, r.Channel, actor, "", time.Time{})
		})
		if err != nil {
			return nil, err
		}
		return &Reply{Message: Message{Text: esc(r.UserName) + " turned off this channel's weekly backlog summary."}, InChannel: true}, nil
	}
	zone := ""
	if len(strings.Fields(r.Text)) == 2 { // no zone typed: the scheduling person's own
		u, err := a.slack.User(ctx, r.User)
		if err != nil {
			return nil, err
		}
		zone = u.TZ
	}
	s, err := weekly.Parse(r.Text, zone)
	if err != nil {
		return nil, err
	}
	next := s.Next(a.now())
	err = a.asOwner(ctx, r, "schedule its weekly summary", func(actor prio.Actor) error {
		return a.summaries.SetSchedule(ctx, r.Team, r.Channel, actor, s.String(), next)
	})
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("%s scheduled this channel's weekly backlog summary %s. First one: %s.", esc(r.UserName), describeSchedule(s), when(next, s))
	return &Reply{Message: Message{Text: text}, InChannel: true}, nil
}

// describeSchedule writes "every Monday at 09:00 (Europe/Berlin)".
func describeSchedule(s weekly.Schedule) string {
	return fmt.Sprintf("every %s at %02d:%02d (%s)", s.Weekday, s.Hour, s.Minute, s.Zone)
}

// when shows a run in each reader's zone, with the schedule's zone as fallback.
func when(t time.Time, s weekly.Schedule) string {
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	return fmt.Sprintf("<!date^%d^{date_long} at {time}|%s>", t.Unix(), t.In(loc).Format("Monday 2 January 15:04 MST"))
}

// summaryNow serves `/backlog summary`: this week's summary, now.
func (a *App) summaryNow(ctx context.Context, r Request) (*Reply, error) {
	facts, err := a.postSummary(ctx, r.Team, r.Channel, "", false)
	if err != nil {
		return nil, err
	}
	if err := a.summaries.SummaryPosted(ctx, r.Team, r.Channel, "", true, facts, a.now()); err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	return nil, nil
}

// matrixNow serves `/backlog matrix`: the priority matrix, posted in the channel.
func (a *App) matrixNow(ctx context.Context, r Request) (*Reply, error) {
	if err := a.postMatrix(ctx, r.Team, r.Channel, ""); err != nil {
		return nil, err
	}
	return nil, nil
}

// summaryPoker serves **Start poker on these**: the poker form, with the
// ideas the summary listed ticked, for whoever clicked to choose voters
// and a deadline before anyone is asked.
func (a *App) summaryPoker(ctx context.Context, r Request) (*Reply, error) {
	var chosen []int64
	for _, v := range strings.Split(r.Value, ",") {
		n, err := prio.ParseRef(v)
		if err != nil || len(chosen) == poker.MaxIdeas {
			return nil, prio.Errorf(prio.Invalid, "That button is broken; start a session with `/poker next 5`.")
		}
		chosen = append(chosen, n)
	}
	return nil, a.openPokerForm(ctx, r, chosen)
}

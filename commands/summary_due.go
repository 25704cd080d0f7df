package commands

import (
	"context"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/weekly"
)

// SummaryStore schedules the weekly summaries and remembers what they said. store.Store implements it.
type SummaryStore interface {
	SetSchedule(ctx context.Context, team, channel string, actor prio.Actor, schedule string, next time.Time) error
	Schedule(ctx context.Context, team, channel string) (string, time.Time, error)
	DueSummaries(ctx context.Context, now time.Time, limit int64) ([]weekly.Due, error)
	Reschedule(ctx context.Context, d weekly.Due, next time.Time) error
	ClaimSummary(ctx context.Context, team, channel, week string, now time.Time) (weekly.Claim, error)
	SummaryPosted(ctx context.Context, team, channel, week string, posted bool, summary map[string]any, now time.Time) error
	ReleaseSummary(ctx context.Context, team, channel, week string, now time.Time) error
	NoteSkipped(ctx context.Context, team, channel, week string) error
	TakeSkipped(ctx context.Context, team, channel string) (string, error)
	Snapshot(ctx context.Context, team, channel, week string, ranking []int64) (map[int64]int64, error)
	Activity(ctx context.Context, team, channel string, since time.Time) (submitted, scored, moved []int64, err error)
}

// lateGrace is how long after its time a summary still counts as on time.
const lateGrace = 10 * time.Minute

// postDue posts the summaries due by now, one every pace (Slack allows a
// few hundred posts a minute per workspace). Any number of replicas may
// run it: each (channel, ISO week) is claimed once. A run missed while no
// bot ran is posted late the same day in the channel's zone, or skipped and
// mentioned next week.
func (a *App) postDue(ctx context.Context, pace time.Duration) {
	due := func(ctx context.Context, now time.Time) ([]weekly.Due, error) {
		return a.summaries.DueSummaries(ctx, now, 500)
	}
	forEachDue(ctx, a, "weekly summaries", due, func(d weekly.Due) {
		if a.summarize(ctx, d) {
			select {
			case <-time.After(pace):
			case <-ctx.Done():
			}
		}
	})
}

// itemTimeout bounds the work on one due item (a summary, a deadline),
// which goes on to its end when shutdown begins.
const itemTimeout = 30 * time.Second

// summarize handles one due summary: claims it, posts it (late) or skips
// it, marks it done and reschedules. It reports whether it posted. Once
// claimed, it is seen through even if ctx ends meanwhile.
func (a *App) summarize(ctx context.Context, d weekly.Due) bool {
	stored, _, err := a.summaries.Schedule(ctx, d.Team, d.Channel)
	if err != nil || stored == "" {
		return false
	}
	s, err := weekly.FromString(stored)
	if err != nil {
		return false
	}
	now := a.now()
	week := s.Week(d.At)
	claim, err := a.summaries.ClaimSummary(ctx, d.Team, d.Channel, week, now)
	if err != nil || claim == weekly.ClaimHeld {
		return false // another replica is on it; it reschedules when done
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
	defer cancel()
	if claim == weekly.ClaimDone {
		// Its poster stopped before rescheduling: on to the week after
		// this one, which the next tick posts late or skips with a note.
		_ = a.summaries.Reschedule(ctx, d, s.Next(d.At))
		return false
	}
	next := s.Next(now)
	post, late := s.Late(d.At, now, lateGrace)
	var facts map[string]any
	if post {
		if facts, err = a.postSummary(ctx, d.Team, d.Channel, week, late); err != nil {
			// Give the claim back: the next tick tries again (late, or skips the week).
			a.log.ErrorContext(ctx, "weekly summary not posted", "team", d.Team, "channel", d.Channel, "week", week, "err", err)
			_ = a.summaries.ReleaseSummary(ctx, d.Team, d.Channel, week, now)
			return false
		}
	} else {
		_ = a.summaries.NoteSkipped(ctx, d.Team, d.Channel, week)
	}
	// Done only now: a replica that dies before this leaves the claim to
	// go stale, and another posts the summary instead.
	if err := a.summaries.SummaryPosted(ctx, d.Team, d.Channel, week, post, facts, a.now()); err != nil {
		return false
	}
	a.announced(ctx, d.Team, d.Channel)
	if err := a.summaries.Reschedule(ctx, d, next); err != nil {
		a.log.WarnContext(ctx, "weekly summary not rescheduled", "channel", d.Channel, "err", err)
	}
	return post
}

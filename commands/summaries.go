package commands

import (
	"context"
	"time"

	"github.com/priobot/priobot/weekly"
)

// Summaries post scheduled weekly summaries until ctx ends: every tick,
// the due ones, one every pace (Slack allows a few hundred posts a
// minute per workspace). Any number of replicas may run it: each (channel,
// ISO week) is claimed once. A run missed while no bot ran is posted late
// the same day in the channel's zone, or skipped and mentioned next week.
func (a *App) Summaries(ctx context.Context, tick, pace time.Duration) {
	a.every(ctx, tick, "weekly summaries", func() { a.postDue(ctx, pace) })
}

// lateGrace is how long after its time a summary still counts as on time.
const lateGrace = 10 * time.Minute

func (a *App) postDue(ctx context.Context, pace time.Duration) {
	due, err := a.store.DueSummaries(ctx, a.now(), 500)
	if err != nil {
		a.log.WarnContext(ctx, "weekly summaries: due", "err", err)
		return
	}
	for _, d := range due {
		if ctx.Err() != nil {
			return
		}
		if !a.summarize(ctx, d) {
			continue
		}
		select {
		case <-time.After(pace):
		case <-ctx.Done():
			return
		}
	}
}

// itemTimeout bounds the work on one due item (a summary, a deadline),
// which goes on to its end when shutdown begins.
const itemTimeout = 30 * time.Second

// summarize handles one due summary: claims it, posts it (late) or skips
// it, marks it done and reschedules. It reports whether it posted. Once
// claimed, it is seen through even if ctx ends meanwhile.
func (a *App) summarize(ctx context.Context, d weekly.Due) bool {
	stored, _, err := a.store.Schedule(ctx, d.Team, d.Channel)
	if err != nil || stored == "" {
		return false
	}
	s, err := weekly.FromString(stored)
	if err != nil {
		return false
	}
	now := a.now()
	week := s.Week(d.At)
	claim, err := a.store.ClaimSummary(ctx, d.Team, d.Channel, week, now)
	if err != nil || claim == weekly.ClaimHeld {
		return false // another replica is on it; it reschedules when done
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
	defer cancel()
	if claim == weekly.ClaimDone {
		// Its poster stopped before rescheduling: on to the week after
		// this one, which the next tick posts late or skips with a note.
		_ = a.store.Reschedule(ctx, d, s.Next(d.At))
		return false
	}
	next := s.Next(now)
	post, late := s.Late(d.At, now, lateGrace)
	var facts map[string]any
	if post {
		if facts, err = a.postSummary(ctx, d.Team, d.Channel, week, late); err != nil {
			// Give the claim back: the next tick tries again (late, or skips the week).
			a.log.ErrorContext(ctx, "weekly summary not posted", "team", d.Team, "channel", d.Channel, "week", week, "err", err)
			_ = a.store.ReleaseSummary(ctx, d.Team, d.Channel, week, now)
			return false
		}
	} else {
		_ = a.store.NoteSkipped(ctx, d.Team, d.Channel, week)
	}
	// Done only now: a replica that dies before this leaves the claim to
	// go stale, and another posts the summary instead.
	if err := a.store.SummaryPosted(ctx, d.Team, d.Channel, week, post, facts, a.now()); err != nil {
		return false
	}
	a.announced(ctx, d.Team, d.Channel)
	if err := a.store.Reschedule(ctx, d, next); err != nil {
		a.log.WarnContext(ctx, "weekly summary not rescheduled", "channel", d.Channel, "err", err)
	}
	return post
}

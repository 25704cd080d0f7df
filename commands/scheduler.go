package commands

import (
	"context"
	"sync"
	"time"

	"github.com/priobot/priobot/poker"
)

// RunScheduler does what falls due by itself, every tick, until ctx ends:
// poker and ratings deadlines and reminders, weekly summaries (one every pace), and the
// outboxes' deliveries. Each job runs on its own, so a slow one (summaries
// paced for Slack) holds back no other. Any number of replicas may run it:
// each due item is claimed once. What fell due while no bot ran is done at
// the next start. It returns once every job has finished the item in hand.
func (a *App) RunScheduler(ctx context.Context, tick, pace time.Duration) {
	jobs := []struct {
		what string
		run  func(context.Context)
	}{
		{"poker deadlines", func(ctx context.Context) { a.revealDue(ctx); a.remindDue(ctx) }},
		{"ratings deadlines", func(ctx context.Context) { a.closeRatingsDue(ctx); a.remindRatersDue(ctx) }},
		{"weekly summaries", func(ctx context.Context) { a.postDue(ctx, pace) }},
		{"outbox", a.sweepOutboxes},
		{"github polls", a.pollGitHub},
	}
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Go(func() {
			t := time.NewTicker(tick)
			defer t.Stop()
			for {
				a.safely(job.what, func() { job.run(ctx) })
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	wg.Wait()
}

// forEachDue runs work on each item due lists as due by now, until ctx
// ends: the one way every scheduled job takes what is due.
func forEachDue[T any](ctx context.Context, a *App, what string, due func(context.Context, time.Time) ([]T, error), work func(T)) {
	items, err := due(ctx, a.now())
	if err != nil {
		a.log.WarnContext(ctx, "scheduler: "+what, "err", err)
		return
	}
	for _, item := range items {
		if ctx.Err() != nil {
			return
		}
		work(item)
	}
}

// eachDueSession runs work on each poker session due lists as due by now.
func (a *App) eachDueSession(ctx context.Context, what string, due func(context.Context, time.Time) ([]poker.Ref, error), work func(poker.Session)) {
	forEachDue(ctx, a, what, due, func(ref poker.Ref) {
		if ps, err := a.poker.Session(ctx, ref.Team, ref.Channel, ref.ID); err == nil {
			work(ps)
		}
	})
}

// revealDue reveals the cards whose voting deadline has passed, each once.
func (a *App) revealDue(ctx context.Context) {
	a.eachDueSession(ctx, "poker deadlines", a.poker.DueSessions, func(ps poker.Session) {
		revealed, err := a.poker.RevealDue(ctx, ps, a.now())
		if err != nil {
			a.log.WarnContext(ctx, "scheduler: reveal", "session", ps.ID, "err", err)
			return
		}
		// Revealed cards are drawn and their outliers asked even if
		// shutdown begins meanwhile: no other replica would do it.
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
		defer cancel()
		for _, n := range revealed {
			a.afterReveal(work, ps, n)
		}
	})
}

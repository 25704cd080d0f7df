package commands

import (
	"context"
	"time"

	"github.com/priobot/priobot/poker"
)

// RunScheduler reveals cards whose voting deadline has passed, every tick,
// until ctx ends. Any number of replicas may run it: each card is revealed
// once. Sessions due while no bot ran are revealed at the next start.
func (a *App) RunScheduler(ctx context.Context, tick time.Duration) {
	a.every(ctx, tick, "poker deadlines", func() { a.revealDue(ctx); a.remindDue(ctx) })
}

func (a *App) revealDue(ctx context.Context) {
	a.eachDue(ctx, "deadlines", a.poker.DueSessions, func(ps poker.Session) {
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

// eachDue runs work on each session an index (due) says is due by now,
// until ctx ends.
func (a *App) eachDue(ctx context.Context, what string, due func(context.Context, time.Time) ([]poker.Ref, error), work func(poker.Session)) {
	refs, err := due(ctx, a.now())
	if err != nil {
		a.log.WarnContext(ctx, "scheduler: due "+what, "err", err)
		return
	}
	for _, ref := range refs {
		if ctx.Err() != nil {
			return
		}
		if ps, err := a.poker.Session(ctx, ref.Team, ref.Channel, ref.ID); err == nil {
			work(ps)
		}
	}
}

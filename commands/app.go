// Package commands holds priobot's use cases: one small handler per slash
// command, button, modal and event, all listed in one table (Routes, in
// routes.go) that the bot routes by and that writes the help text. Files
// are named by ritual (ideas_, capture, poker_, summary_, outbox,
// webhooks_, settings, home); each ritual declares the small store
// interface it needs; ids.go holds every id Slack sends back.
package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/priobot/priobot/tracker"
)

// Stores are the state the use cases need, one room per ritual; the one
// store.Store fills every field.
type Stores struct {
	Ideas     IdeaStore
	Capture   CaptureStore
	Poker     PokerStore
	Chase     ChaseStore
	Homes     HomeStore
	Outbox    OutboxStore
	Webhooks  WebhookStore
	Summaries SummaryStore
	Settings  SettingsStore
	GitHub    GitHubStore
	Ratings   RatingsStore
	Roadmap   RoadmapStore
}

// App is priobot's use cases wired to their dependencies.
type App struct {
	ideas     IdeaStore
	capture   CaptureStore
	poker     PokerStore
	chase     ChaseStore
	homes     HomeStore
	outbox    OutboxStore
	webhooks  WebhookStore
	summaries SummaryStore
	settings  SettingsStore
	github    GitHubStore
	ratings   RatingsStore
	roadmap   RoadmapStore

	// tracker is GitHub, when priobot has a token; poll is how often a
	// connected repository is asked what changed.
	tracker tracker.Tracker
	poll    time.Duration

	slack Slack
	hooks Hooks
	log   *slog.Logger
	now   func() time.Time

	bg   sync.WaitGroup // work that outlives a handler: coalesced redraws
	stop chan struct{}  // closed by Close
	once sync.Once

	// sessions caches what never changes in a poker session once started
	// (framework, ideas, voters), so a vote costs one Redis round trip.
	sessions sync.Map // "team:channel:sid" -> poker.Session
	// drawing remembers when this process last claimed a message's redraw
	// slot: within a second it need not ask Redis again.
	drawing sync.Map // coalesce key -> time.Time
	// drains marks the backlogs whose outbox this process is delivering.
	drains sync.Map // "team:channel" -> *atomic.Bool: look again
	// drainSlots holds one token per drain running (drainsAtOnce).
	drainSlots chan struct{}
	// hooked remembers, for hookedFor, whether a backlog has webhooks: a
	// change there kicks its outbox (a hint; the sweep is the guarantee).
	hooked sync.Map // "team:channel" -> hookedAt
	// delivered is told of every outbox delivery attempt (for metrics).
	delivered func(kind, outcome string)
}

// New returns the use cases. now is the clock (time.Now outside tests).
func New(st Stores, sl Slack, hooks Hooks, log *slog.Logger, now func() time.Time) *App {
	return &App{
		ideas: st.Ideas, capture: st.Capture, poker: st.Poker, chase: st.Chase, homes: st.Homes,
		outbox: st.Outbox, webhooks: st.Webhooks, summaries: st.Summaries, settings: st.Settings, github: st.GitHub, ratings: st.Ratings, roadmap: st.Roadmap,
		slack: sl, hooks: hooks, log: log, now: now, stop: make(chan struct{}), drainSlots: make(chan struct{}, drainsAtOnce), delivered: func(string, string) {},
	}
}

// ObserveOutbox has delivered told of every outbox delivery attempt: the
// item's kind and "delivered", "retry" or "dead".
func (a *App) ObserveOutbox(delivered func(kind, outcome string)) { a.delivered = delivered }

// background runs fn beyond the handler that started it, tracked for Close.
func (a *App) background(what string, fn func()) {
	a.bg.Go(func() { a.safely(what, fn) })
}

// redrawEvery is the least time between two redraws of one message: a
// burst of votes or clicks becomes about one chat.update a second.
const redrawEvery = time.Second

// coalesce keeps a message drawn while what it shows changes in bursts:
// whoever (goroutine or replica) claims the message's slot (every long)
// draws it, then looks again when the slot ends and draws once more if it
// changed meanwhile; the others leave it to the slot holder. draw returns
// the version it drew, version the one stored now.
func (a *App) coalesce(key string, every time.Duration, claim func(context.Context) (bool, error),
	draw, version func(context.Context) (int64, error)) {
	if last, ok := a.drawing.Load(key); ok && time.Since(last.(time.Time)) < every {
		return // this process holds the slot and will look again when it ends
	}
	a.drawing.Store(key, time.Now())
	a.background("redraw "+key, func() {
		defer a.drawing.Delete(key) // the map holds only slots in use
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for {
			claimed, err := claim(ctx)
			if err != nil || !claimed {
				return // another drawer holds the slot and will look again
			}
			a.drawing.Store(key, time.Now())
			drawn, err := draw(ctx)
			if err != nil {
				a.log.WarnContext(ctx, "message not redrawn", "what", key, "err", err)
				return
			}
			select {
			case <-time.After(every):
			case <-a.stop:
				return
			}
			if now, err := version(ctx); err != nil || now == drawn {
				return
			}
		}
	})
}

// safely runs work no handler wraps: a panic in it is logged, not fatal.
func (a *App) safely(what string, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("background work panicked", "what", what, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

// Close stops background work after its current step and waits for it.
func (a *App) Close() {
	a.once.Do(func() { close(a.stop) })
	a.bg.Wait()
}

package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

// OutboxStore is each backlog's outbox: what priobot still has to tell. store.Store implements it.
type OutboxStore interface {
	ClaimOutbox(ctx context.Context, b outbox.Backlog, now time.Time, n int) ([]outbox.Item, time.Time, error)
	SettleOutbox(ctx context.Context, b outbox.Backlog, item outbox.Item, again time.Time, dead bool, now time.Time) (time.Time, error)
	NoteOutbox(ctx context.Context, b outbox.Backlog, at time.Time) error
	RecheckOutbox(ctx context.Context, b outbox.Backlog, at time.Time) error
	DueOutboxes(ctx context.Context, now time.Time) ([]outbox.Backlog, error)
	OutboxState(ctx context.Context, b outbox.Backlog) (int64, []outbox.Item, error)
	SettleHook(ctx context.Context, b outbox.Backlog, item outbox.Item, again time.Time, dead bool, attempt webhook.Attempt, now time.Time) (time.Time, string, error)
}

// outboxBatch is how many items one claim takes; the batch in hand is
// finished even when shutdown begins.
const outboxBatch = 8

// outboxSweep is when an outbox with nothing due is looked at again, in
// case a change noted on another replica slipped past the hint.
const outboxSweep = time.Minute

// drainsAtOnce bounds the backlogs one process delivers to side by side:
// a backlog held back by a rate limit or a hanging endpoint holds back no
// other, and a burst of due backlogs is not a goroutine and a connection
// each.
const drainsAtOnce = 16

// sweepOutboxes starts the delivery of what the due backlogs' outboxes
// hold, each backlog beside the others. Items are leased, so any number of
// replicas may sweep. A change made by this process is delivered at once
// besides (kickOutbox).
func (a *App) sweepOutboxes(ctx context.Context) {
	forEachDue(ctx, a, "outbox", a.outbox.DueOutboxes, func(b outbox.Backlog) { a.startDrain(ctx, b) })
}

// kickOutbox delivers a backlog's outbox now, in the background, after a
// change here wrote to it; other replicas learn of it from the hint.
func (a *App) kickOutbox(ctx context.Context, team, channel string) {
	b := outbox.Backlog{Team: team, Channel: channel}
	if err := a.outbox.NoteOutbox(ctx, b, a.now()); err != nil {
		a.log.WarnContext(ctx, "outbox not noted", "channel", channel, "err", err)
	}
	a.startDrain(context.Background(), b)
}

// startDrain drains a backlog's outbox in the background, unless this
// process drains it already (then that drain looks again) or drains as
// many backlogs as it may (then the hint brings the next sweep to it).
func (a *App) startDrain(ctx context.Context, b outbox.Backlog) {
	key := b.Team + ":" + b.Channel
	if running, ok := a.drains.Load(key); ok {
		running.(*atomic.Bool).Store(true)
		if still, ok := a.drains.Load(key); ok && still == running {
			return // it was still there after the flag was set: it looks again
		}
	}
	select {
	case a.drainSlots <- struct{}{}:
	default:
		return
	}
	a.background("outbox "+b.Channel, func() {
		defer func() { <-a.drainSlots }()
		a.drain(ctx, b)
	})
}

// drain delivers a backlog's due items, batch after batch, until none is
// due or shutdown begins; then it leaves the hint at the next due time.
// One drain per backlog runs in a process at a time, so its DMs go one
// after another, as Slack's rate limits want; a drain asked for meanwhile
// makes the running one look again before it ends.
func (a *App) drain(ctx context.Context, b outbox.Backlog) {
	key := b.Team + ":" + b.Channel
	again := new(atomic.Bool)
	if running, busy := a.drains.LoadOrStore(key, again); busy {
		running.(*atomic.Bool).Store(true)
		return
	}
	defer a.drains.CompareAndDelete(key, again)
	for ctx.Err() == nil && !a.stopping() {
		items, next, err := a.outbox.ClaimOutbox(ctx, b, a.now(), outboxBatch)
		if err != nil {
			a.log.WarnContext(ctx, "outbox: claim", "channel", b.Channel, "err", err)
			return
		}
		if len(items) == 0 {
			if again.Swap(false) {
				continue
			}
			if next.IsZero() {
				next = a.now().Add(outboxSweep)
			}
			_ = a.outbox.RecheckOutbox(ctx, b, next)
			// A drain asked for after the last look either finds this one
			// gone and starts its own, or set again before it went.
			a.drains.CompareAndDelete(key, again)
			if !again.Load() {
				return
			}
			if _, busy := a.drains.LoadOrStore(key, again); busy {
				return
			}
			again.Store(false)
			continue
		}
		// Each item claimed is the first of its recipient's, so they may
		// go at once: webhooks side by side; GitHub's writes one after
		// another, as GitHub asks, beside Slack's DMs, one after another.
		var lanes sync.WaitGroup
		var writes, dms []outbox.Item
		for _, item := range items {
			switch item.Kind {
			case outbox.Hook:
				lanes.Go(func() { a.safely("webhook", func() { a.deliverHook(ctx, b, item) }) })
			case outbox.Tracker, outbox.Push, outbox.Comment:
				writes = append(writes, item)
			default:
				dms = append(dms, item)
			}
		}
		lanes.Go(func() {
			for _, item := range writes {
				a.safely("tracker", func() { a.deliverTracker(ctx, b, item) })
			}
		})
		for _, item := range dms {
			a.deliver(ctx, b, item)
		}
		lanes.Wait()
	}
}

func (a *App) stopping() bool {
	select {
	case <-a.stop:
		return true
	default:
		return false
	}
}

// deliver sends one item and settles it: delivered, to retry (counted from
// when this attempt began), or dead.
func (a *App) deliver(ctx context.Context, b outbox.Backlog, item outbox.Item) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
	defer cancel()
	began := a.now()
	err := a.send(ctx, b, item)
	if errors.Is(err, errUnsaid) {
		err = nil
	}
	var again time.Time
	dead, outcome := false, "delivered"
	if err != nil {
		item.Attempts++
		item.Error = err.Error()
		again, dead = outbox.Next(item.Kind, item.Attempts, began, 0)
		outcome = map[bool]string{false: "retry", true: "dead"}[dead]
		a.log.WarnContext(ctx, "outbox: not delivered", "channel", b.Channel, "item", item.ID, "attempts", item.Attempts, "dead", dead, "err", err)
	}
	if _, err := a.outbox.SettleOutbox(ctx, b, item, again, dead, a.now()); err != nil {
		a.log.WarnContext(ctx, "outbox: not settled", "channel", b.Channel, "item", item.ID, "err", err)
	}
	a.delivered(item.Kind, outcome)
}

// send says what an item tells: a thread line, a ratings round's results,
// or a DM.
func (a *App) send(ctx context.Context, b outbox.Backlog, item outbox.Item) error {
	if item.Kind == outbox.RatingsResults {
		return a.postResults(ctx, b, item)
	}
	m, err := a.outboxMessage(ctx, b, item)
	switch {
	case err != nil:
		return err
	case item.Kind == outbox.Thread:
		_, err = a.slack.Post(ctx, item.Channel, m)
		return err
	}
	return a.slack.DM(ctx, item.To, m)
}

// outboxMessage writes an item's DM: what changed, who changed it, and
// where the idea sits now; or an invitation to vote, with a link to the
// session (once its message is posted).
func (a *App) outboxMessage(ctx context.Context, b outbox.Backlog, item outbox.Item) (Message, error) {
	if item.Kind == outbox.HookOff {
		return hookOffMessage(b, item), nil
	}
	if item.Kind == outbox.Thread {
		return a.threadLine(ctx, b, item)
	}
	switch item.Kind {
	case outbox.Nudge, outbox.Reminder:
		return a.nudgeMessage(ctx, b, item)
	case outbox.RatingsAsk, outbox.RatingsNudge, outbox.RatingsReminder:
		return a.ratingsDM(ctx, b, item)
	case outbox.Ready, outbox.Ended:
		return a.facilitatorMessage(ctx, b, item)
	}
	if item.Kind == outbox.Invite {
		ps, err := a.poker.Session(ctx, b.Team, b.Channel, item.Session)
		if err != nil {
			return Message{}, err
		}
		text := fmt.Sprintf("%s asks you to vote in priority poker on %s in %s.", esc(item.Actor), refList(item.Ideas), channelRef(b.Channel))
		if link := a.slack.Permalink(ctx, b.Channel, ps.TS); ps.TS != "" && link != "" {
			text += " <" + link + "|Open the session> to vote."
		}
		return Message{Text: text}, nil
	}
	idea, where, err := a.whereText(ctx, b.Team, b.Channel, item.Idea)
	if err != nil {
		return Message{}, err
	}
	news := fmt.Sprintf("In %s, %s %s.\n%s", channelRef(b.Channel), esc(item.Actor), did(item, idea), where)
	return Message{Text: plainText(news), Blocks: []slack.Block{section("%s", news)}}, nil
}

// did says what a change did to an idea: "moved #1 *Dark mode* from
// awaiting scoring to planned", "declined #1 *Dark mode*", …
func did(c outbox.Item, idea prio.Idea) string {
	title := "*" + esc(idea.Title) + "*"
	switch {
	case c.Kind == outbox.Merge:
		return fmt.Sprintf("merged #%d %s into #%d; its supporters now support #%d", c.Idea, title, c.Into, c.Into)
	case c.Kind == outbox.Scored && c.Session != 0:
		return fmt.Sprintf("accepted priority poker's score for #%d %s", c.Idea, title)
	case c.Kind == outbox.Scored && c.Via == "ratings":
		return fmt.Sprintf("scored #%d %s with stakeholder ratings", c.Idea, title)
	case c.Kind == outbox.Scored && c.Rescored:
		return fmt.Sprintf("re-scored #%d %s", c.Idea, title)
	case c.Kind == outbox.Scored:
		return fmt.Sprintf("scored #%d %s", c.Idea, title)
	case c.Reopen:
		return fmt.Sprintf("reopened #%d %s (it was %s)", c.Idea, title, prio.Status(c.From).Label())
	case c.Status == string(prio.StatusDeclined):
		return fmt.Sprintf("declined #%d %s", c.Idea, title)
	}
	return fmt.Sprintf("moved #%d %s from %s to %s", c.Idea, title, prio.Status(c.From).Label(), prio.Status(c.Status).Label())
}

// outboxCmd serves `/backlog outbox` (owners): what is waiting to be
// delivered, and what could not be after every retry.
func (a *App) outboxCmd(ctx context.Context, r Request) (*Reply, error) {
	if err := a.mayManage(ctx, r, "see its outbox"); err != nil {
		return nil, err
	}
	b := outbox.Backlog{Team: r.Team, Channel: r.Channel}
	waiting, dead, err := a.outbox.OutboxState(ctx, b)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("This backlog's outbox: %s waiting to be delivered.", plural(waiting, "message"))
	if len(dead) == 0 {
		return ephemeral(head + " Nothing was given up on."), nil
	}
	lines := []string{head, fmt.Sprintf("*Given up after every retry* (%d, newest first):", len(dead))}
	for _, item := range dead[:min(len(dead), 20)] {
		to := "<@" + item.To + ">"
		switch item.Kind {
		case outbox.Hook:
			to = esc(item.URL)
		case outbox.Thread, outbox.RatingsResults:
			to = channelRef(item.Channel)
		case outbox.Tracker, outbox.Push, outbox.Comment:
			to = "GitHub"
		}
		by := ""
		if item.Actor != "" {
			by = " by " + esc(item.Actor)
		}
		lines = append(lines, fmt.Sprintf("• to %s: %s%s on %s — %s", to, kindWords(item), by,
			date(time.UnixMilli(item.At)), esc(prio.Shorten(item.Error, 100))))
	}
	if len(dead) > 20 {
		lines = append(lines, fmt.Sprintf("…and %d older.", len(dead)-20))
	}
	text := strings.Join(lines, "\n")
	return ephemeral(plainText(text), section("%s", text)), nil
}

// kindWords names an item in a few words: "#1 moved to planned", "#2
// merged into #1", "invited to vote on #1 and #2".
func kindWords(c outbox.Item) string {
	switch {
	case c.Kind == outbox.Hook && c.Idea != 0:
		return fmt.Sprintf("%s about #%d", c.Event, c.Idea)
	case c.Kind == outbox.Hook:
		return c.Event
	case c.Kind == outbox.Comment:
		return fmt.Sprintf("priobot's comment on #%d's issue", c.Idea)
	case c.Kind == outbox.Push:
		return fmt.Sprintf("opening an issue for #%d", c.Idea)
	case c.Kind == outbox.Tracker:
		return fmt.Sprintf("#%d's issue %s", c.Idea, stateWords(prio.Status(c.Status)))
	case c.Kind == outbox.HookOff:
		return "the webhook " + esc(c.URL) + " turned off"
	case c.Kind == outbox.Thread:
		return fmt.Sprintf("#%d is now %s, in the thread it came from", c.Idea, prio.Status(c.Status).Label())
	case c.Kind == outbox.Invite:
		return "invited to vote on " + refList(c.Ideas)
	case c.Kind == outbox.Nudge || c.Kind == outbox.Reminder:
		return "reminded to vote on " + refList(c.Ideas)
	case c.Kind == outbox.RatingsAsk:
		return "asked to rate ideas"
	case c.Kind == outbox.RatingsNudge || c.Kind == outbox.RatingsReminder:
		return "reminded to rate ideas"
	case c.Kind == outbox.RatingsResults:
		return "the results of Priority Ratings"
	case c.Kind == outbox.Ready:
		return "told " + refList(c.Ideas) + " wait for a decision"
	case c.Kind == outbox.Ended:
		return "told the session ended"
	case c.Kind == outbox.Merge:
		return fmt.Sprintf("#%d merged into #%d", c.Idea, c.Into)
	case c.Kind == outbox.Scored:
		return fmt.Sprintf("#%d scored", c.Idea)
	case c.Reopen:
		return fmt.Sprintf("#%d reopened", c.Idea)
	}
	return fmt.Sprintf("#%d moved to %s", c.Idea, prio.Status(c.Status).Label())
}

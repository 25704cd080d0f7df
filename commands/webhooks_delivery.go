package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

// deliverHook sends one webhook event, signed, and settles it: delivered
// on a 2xx, else retried on the webhook schedule (or after Retry-After),
// or dead. The endpoint's health is kept by the same step. An event for
// an endpoint removed meanwhile is dropped; one for an endpoint turned
// off is given up on (a ping still goes: owners test before turning one
// back on).
func (a *App) deliverHook(ctx context.Context, b outbox.Backlog, item outbox.Item) {
	began := a.now()
	ep, err := a.webhooks.Webhook(ctx, b.Team, b.Channel, item.Hook)
	switch {
	case prio.ErrorCode(err) == prio.NotFound:
		if _, err := a.outbox.SettleOutbox(ctx, b, item, time.Time{}, false, began); err == nil {
			a.delivered(item.Kind, "dropped")
		}
		return
	case err != nil:
		a.log.WarnContext(ctx, "webhook: endpoint unreadable", "channel", b.Channel, "item", item.ID, "err", err)
		return // leased: it goes again after the lease
	case ep.Off != "" && item.Event != webhook.Ping:
		item.Error = "the endpoint is off"
		if _, err := a.outbox.SettleOutbox(ctx, b, item, time.Time{}, true, began); err == nil {
			a.delivered(item.Kind, "dead")
		}
		return
	}
	body, err := webhook.Body(b.Team, b.Channel, item)
	if err != nil {
		a.log.ErrorContext(ctx, "webhook: event not written", "channel", b.Channel, "item", item.ID, "err", err)
		return
	}
	res := a.hooks.Send(ctx, ep.URL, ep.Secret, webhook.MessageID(b.Team, b.Channel, item.ID), a.now(), body)
	attempt := webhook.Attempt{At: began.UnixMilli(), Event: item.Event, Idea: item.Idea, Status: res.Status, Millis: res.Took.Milliseconds(),
		Attempt: item.Attempts + 1}
	var again time.Time
	dead, outcome := false, "delivered"
	if res.Err != nil {
		attempt.Error = res.Err.Error()
		item.Attempts++
		item.Error = attempt.Error
		again, dead = outbox.Next(item.Kind, item.Attempts, began, res.RetryAfter)
		outcome = map[bool]string{false: "retry", true: "dead"}[dead]
		a.log.WarnContext(ctx, "webhook: not delivered", "channel", b.Channel, "item", item.ID, "host", webhook.Host(ep.URL),
			"attempts", item.Attempts, "dead", dead, "err", res.Err)
	}
	_, off, err := a.outbox.SettleHook(ctx, b, item, again, dead, attempt, a.now())
	if err != nil {
		a.log.WarnContext(ctx, "webhook: not settled", "channel", b.Channel, "item", item.ID, "err", err)
	}
	if off != "" {
		outcome = "dead" // with the endpoint's other waiting events
		a.log.WarnContext(ctx, "webhook endpoint turned off", "channel", b.Channel, "endpoint", ep.ID, "host", webhook.Host(ep.URL), "why", off)
	}
	a.delivered(item.Kind, outcome)
	if item.Reply != "" && attempt.Attempt == 1 {
		if err := a.slack.Respond(ctx, item.Reply, Message{Text: pingAnswer(ep.URL, attempt, again)}); err != nil {
			a.log.InfoContext(ctx, "webhook: ping answer not sent", "err", err)
		}
	}
}

// pingAnswer tells whoever tested an endpoint how it answered.
func pingAnswer(url string, at webhook.Attempt, again time.Time) string {
	if at.OK() {
		return fmt.Sprintf("%s answered the ping with %d in %d ms.", esc(url), at.Status, at.Millis)
	}
	text := fmt.Sprintf("The ping to %s failed: %s.", esc(url), esc(prio.Shorten(at.Error, 200)))
	if !again.IsZero() {
		text += fmt.Sprintf(" I'll try again %s; `/backlog webhook` shows each try.", moment(again))
	}
	return text
}

// hookOffMessage tells an owner that an endpoint was turned off, and how
// to turn it back on.
func hookOffMessage(b outbox.Backlog, item outbox.Item) Message {
	why := "it answered 410 Gone"
	if item.Reason == webhook.Failing {
		why = fmt.Sprintf("every delivery to it failed for %s", days(webhook.FailFor))
	}
	text := fmt.Sprintf("In %s, I turned off the webhook %s: %s. It gets none of the backlog's events now; "+
		"`/backlog webhook add %s` turns it back on once it works, and `/backlog outbox` shows what it missed.",
		channelRef(b.Channel), esc(item.URL), why, esc(item.URL))
	return Message{Text: text}
}

// summaryFacts is what summary.posted says of a summary just posted: the
// week (scheduled) or "" (asked for), the message, the top five and the
// counts per status.
func (a *App) summaryFacts(ctx context.Context, team, channel, week, ts string) (map[string]any, error) {
	ranked, total, err := a.ideas.Ranked(ctx, team, channel, 0, 5)
	if err != nil {
		return nil, err
	}
	counts, err := a.ideas.Counts(ctx, team, channel)
	if err != nil {
		return nil, err
	}
	top := make([]map[string]any, len(ranked))
	for i, idea := range ranked {
		top[i] = map[string]any{"rank": i + 1, "number": idea.Number, "title": idea.Title, "score": idea.Score}
	}
	byStatus := map[string]int64{}
	for st, n := range counts {
		byStatus[string(st)] = n
	}
	return map[string]any{"week": week, "ts": ts, "permalink": a.slack.Permalink(ctx, channel, ts), "ranked": total, "top": top,
		"counts": byStatus}, nil
}

// hookedFor is how long this process trusts what it read of whether a
// backlog has webhooks.
const hookedFor = 10 * time.Second

type hookedAt struct {
	yes bool
	at  time.Time
}

// announced follows a change that may have written webhook events: when
// the backlog has webhooks, its outbox is delivered now. Were this missed
// (another replica added the first webhook a moment ago), the outbox
// sweep delivers within a minute: adding a webhook puts the backlog in it.
func (a *App) announced(ctx context.Context, team, channel string) {
	key := team + ":" + channel
	v, ok := a.hooked.Load(key)
	if !ok || time.Since(v.(hookedAt).at) > hookedFor {
		yes, err := a.webhooks.HasWebhooks(ctx, team, channel)
		if err != nil {
			return
		}
		v = hookedAt{yes: yes, at: time.Now()}
		a.hooked.Store(key, v)
	}
	if v.(hookedAt).yes {
		a.kickOutbox(ctx, team, channel)
	}
}

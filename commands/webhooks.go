package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

// WebhookStore keeps a backlog's webhook endpoints and their deliveries. store.Store implements it.
type WebhookStore interface {
	AddWebhook(ctx context.Context, team, channel string, actor prio.Actor, url, secret string, now time.Time) (webhook.Endpoint, string, error)
	Webhook(ctx context.Context, team, channel, id string) (webhook.Endpoint, error)
	Webhooks(ctx context.Context, team, channel string) ([]webhook.Endpoint, [][]webhook.Attempt, error)
	RemoveWebhook(ctx context.Context, team, channel string, actor prio.Actor, ep webhook.Endpoint) error
	PingWebhook(ctx context.Context, team, channel string, actor prio.Actor, id, reply string, now time.Time) error
	HasWebhooks(ctx context.Context, team, channel string) (bool, error)
}

// Hooks sends webhook events; webhook.Sender, with the address rule, is one.
type Hooks interface {
	// Check refuses a URL whose host is not public (unless allowed).
	Check(ctx context.Context, url string) error
	Send(ctx context.Context, url, secret, id string, at time.Time, body []byte) webhook.Result
}

// webhookCmd serves `/backlog webhook [add|remove|test <url>]` (owners):
// the backlog's endpoints and what was sent to them, or a change to them.
func (a *App) webhookCmd(ctx context.Context, r Request) (*Reply, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(r.Text), " ")
	what := map[string]string{"": "see its webhooks", "list": "see its webhooks", "add": "add a webhook", "remove": "remove a webhook",
		"test": "test a webhook"}[strings.ToLower(verb)]
	if what == "" {
		return nil, prio.Errorf(prio.Invalid, "I don't know %s here. `/backlog webhook` lists this backlog's webhooks; `/backlog webhook add|remove|test <https-url>` adds, removes or tries one.", prio.Quote(verb))
	}
	if err := a.mayManage(ctx, r, what); err != nil {
		return nil, err
	}
	switch strings.ToLower(verb) {
	case "add":
		return a.addWebhook(ctx, r, rest)
	case "remove", "test":
		ep, err := a.endpoint(ctx, r, rest)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(verb, "test") {
			return a.pingWebhook(ctx, r, ep)
		}
		return a.removeWebhook(ctx, r, ep)
	}
	return a.listWebhooks(ctx, r)
}

func (a *App) addWebhook(ctx context.Context, r Request, raw string) (*Reply, error) {
	url, err := webhook.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	if err := a.hooks.Check(ctx, url); err != nil {
		return nil, err
	}
	var (
		ep      webhook.Endpoint
		outcome string
	)
	err = a.asOwner(ctx, r, "add a webhook", func(actor prio.Actor) (err error) {
		ep, outcome, err = a.webhooks.AddWebhook(ctx, r.Team, r.Channel, actor, url, webhook.NewSecret(), a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	switch outcome {
	case "exists":
		return ephemeral(fmt.Sprintf("%s is a webhook of this backlog already. `/backlog webhook` lists them with their last deliveries.", esc(url))), nil
	case "on":
		a.hooked.Delete(r.Team + ":" + r.Channel)
		return ephemeral(fmt.Sprintf("%s is on again: %s's changes go to it from now on, signed with the secret shown when it was added.",
			esc(url), channelRef(r.Channel))), nil
	}
	text := fmt.Sprintf("Added %s: %s's changes go to it from now on (%s).\n"+
		"Its signing secret, shown only this once: `%s`\n"+
		"Keep it in the receiving tool: each request carries webhook-id, webhook-timestamp and webhook-signature headers "+
		"(Standard Webhooks). `/backlog webhook test %s` sends a ping.",
		esc(url), channelRef(r.Channel), strings.Join(webhook.Events, ", "), ep.Secret, esc(url))
	a.hooked.Delete(r.Team + ":" + r.Channel)
	// In the outbox sweep from now on: its events go out within a minute
	// even when the replica that made a change missed the kick.
	a.kickOutbox(ctx, r.Team, r.Channel)
	a.log.InfoContext(ctx, "webhook added", "team", r.Team, "channel", r.Channel, "endpoint", ep.ID, "host", webhook.Host(url), "by", r.User)
	return ephemeral(text), nil
}

// endpoint finds the backlog's endpoint with the URL typed.
func (a *App) endpoint(ctx context.Context, r Request, raw string) (webhook.Endpoint, error) {
	url, err := webhook.ParseURL(raw)
	if err != nil {
		return webhook.Endpoint{}, err
	}
	eps, _, err := a.webhooks.Webhooks(ctx, r.Team, r.Channel)
	if err != nil {
		return webhook.Endpoint{}, err
	}
	for _, ep := range eps {
		if ep.URL == url {
			return ep, nil
		}
	}
	return webhook.Endpoint{}, prio.Errorf(prio.NotFound, "%s is not a webhook of this backlog. `/backlog webhook` lists them.", url)
}

func (a *App) removeWebhook(ctx context.Context, r Request, ep webhook.Endpoint) (*Reply, error) {
	err := a.asOwner(ctx, r, "remove a webhook", func(actor prio.Actor) error {
		return a.webhooks.RemoveWebhook(ctx, r.Team, r.Channel, actor, ep)
	})
	if err != nil {
		return nil, err
	}
	a.hooked.Delete(r.Team + ":" + r.Channel)
	return ephemeral(fmt.Sprintf("Removed %s: it gets nothing more from %s's backlog, not even what was waiting to be sent.", esc(ep.URL), channelRef(r.Channel))), nil
}

func (a *App) pingWebhook(ctx context.Context, r Request, ep webhook.Endpoint) (*Reply, error) {
	err := a.asOwner(ctx, r, "test a webhook", func(actor prio.Actor) error {
		return a.webhooks.PingWebhook(ctx, r.Team, r.Channel, actor, ep.ID, r.ResponseURL, a.now())
	})
	if err != nil {
		return nil, err
	}
	a.kickOutbox(ctx, r.Team, r.Channel)
	return ephemeral(fmt.Sprintf("Sending a ping to %s; I'll tell you here how it answers.", esc(ep.URL))), nil
}

// listWebhooks answers `/backlog webhook`: each endpoint, on or off, with
// its last deliveries.
func (a *App) listWebhooks(ctx context.Context, r Request) (*Reply, error) {
	eps, attempts, err := a.webhooks.Webhooks(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	if len(eps) == 0 {
		return ephemeral(fmt.Sprintf("%s's backlog has no webhooks. `/backlog webhook add https://…` sends its changes to another tool (%s).",
			channelRef(r.Channel), strings.Join(webhook.Events, ", "))), nil
	}
	lines := []string{fmt.Sprintf("*Webhooks of %s's backlog* (%d of at most %d):", channelRef(r.Channel), len(eps), webhook.MaxEndpoints)}
	for i, ep := range eps {
		lines = append(lines, "• "+esc(ep.URL)+" — "+health(ep, attempts[i]))
		for _, at := range attempts[i][:min(3, len(attempts[i]))] {
			lines = append(lines, "    "+attemptLine(at))
		}
	}
	text := strings.Join(lines, "\n")
	return ephemeral(plainText(text), section("%s", text)), nil
}

// health says whether an endpoint gets events, and if not why.
func health(ep webhook.Endpoint, attempts []webhook.Attempt) string {
	switch {
	case ep.Off == webhook.Gone:
		return fmt.Sprintf("*off* since %s: it answered 410 Gone. `/backlog webhook add` with its URL turns it back on.", moment(time.UnixMilli(ep.OffAt)))
	case ep.Off != "":
		return fmt.Sprintf("*off* since %s: it failed for %s. `/backlog webhook add` with its URL turns it back on.", moment(time.UnixMilli(ep.OffAt)), days(webhook.FailFor))
	case ep.FailingSince != 0:
		return fmt.Sprintf("on, failing since %s; I keep retrying, and turn it off after %s of failures.", moment(time.UnixMilli(ep.FailingSince)), days(webhook.FailFor))
	case len(attempts) == 0:
		return "on; nothing sent yet."
	}
	return "on."
}

// attemptLine is one delivery as owners read it: "1 Dec at 20:31 ·
// idea.updated #3 · 200 in 12 ms".
func attemptLine(at webhook.Attempt) string {
	what := at.Event
	if at.Idea != 0 {
		what += fmt.Sprintf(" #%d", at.Idea)
	}
	if at.Attempt > 1 {
		what += fmt.Sprintf(" (try %d)", at.Attempt)
	}
	outcome := fmt.Sprintf("%d in %d ms", at.Status, at.Millis)
	if at.Millis == 0 {
		outcome = fmt.Sprintf("%d in under 1 ms", at.Status)
	}
	if !at.OK() {
		outcome = "failed: " + esc(prio.Shorten(at.Error, 80))
	}
	return fmt.Sprintf("%s · %s · %s", moment(time.UnixMilli(at.At)), what, outcome)
}

// moment shows a date and time in each reader's own zone, with a UTC fallback.
func moment(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short} at {time}|%s>", t.Unix(), t.UTC().Format("2 Jan 2006 15:04 UTC"))
}

// days writes a whole number of days: "3 days".
func days(d time.Duration) string { return plural(int64(d/(24*time.Hour)), "day") }

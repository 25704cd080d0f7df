package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/slack-go/slack"
)

// manage runs a change to a backlog as r.User. The store refuses
// non-owners; such a refusal is checked once with Slack, in case the user is
// a workspace admin or owner, who may manage any backlog.
func (a *App) manage(ctx context.Context, r Request, change func(prio.Actor) error) error {
	actor := r.actor()
	err := change(actor)
	if prio.ErrorCode(err) != prio.Forbidden {
		return err
	}
	u, uerr := a.slack.User(ctx, r.User)
	if uerr != nil || !u.Admin {
		return err
	}
	actor.Admin = true
	return change(actor)
}

// asOwner is manage for a change only owners (and workspace admins) may
// make: a refusal says which change, and who may make it.
func (a *App) asOwner(ctx context.Context, r Request, what string, change func(prio.Actor) error) error {
	err := a.manage(ctx, r, change)
	if prio.ErrorCode(err) == prio.Forbidden {
		return prio.Errorf(prio.Forbidden, "Only this backlog's owners (and workspace admins) can %s. `/backlog owners` shows who they are.", what)
	}
	if err == nil {
		a.tellUnowned(ctx, r)
	}
	return err
}

// tellUnowned tells a person, privately and once per backlog, after their
// first change there, that anyone may manage a backlog that has no owners,
// and how to name them. The change itself is done already.
func (a *App) tellUnowned(ctx context.Context, r Request) {
	if r.Channel == "" {
		return
	}
	first, err := a.settings.TellUnowned(ctx, r.Team, r.Channel, r.User)
	if err != nil || !first {
		return
	}
	text := fmt.Sprintf("A word about %s's backlog: it has no owners yet, so anyone here may change its statuses, scores and settings, as you just did. "+
		"`/backlog owners add @name` names its owners (yourself too, if it is you); from then on only they and workspace admins can.", channelRef(r.Channel))
	if sayAfter(ctx, text) {
		return
	}
	if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}); err != nil {
		a.log.WarnContext(ctx, "unowned backlog not explained", "channel", r.Channel, "err", err)
	}
}

// setStatus serves `/backlog status #12 planned|in-progress|shipped`.
func (a *App) setStatus(ctx context.Context, r Request) (*Reply, error) {
	n, to, err := prio.ParseStatus(r.Text)
	if err != nil {
		return nil, err
	}
	return a.changeStatus(ctx, r, n, to, "", prio.OpenStatuses)
}

// decline serves `/backlog decline #12 <reason>`.
func (a *App) decline(ctx context.Context, r Request) (*Reply, error) {
	n, reason, err := prio.ParseDecline(r.Text)
	if err != nil {
		return nil, err
	}
	return a.changeStatus(ctx, r, n, prio.StatusDeclined, reason, prio.OpenStatuses)
}

// reopen serves `/backlog reopen #12`: a closed idea is back in play,
// ranked if it has a score, otherwise awaiting scoring.
func (a *App) reopen(ctx context.Context, r Request) (*Reply, error) {
	n, err := prio.ParseRef(r.Text)
	if err != nil {
		return nil, err
	}
	return a.changeStatus(ctx, r, n, "reopen", "", prio.ClosedStatuses)
}

func (a *App) changeStatus(ctx context.Context, r Request, n int64, to prio.Status, reason string, from []prio.Status) (*Reply, error) {
	var (
		was, now prio.Status
		told     int
	)
	verb := fmt.Sprintf("move #%d to %s", n, to.Label())
	switch to {
	case prio.StatusDeclined:
		verb = fmt.Sprintf("decline #%d", n)
	case "reopen":
		verb = fmt.Sprintf("reopen #%d", n)
	}
	err := a.asOwner(ctx, r, verb, func(actor prio.Actor) (err error) {
		was, now, told, err = a.ideas.SetStatus(ctx, r.Team, r.Channel, n, actor, to, reason, from, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.refreshCard(r.Team, r.Channel, n)
	a.ideaChanged(ctx, r, n)
	a.homesChanged(r.Team, r.Channel)
	change := outbox.Item{Kind: outbox.Status, Idea: n, From: string(was), Status: string(now), Reopen: to == "reopen", Reason: reason}
	return a.announce(ctx, r, change, told)
}

// announce tells the actor what they did and where the idea now sits. The
// script that made the change wrote what the author and supporters are
// told into the backlog's outbox; it is delivered now.
func (a *App) announce(ctx context.Context, r Request, change outbox.Item, told int) (*Reply, error) {
	idea, where, err := a.whereText(ctx, r.Team, r.Channel, change.Idea)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("You %s.\n%s", did(change, idea), where)
	// Its DMs, its line in the source thread, its webhook events.
	a.kickOutbox(ctx, r.Team, r.Channel)
	if told > 0 {
		text += fmt.Sprintf("\nI'm letting %s know by direct message.", plural(int64(told), "person"))
	}
	return ephemeral(plainText(text), section("%s", text)), nil
}

// merge serves `/backlog merge #12 into #7`.
func (a *App) merge(ctx context.Context, r Request) (*Reply, error) {
	from, into, err := prio.ParseMerge(r.Text)
	if err != nil {
		return nil, err
	}
	return a.doMerge(ctx, r, from, into)
}

// doMerge merges from into into and tells everyone who followed from.
func (a *App) doMerge(ctx context.Context, r Request, from, into int64) (*Reply, error) {
	var told int
	err := a.asOwner(ctx, r, fmt.Sprintf("merge #%d (its author may too)", from), func(actor prio.Actor) (err error) {
		told, err = a.ideas.Merge(ctx, r.Team, r.Channel, from, into, actor, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.refreshCard(r.Team, r.Channel, from)
	a.refreshCard(r.Team, r.Channel, into)
	a.ideaChanged(ctx, r, from)
	a.homesChanged(r.Team, r.Channel)
	return a.announce(ctx, r, outbox.Item{Kind: outbox.Merge, Idea: from, Into: into}, told)
}

// mayManage refuses, saying what, a person who may not manage the
// backlog: with owners named, only they and workspace admins may.
func (a *App) mayManage(ctx context.Context, r Request, what string) error {
	owners, err := a.settings.Owners(ctx, r.Team, r.Channel)
	if err != nil || len(owners) == 0 || slices.Contains(owners, r.User) {
		return err
	}
	if u, err := a.slack.User(ctx, r.User); err == nil && u.Admin {
		return nil
	}
	return prio.Errorf(prio.Forbidden, "Only this backlog's owners (and workspace admins) can %s. `/backlog owners` shows who they are.", what)
}

package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
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
	return err
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
	var was, now prio.Status
	verb := fmt.Sprintf("move #%d to %s", n, to.Label())
	switch to {
	case prio.StatusDeclined:
		verb = fmt.Sprintf("decline #%d", n)
	case "reopen":
		verb = fmt.Sprintf("reopen #%d", n)
	}
	err := a.asOwner(ctx, r, verb, func(actor prio.Actor) (err error) {
		was, now, err = a.store.SetStatus(ctx, r.Team, r.Channel, n, actor, to, reason, from, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.refreshCard(r.Team, r.Channel, n)
	a.ideaChanged(ctx, r, n)
	a.homesChanged(r.Team, r.Channel)
	what := fmt.Sprintf("moved #%%d %%s from %s to %s", was.Label(), now.Label())
	switch to {
	case prio.StatusDeclined:
		what = "declined #%d %s"
	case "reopen":
		what = fmt.Sprintf("reopened #%%d %%s (it was %s)", was.Label())
	}
	return a.announce(ctx, r, n, what, nil)
}

// announce tells the actor what they did and DMs the idea's author and
// supporters (and anyone in also) what changed, who changed it, why, and
// where the idea now sits. what is a format with the idea's number and title.
func (a *App) announce(ctx context.Context, r Request, n int64, what string, also []string) (*Reply, error) {
	idea, where, err := a.whereText(ctx, r.Team, r.Channel, n)
	if err != nil {
		return nil, err
	}
	did := fmt.Sprintf(what, idea.Number, "*"+esc(idea.Title)+"*")
	supporters, err := a.store.Supporters(ctx, r.Team, r.Channel, n)
	if err != nil {
		return nil, err
	}
	var tell []string
	seen := map[string]bool{r.User: true} // the actor reads the reply instead
	for _, u := range slices.Concat([]string{idea.Author}, supporters, also) {
		if !seen[u] {
			seen[u] = true
			tell = append(tell, u)
		}
	}
	news := fmt.Sprintf("In %s, %s %s.\n%s", channelRef(r.Channel), esc(r.UserName), did, where)
	a.notify("status DM", tell, Message{Text: plainText(news), Blocks: []slack.Block{section("%s", news)}})
	text := fmt.Sprintf("You %s.\n%s", did, where)
	if len(tell) > 0 {
		text += fmt.Sprintf("\nI'm letting %s know by direct message.", plural(int64(len(tell)), "person"))
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
	var moved []string
	err := a.asOwner(ctx, r, fmt.Sprintf("merge #%d (its author may too)", from), func(actor prio.Actor) (err error) {
		moved, err = a.store.Merge(ctx, r.Team, r.Channel, from, into, actor, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.refreshCard(r.Team, r.Channel, from)
	a.refreshCard(r.Team, r.Channel, into)
	a.ideaChanged(ctx, r, from)
	a.homesChanged(r.Team, r.Channel)
	if target, err := a.store.Ideas(ctx, r.Team, r.Channel, []int64{into}); err == nil && len(target) == 1 {
		moved = append(moved, target[0].Author) // the target's author hears of its new support
	}
	return a.announce(ctx, r, from, fmt.Sprintf("merged #%%d %%s into #%d; its supporters now support #%d", into, into), moved)
}

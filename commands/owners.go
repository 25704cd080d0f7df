package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/priobot/priobot/prio"
)

// owners serves `/backlog owners [add|remove @a @b]`.
func (a *App) owners(ctx context.Context, r Request) (*Reply, error) {
	op, users, err := prio.ParseOwners(r.Text)
	if err != nil {
		return nil, err
	}
	var owners []string
	if op == "" {
		if owners, err = a.store.Owners(ctx, r.Team, r.Channel); err != nil {
			return nil, err
		}
		if len(owners) == 0 {
			return ephemeral("This backlog has no owners, so anyone in the channel may manage it. Add some with `/backlog owners add @a @b`."), nil
		}
		return ephemeral(fmt.Sprintf("This backlog's owners: %s. They (and workspace admins) may change statuses, scores, the framework and the owners.", names(owners))), nil
	}
	err = a.asOwner(ctx, r, "change its owners", func(actor prio.Actor) (err error) {
		owners, err = a.store.ChangeOwners(ctx, r.Team, r.Channel, actor, op, users)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(owners) == 0 {
		return ephemeral("This backlog has no owners now, so anyone in the channel may manage it."), nil
	}
	return ephemeral(fmt.Sprintf("This backlog's owners are now %s.", names(owners))), nil
}

// names lists users by mention; used only in private answers to the person
// who asked, where a mention notifies nobody else.
func names(users []string) string {
	refs := make([]string, len(users))
	for i, u := range users {
		refs[i] = "<@" + u + ">"
	}
	return strings.Join(refs, ", ")
}

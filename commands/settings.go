package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/slack-go/slack"
)

// SettingsStore holds a backlog's settings: its framework and its owners. store.Store implements it.
type SettingsStore interface {
	Framework(ctx context.Context, team, channel string) (prio.Framework, error)
	SetFramework(ctx context.Context, team, channel string, fw prio.Framework, actor prio.Actor) error
	Owners(ctx context.Context, team, channel string) ([]string, error)
	ChangeOwners(ctx context.Context, team, channel string, actor prio.Actor, op string, users []string) ([]string, error)
	TellUnowned(ctx context.Context, team, channel, user string) (bool, error)
	WorkspaceFrameworks(ctx context.Context, team string) ([]prio.WorkspaceFramework, error)
	DefineFramework(ctx context.Context, team string, fw prio.Framework, read int64, actor prio.Actor, now time.Time) (int64, error)
	DeleteFramework(ctx context.Context, team, name string) ([]string, error)
	FrameworkUsers(ctx context.Context, team, name string) ([]string, error)
}

// owners serves `/backlog owners [add|remove @a @b]`.
func (a *App) owners(ctx context.Context, r Request) (*Reply, error) {
	op, users, err := prio.ParseOwners(r.Text)
	if err != nil {
		return nil, err
	}
	var owners []string
	if op == "" {
		if owners, err = a.settings.Owners(ctx, r.Team, r.Channel); err != nil {
			return nil, err
		}
		if len(owners) == 0 {
			return ephemeral("This backlog has no owners, so anyone in the channel may manage it. Add some with `/backlog owners add @a @b`."), nil
		}
		return ephemeral(fmt.Sprintf("This backlog's owners: %s. They (and workspace admins) may change statuses, scores, the framework and the owners.", names(owners))), nil
	}
	err = a.asOwner(ctx, r, "change its owners", func(actor prio.Actor) (err error) {
		owners, err = a.settings.ChangeOwners(ctx, r.Team, r.Channel, actor, op, users)
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

// framework serves `/backlog framework [name]`: no name shows the current
// framework and the choices; a name switches and re-ranks.
func (a *App) framework(ctx context.Context, r Request) (*Reply, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(r.Text), " ")
	switch strings.ToLower(verb) {
	case "new":
		return a.defineFramework(ctx, r, rest, false)
	case "edit":
		return a.defineFramework(ctx, r, rest, true)
	case "delete":
		return a.deleteFramework(ctx, r, strings.TrimSpace(rest))
	}
	current, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	if r.Text == "" {
		return a.listFrameworks(ctx, r, current)
	}
	fw, err := a.frameworkNamed(ctx, r.Team, r.Text)
	if err != nil {
		return nil, err
	}
	if fw.Name == current.Name {
		return ephemeral(fmt.Sprintf("This backlog already scores with %s.", fw.Name)), nil
	}
	err = a.asOwner(ctx, r, "switch its framework", func(actor prio.Actor) error {
		return a.settings.SetFramework(ctx, r.Team, r.Channel, fw, actor)
	})
	if err != nil {
		return nil, err
	}
	a.homesChanged(r.Team, r.Channel)
	counts, err := a.ideas.Counts(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(fw.Criteria))
	for i, c := range fw.Criteria {
		keys[i] = c.Key
	}
	waiting := counts[prio.StatusNew]
	text := fmt.Sprintf("%s switched this backlog to *%s* (%s) and re-ranked it by the values ideas already had: %s %s awaiting scoring. `/backlog framework` shows the scales.",
		esc(r.UserName), fw.Title, strings.Join(keys, ", "), plural(waiting, "idea"), isAre(int(waiting)))
	return &Reply{Message: Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}, InChannel: true}, nil
}

// criteriaText writes "value (1 2 3 5 8 13, higher is better), effort (…)".
func criteriaText(f prio.Framework) string {
	parts := make([]string, len(f.Criteria))
	for i, c := range f.Criteria {
		labels := make([]string, len(c.Scale))
		for j, v := range c.Scale {
			labels[j] = c.Label(v)
		}
		better := "lower is better"
		if c.Higher {
			better = "higher is better"
		}
		parts[i] = fmt.Sprintf("%s (%s; %s)", c.Key, strings.Join(labels, " "), better)
	}
	return strings.Join(parts, ", ")
}

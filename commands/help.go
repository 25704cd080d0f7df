package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// help answers `<command> help` from the route table, so help can never
// list a form the bot does not route, nor miss one it does.
func (a *App) help(command string) Handler {
	return func(context.Context, Request) (*Reply, error) {
		text := a.helpText(command)
		return ephemeral(text, section("%s", text)), nil
	}
}

// helpText lists the slash command forms of the given commands (all when none).
func (a *App) helpText(commands ...string) string {
	var b strings.Builder
	for _, r := range a.Routes() {
		if r.Kind != Slash || (len(commands) > 0 && !slices.Contains(commands, r.Name)) {
			continue
		}
		fmt.Fprintf(&b, "`%s` — %s\n", esc(r.Usage), r.Help)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// homeBacklogs is how many backlogs the App Home shows the top of.
const homeBacklogs = 5

// home publishes the App Home tab: the user's ideas with where each sits,
// the top 5 of each backlog they submitted to, and how to use priobot.
func (a *App) home(ctx context.Context, r Request) (*Reply, error) {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Your ideas", false, false)),
	}
	refs, err := a.store.UserIdeas(ctx, r.Team, r.User, 15)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		blocks = append(blocks, section("You haven't submitted any ideas yet. Type `/idea <title>` in a channel to add one to its backlog."))
	}
	var channels []string
	for _, ref := range refs {
		if line, err := a.shortWhere(ctx, ref.Team, ref.Channel, ref.Number); err == nil {
			blocks = append(blocks, section("%s", line))
		}
		if !slices.Contains(channels, ref.Channel) {
			channels = append(channels, ref.Channel)
		}
	}
	for _, channel := range channels[:min(len(channels), homeBacklogs)] {
		top, total, err := a.store.Ranked(ctx, r.Team, channel, 0, 5)
		if err != nil {
			return nil, err
		}
		lines := []string{fmt.Sprintf("*Top of %s* (%s ranked)", channelRef(channel), plural(total, "idea"))}
		for i, idea := range top {
			lines = append(lines, fmt.Sprintf("%d. #%d %s — score %s", i+1, idea.Number, esc(truncate(idea.Title, 80)), prio.FormatScore(idea.Score)))
		}
		if total == 0 {
			lines = append(lines, "Nothing is scored yet.")
		}
		blocks = append(blocks, slack.NewDividerBlock(), section("%s", strings.Join(lines, "\n")))
	}
	if pending := a.pendingVotes(ctx, r.Team, r.User, channels); len(pending) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), section("*Your pending votes*\n%s", strings.Join(pending, "\n")))
	}
	blocks = append(blocks, slack.NewDividerBlock(), section("*How to use priobot*\n%s", a.helpText()))
	return nil, a.slack.PublishHome(ctx, r.User, blocks)
}

// pendingVotes lists, as links, the open poker cards user has not voted on:
// in sessions that name them as a voter, or that are open to anyone in a
// channel they submitted ideas to.
func (a *App) pendingVotes(ctx context.Context, team, user string, channels []string) []string {
	refs, err := a.store.OpenSessions(ctx, team, 20)
	if err != nil {
		return nil
	}
	var out []string
	for _, ref := range refs {
		ps, err := a.store.Session(ctx, ref.Team, ref.Channel, ref.ID)
		if err != nil || !ps.CanVote(user) || (len(ps.Voters) == 0 && !slices.Contains(channels, ps.Channel)) {
			continue
		}
		ideas, err := a.store.Ideas(ctx, ps.Team, ps.Channel, ps.Ideas)
		if err != nil {
			continue
		}
		for _, idea := range ideas {
			card, err := a.store.Card(ctx, ps, idea.Number)
			if err != nil || card.State != poker.CardVoting || slices.Contains(card.Voted, user) {
				continue
			}
			label := fmt.Sprintf("#%d %s", idea.Number, esc(truncate(idea.Title, 60)))
			if link := a.slack.Permalink(ctx, ps.Channel, card.TS); link != "" {
				label = "<" + link + "|" + label + ">"
			}
			out = append(out, label+" in "+channelRef(ps.Channel))
			if len(out) == 15 {
				return out
			}
		}
	}
	return out
}

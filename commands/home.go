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

// How much the App Home shows: the newest ideas of the person, the top of
// how many backlogs, and how many pending votes. Every cut says what is left.
const (
	homeIdeas    = 15
	homeBacklogs = 5
	homePending  = 15
)

// home publishes the App Home tab: the user's ideas with where each sits,
// the top 5 of each backlog they submitted to, and how to use priobot.
func (a *App) home(ctx context.Context, r Request) (*Reply, error) {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Your ideas", false, false)),
	}
	refs, total, err := a.store.UserIdeas(ctx, r.Team, r.User, 0, homeIdeas)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		blocks = append(blocks, section("You haven't submitted any ideas yet. Type `/idea &lt;title&gt;` in a channel to add one to its backlog."))
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
	if more := total - int64(len(refs)); more > 0 {
		blocks = append(blocks, note("…and %d older: `/backlog mine` lists them all, %d at a time.", more, minePage))
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
		if more := total - int64(len(top)); more > 0 {
			lines = append(lines, fmt.Sprintf("…and %d more: `/backlog` in %s lists them all.", more, channelRef(channel)))
		}
		blocks = append(blocks, slack.NewDividerBlock(), section("%s", strings.Join(lines, "\n")))
	}
	if more := len(channels) - homeBacklogs; more > 0 {
		blocks = append(blocks, note("Your ideas are in %d more backlogs: `/backlog` in each channel shows its top.", more))
	}
	if pending, more := a.pendingVotes(ctx, r.Team, r.User, channels); len(pending) > 0 {
		if more > 0 {
			pending = append(pending, fmt.Sprintf("…and %d more: each session's thread has them.", more))
		}
		blocks = append(blocks, slack.NewDividerBlock(), section("*Your pending votes*\n%s", strings.Join(pending, "\n")))
	}
	blocks = append(blocks, slack.NewDividerBlock(), section("*How to use priobot*\n%s", a.helpText()))
	return nil, a.slack.PublishHome(ctx, r.User, blocks)
}

// pendingVotes lists, as links, the open poker cards user has not voted on:
// in sessions that name them as a voter, or that are open to anyone in a
// channel they submitted ideas to.
// Past homePending it counts the rest.
func (a *App) pendingVotes(ctx context.Context, team, user string, channels []string) (shown []string, more int) {
	refs, err := a.store.OpenSessions(ctx, team, 20)
	if err != nil {
		return nil, 0
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
			if len(out) == homePending {
				more++
				continue
			}
			label := fmt.Sprintf("#%d %s", idea.Number, esc(truncate(idea.Title, 60)))
			if link := a.slack.Permalink(ctx, ps.Channel, card.TS); link != "" {
				label = "<" + link + "|" + label + ">"
			}
			out = append(out, label+" in "+channelRef(ps.Channel))
		}
	}
	return out, more
}

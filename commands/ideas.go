package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// submitIdea serves `/idea <title> | <description>`: it numbers the idea,
// posts its card in the channel and tells the author where it now waits.
func (a *App) submitIdea(ctx context.Context, r Request) (*Reply, error) {
	title, description := prio.SplitIdea(r.Text)
	idea, err := prio.NewIdea(r.Team, r.Channel, r.User, title, description, a.now())
	if err != nil {
		return nil, err
	}
	idea, place, err := a.store.CreateIdea(ctx, idea)
	if err != nil {
		return nil, err
	}
	ts, err := a.slack.Post(ctx, r.Channel, ideaCard(idea, r.UserName))
	if err != nil {
		a.log.WarnContext(ctx, "idea card not posted", "team", r.Team, "channel", r.Channel, "idea", idea.Number, "err", err)
		return ephemeral(fmt.Sprintf("Saved as #%d in this channel's backlog, but I couldn't post its card here. Invite me with `/invite @priobot` so everyone sees new ideas.", idea.Number)), nil
	}
	if err := a.store.SetCardTS(ctx, r.Team, r.Channel, idea.Number, ts); err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("Thanks! #%d %s is in the backlog, %s in the queue awaiting scoring.",
		idea.Number, esc(idea.Title), ordinal(place))), nil
}

// ideaCard is the message that announces an idea in its channel.
func ideaCard(idea prio.Idea, authorName string) Message {
	blocks := []slack.Block{section("*#%d %s*", idea.Number, esc(idea.Title))}
	if idea.Description != "" {
		blocks = append(blocks, section("%s", esc(idea.Description)))
	}
	blocks = append(blocks, note("Submitted by %s · %s", esc(authorName), statusLabel(idea.Status)))
	return Message{
		Text:   fmt.Sprintf("New idea #%d: %s", idea.Number, idea.Title),
		Blocks: blocks,
	}
}

func statusLabel(s prio.Status) string {
	if s == prio.StatusNew {
		return "awaiting scoring"
	}
	return string(s)
}

// pageSize is how many ideas a listing shows at once.
const pageSize = 10

// listBacklog serves `/backlog`: the channel's ideas, privately.
func (a *App) listBacklog(ctx context.Context, r Request) (*Reply, error) {
	if r.Text != "" {
		return nil, prio.Errorf(prio.Invalid, "I don't know `/backlog %s`. Try `/backlog help`.", esc(r.Text))
	}
	ideas, total, err := a.store.Awaiting(ctx, r.Team, r.Channel, 0, pageSize)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		return ephemeral("This channel's backlog is empty. Submit the first idea with `/idea <title>`."), nil
	}
	head := fmt.Sprintf("Backlog of #%s: %s awaiting scoring", r.ChannelName, plural(total, "idea"))
	blocks := []slack.Block{section("*%s*", esc(head))}
	lines := []string{head}
	for _, idea := range ideas {
		blocks = append(blocks, section("*#%d* %s · _%s_", idea.Number, esc(idea.Title), statusLabel(idea.Status)))
		lines = append(lines, fmt.Sprintf("#%d %s", idea.Number, idea.Title))
	}
	if total > int64(len(ideas)) {
		blocks = append(blocks, note("and %d more", total-int64(len(ideas))))
	}
	return ephemeral(strings.Join(lines, "\n"), blocks...), nil
}

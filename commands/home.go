package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// HomeStore remembers who opened priobot's Home, so changes redraw it. store.Store implements it.
type HomeStore interface {
	NoteHome(ctx context.Context, team, user string, channels []string, opened bool, now time.Time) error
	HomeViewers(ctx context.Context, team, channel string, now time.Time) ([]string, error)
	HomeViewer(ctx context.Context, team, user string, now time.Time) (bool, error)
	ClaimHomeRedraw(ctx context.Context, team, user string, period time.Duration) (bool, error)
}

// How much the App Home shows: the newest ideas of the person, the top of
// how many backlogs, and how many pending votes. Every cut says what is left.
const (
	homeIdeas    = 15
	homeBacklogs = 5
	homePending  = 15
)

// homeEvery is the least time between two publishes of one person's Home
// when what it shows changes: a burst costs about one views.publish.
const homeEvery = 3 * time.Second

// home serves app_home_opened: it publishes the person's Home and notes
// that they look at it, so that what changes there is published again.
func (a *App) home(ctx context.Context, r Request) (*Reply, error) {
	_, err := a.publishHome(ctx, r.Team, r.User, true)
	return nil, err
}

// publishHome publishes user's Home, notes which backlogs it shows (and,
// opened, that the person opened it), and returns a digest of what it shows.
func (a *App) publishHome(ctx context.Context, team, user string, opened bool) (uint64, error) {
	blocks, channels, err := a.homeBlocks(ctx, team, user)
	if err != nil {
		return 0, err
	}
	if err := a.slack.PublishHome(ctx, user, blocks); err != nil {
		return 0, err
	}
	if err := a.homes.NoteHome(ctx, team, user, channels, opened, a.now()); err != nil {
		a.log.WarnContext(ctx, "home viewer not noted", "err", err)
	}
	return digest(blocks), nil
}

// digest sums up blocks, to tell whether a Home changed.
func digest(blocks []slack.Block) uint64 {
	data, _ := json.Marshal(blocks)
	h := fnv.New64a()
	h.Write(data)
	return h.Sum64()
}

// refreshHome publishes user's Home again if they look at it, coalesced to
// one views.publish per homeEvery, ending on what it shows last.
func (a *App) refreshHome(team, user string) {
	a.coalesce("home "+team+":"+user, homeEvery,
		func(ctx context.Context) (bool, error) { return a.homes.ClaimHomeRedraw(ctx, team, user, homeEvery) },
		func(ctx context.Context) (int64, error) {
			d, err := a.publishHome(ctx, team, user, false)
			return int64(d), err
		},
		func(ctx context.Context) (int64, error) {
			blocks, _, err := a.homeBlocks(ctx, team, user)
			return int64(digest(blocks)), err
		})
}

// homesChanged publishes again, in the background, the Home of everyone
// who looks at theirs and sees something of a backlog that changed.
func (a *App) homesChanged(team, channel string) {
	a.background("homes of "+channel, func() {
		ctx, cancel := context.WithTimeout(context.Background(), itemTimeout)
		defer cancel()
		users, err := a.homes.HomeViewers(ctx, team, channel, a.now())
		if err != nil {
			a.log.WarnContext(ctx, "home viewers unknown", "channel", channel, "err", err)
			return
		}
		for _, u := range users {
			a.refreshHome(team, u)
		}
	})
}

// homeBlocks draws a person's App Home: their ideas with where each sits,
// the top 5 of each backlog they submitted to, their pending votes, and how
// to use priobot. channels are the backlogs it shows something of.
func (a *App) homeBlocks(ctx context.Context, team, user string) ([]slack.Block, []string, error) {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Your ideas", false, false)),
		slack.NewActionBlock("home", button(actHomeNewIdea, "new", "New idea")),
	}
	refs, total, err := a.ideas.UserIdeas(ctx, team, user, 0, homeIdeas)
	if err != nil {
		return nil, nil, err
	}
	if len(refs) == 0 {
		blocks = append(blocks, section("You haven't submitted any ideas yet. Press *New idea*, type `/idea &lt;title&gt;` in a channel, or pick *Add to backlog* in any message's ⋯ menu."))
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
	supported, err := a.supportedLines(ctx, team, user)
	if err != nil {
		return nil, nil, err
	}
	blocks = append(blocks, supported...)
	for _, channel := range channels[:min(len(channels), homeBacklogs)] {
		top, total, err := a.ideas.Ranked(ctx, team, channel, 0, 5)
		if err != nil {
			return nil, nil, err
		}
		lines := []string{fmt.Sprintf("*Top of %s* (%s ranked)", channelRef(channel), plural(total, "idea"))}
		for i, idea := range top {
			lines = append(lines, fmt.Sprintf("%d. #%d %s — score %s", i+1, idea.Number, esc(prio.Shorten(idea.Title, 80)), prio.FormatScore(idea.Score)))
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
	pending, more, sessions := a.pendingVotes(ctx, team, user, channels)
	if len(pending) > 0 {
		if more > 0 {
			pending = append(pending, fmt.Sprintf("…and %d more: each session's thread has them.", more))
		}
		blocks = append(blocks, slack.NewDividerBlock(), section("*Your pending votes*\n%s", strings.Join(pending, "\n")))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	for i, part := range chunks(a.helpText(), 2800) { // a section holds 3,000 characters
		if i == 0 {
			part = "*How to use priobot*\n" + part
		}
		blocks = append(blocks, section("%s", part))
	}
	for _, c := range sessions {
		if !slices.Contains(channels, c) {
			channels = append(channels, c)
		}
	}
	return blocks, channels, nil
}

// supportedLines are the Home's ideas a person supports or asked for,
// apart from theirs: where each sits, newest first.
func (a *App) supportedLines(ctx context.Context, team, user string) ([]slack.Block, error) {
	refs, total, err := a.ideas.UserSupports(ctx, team, user, 0, homeIdeas)
	if err != nil || len(refs) == 0 {
		return nil, err
	}
	lines := []string{"*Ideas you support or asked for*"}
	for _, ref := range refs {
		if line, err := a.shortWhere(ctx, ref.Team, ref.Channel, ref.Number); err == nil {
			lines = append(lines, line)
		}
	}
	if more := total - int64(len(refs)); more > 0 {
		lines = append(lines, fmt.Sprintf("…and %d older.", more))
	}
	return []slack.Block{slack.NewDividerBlock(), section("%s", strings.Join(lines, "\n"))}, nil
}

// pendingVotes lists, as links, the open poker cards user has not voted on:
// in sessions that name them as a voter, or that are open to anyone in a
// channel they submitted ideas to.
// Past homePending it counts the rest. sessions are the channels of the
// sessions user may vote in.
func (a *App) pendingVotes(ctx context.Context, team, user string, channels []string) (out []string, more int, sessions []string) {
	refs, err := a.poker.OpenSessions(ctx, team, 20)
	if err != nil {
		return nil, 0, nil
	}
	for _, ref := range refs {
		ps, err := a.poker.Session(ctx, ref.Team, ref.Channel, ref.ID)
		if err != nil || !ps.CanVote(user) || (len(ps.Voters) == 0 && !slices.Contains(channels, ps.Channel)) {
			continue
		}
		if !slices.Contains(sessions, ps.Channel) {
			sessions = append(sessions, ps.Channel)
		}
		ideas, err := a.ideas.Ideas(ctx, ps.Team, ps.Channel, ps.Ideas)
		if err != nil {
			continue
		}
		for _, idea := range ideas {
			card, err := a.poker.Card(ctx, ps, idea.Number)
			if err != nil || card.State != poker.CardVoting || slices.Contains(card.Voted, user) {
				continue
			}
			if len(out) == homePending {
				more++
				continue
			}
			label := fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 60)))
			if link := a.slack.Permalink(ctx, ps.Channel, card.TS); link != "" {
				label = "<" + link + "|" + label + ">"
			}
			out = append(out, label+" in "+channelRef(ps.Channel))
		}
	}
	return out, more, sessions
}

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
	ManagedBacklogs(ctx context.Context, team, user string, submitted []string) ([]string, error)
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

// owedVote is a poker card waiting for someone's vote: what it says, and
// where it is.
type owedVote struct{ label, where, link string }

// pendingVotes lists the open poker cards user has not voted on: in
// sessions that name them as a voter, or that are open to anyone in a
// channel they submitted ideas to.
// Past homePending it counts the rest. sessions are the channels of the
// sessions user may vote in.
func (a *App) pendingVotes(ctx context.Context, team, user string, channels []string) (out []owedVote, more int, sessions []string) {
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
			out = append(out, owedVote{label: fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 60))), where: channelRef(ps.Channel),
				link: a.slack.Permalink(ctx, ps.Channel, card.TS)})
		}
	}
	return out, more, sessions
}

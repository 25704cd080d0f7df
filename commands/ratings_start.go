package commands

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

// RatingsStore keeps Priority Ratings: rounds, anonymous answers and
// their sums. store.Store implements it.
type RatingsStore interface {
	StartRatings(ctx context.Context, r ratings.Round, raters []string, remind map[string]time.Time, actor prio.Actor) (ratings.Round, error)
	SetRatingsTS(ctx context.Context, r ratings.Round, ts string) error
	SetRatingsResultsTS(ctx context.Context, r ratings.Round, ts string) error
	Ratings(ctx context.Context, team, channel string, id int64) (ratings.Round, error)
	Rate(ctx context.Context, team, channel string, id int64, ideas []int64, rater string, n int64, rating int, actionTS string) (ratings.Answer, error)
	ClaimRatingsRender(ctx context.Context, r ratings.Round) (bool, error)
	CloseRatings(ctx context.Context, r ratings.Round, actor prio.Actor, now time.Time) (bool, error)
	RatingsDists(ctx context.Context, r ratings.Round) (map[int64][ratings.Highest]int, error)
	NudgeRaters(ctx context.Context, r ratings.Round, actor prio.Actor, now time.Time) (int, time.Time, error)
	RemindRaters(ctx context.Context, r ratings.Round, now time.Time) (int, error)
	DueRatings(ctx context.Context, now time.Time) ([]poker.Ref, error)
	DueRatingReminders(ctx context.Context, now time.Time) ([]poker.Ref, error)
	UseRatings(ctx context.Context, r ratings.Round, crit string, actor prio.Actor, now time.Time) error
	SetRated(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, round int64, count int, set string, now time.Time) (prio.Idea, int, error)
}

// startRatings serves `/backlog ratings #3 #5 from @ann @sales-team
// #support [for 3d] [ask "…"]` (owners): each rater gets a DM to rate the
// ideas, and the channel a message with the progress.
func (a *App) startRatings(ctx context.Context, r Request) (*Reply, error) {
	ask, err := ratings.Parse(r.Text)
	if err != nil {
		return nil, err
	}
	if err := a.mayManage(ctx, r, "ask stakeholders for ratings"); err != nil {
		return nil, err
	}
	ideas, err := a.ideas.Ideas(ctx, r.Team, r.Channel, ask.Ideas)
	if err != nil {
		return nil, err
	}
	for _, n := range ask.Ideas {
		i := slices.IndexFunc(ideas, func(idea prio.Idea) bool { return idea.Number == n })
		if i < 0 {
			return nil, notFound(n)
		}
		if !ideas[i].Status.Open() {
			return nil, prio.Errorf(prio.Conflict, "#%d is %s, so it can't be rated: ratings are for open ideas.", n, ideas[i].Status.Label())
		}
	}
	raters, err := a.raters(ctx, ask)
	if err != nil {
		return nil, err
	}
	now := a.now()
	round := ratings.Round{Team: r.Team, Channel: r.Channel, Ideas: ask.Ideas, Question: ask.Question, Created: now,
		Deadline: now.Add(cmp.Or(ask.For, ratings.DefaultFor))}
	remind := map[string]time.Time{}
	for u, loc := range raters {
		remind[u] = poker.RemindAt(round.Created, round.Deadline, loc)
	}
	var started ratings.Round
	err = a.asOwner(ctx, r, "ask stakeholders for ratings", func(actor prio.Actor) (err error) {
		started, err = a.ratings.StartRatings(ctx, round, slices.Sorted(maps.Keys(raters)), remind, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	if started.TS, err = a.slack.Post(ctx, r.Channel, progressMessage(started, ideas)); err != nil {
		a.log.WarnContext(ctx, "ratings progress not posted", "channel", r.Channel, "err", err)
	} else if err := a.ratings.SetRatingsTS(ctx, started, started.TS); err != nil {
		return nil, err
	}
	a.kickOutbox(ctx, r.Team, r.Channel)
	return ephemeral(fmt.Sprintf("Asked %s by direct message to rate %s; ratings close %s %s. Nobody, you included, will see who gave which rating.",
		plural(int64(started.Raters), "person"), refList(started.Ideas), date(started.Deadline), clock(started.Deadline))), nil
}

// resolveAtOnce bounds the users.info calls made side by side while
// a few raters are resolved.
const resolveAtOnce = 8

// raters resolves who an ask names into people, each once, with their
// time zone (for reminders in working hours): named people, user groups'
// and channels' members; bots and unknown accounts are left out.
func (a *App) raters(ctx context.Context, ask ratings.Ask) (map[string]*time.Location, error) {
	candidates := slices.Clone(ask.People)
	for _, g := range ask.Groups {
		members, err := a.slack.GroupMembers(ctx, g)
		if err != nil {
			return nil, prio.Errorf(prio.Invalid, "I can't read the user group %s: %s. Name its people instead.", esc(ask.GroupNames[g]), slackWhy(err))
		}
		candidates = append(candidates, members...)
	}
	for _, c := range ask.Channels {
		members, err := a.slack.Members(ctx, c)
		if err != nil {
			return nil, prio.Errorf(prio.Invalid, "I can't see who is in %s: invite me there (`/invite @priobot`) or name its people instead.", channelRef(c))
		}
		candidates = append(candidates, members...)
	}
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)
	if len(candidates) > 4*ratings.MaxRaters {
		return nil, tooMany(len(candidates))
	}
	people, err := a.people(ctx, candidates)
	if err != nil {
		return nil, err
	}
	out := map[string]*time.Location{}
	for _, u := range people {
		if u.Bot || u.Deleted {
			continue
		}
		loc := time.UTC
		if l, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
			loc = l
		}
		out[u.ID] = loc
	}
	switch {
	case len(out) == 0:
		return nil, prio.Errorf(prio.Invalid, "Those raters come to nobody: the groups and channels you named have no people in them besides bots. Name people, user groups or channels with people in them.")
	case len(out) > ratings.MaxRaters:
		return nil, tooMany(len(out))
	}
	return out, nil
}

// listFrom is how many candidates make one pass over the workspace's
// people (users.list, 200 a page, Tier 2) cheaper than asking users.info
// of each (Tier 4, about 100 a minute).
const listFrom = 100

// people is what Slack says of each candidate (those it no longer knows
// left out): by users.info, or for many by one pass of users.list.
func (a *App) people(ctx context.Context, ids []string) ([]User, error) {
	if len(ids) >= listFrom {
		all, err := a.slack.Users(ctx)
		if err != nil {
			return nil, err
		}
		return slices.DeleteFunc(all, func(u User) bool { _, found := slices.BinarySearch(ids, u.ID); return !found }), nil
	}
	var (
		mu  sync.Mutex
		out []User
		wg  sync.WaitGroup
		in  = make(chan string)
	)
	for range resolveAtOnce {
		wg.Go(func() {
			for id := range in {
				if u, err := a.slack.User(ctx, id); err == nil {
					mu.Lock()
					out = append(out, u)
					mu.Unlock()
				}
			}
		})
	}
	for _, id := range ids {
		in <- id
	}
	close(in)
	wg.Wait()
	return out, nil
}

func tooMany(n int) error {
	return prio.Errorf(prio.Invalid, "Those raters come to %d people; a round of ratings asks at most %d. Name fewer or smaller groups and channels.", n, ratings.MaxRaters)
}

// slackWhy says a Slack refusal in a few words.
func slackWhy(err error) string {
	switch {
	case strings.Contains(err.Error(), "no_such_subteam"):
		return "there is no such group"
	case strings.Contains(err.Error(), "plan_upgrade_required"):
		return "this workspace's plan has no user groups"
	}
	return "Slack refused"
}

// progressMessage is a round's message in the channel: what is rated, on
// which question, until when, and how many have rated; never who.
func progressMessage(r ratings.Round, ideas []prio.Idea) Message {
	var lines []string
	for _, idea := range ideas {
		lines = append(lines, fmt.Sprintf("• #%d %s", idea.Number, esc(prio.Shorten(idea.Title, 80))))
	}
	head := fmt.Sprintf("*Priority Ratings*: %s asked %s to rate %s on “%s”, from 1 (not at all) to 5 (enormously).",
		esc(r.ByName), plural(int64(r.Raters), "stakeholder"), plural(int64(len(r.Ideas)), "idea"), esc(r.Question))
	progress := fmt.Sprintf("*%d of %d have rated.* Ratings close %s %s; who gave which rating is never shown.", r.Rated, r.Raters,
		date(r.Deadline), clock(r.Deadline))
	if !r.Open() {
		progress = fmt.Sprintf("*Closed* %s: %d of %d rated. The results are in the thread.", date(r.Closed), r.Rated, r.Raters)
	}
	text := head + "\n" + strings.Join(lines, "\n") + "\n" + progress
	m := Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}
	if r.Open() {
		value := fmt.Sprint(r.ID)
		m.Blocks = append(m.Blocks, slack.NewActionBlock("ratings", button(actRatingsNudge, value, "Nudge"), button(actRatingsClose, value, "Close")))
	}
	return m
}

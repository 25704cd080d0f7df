package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

// clickedRound is the round a progress or results message's button names
// (its value starts with the round id), in the channel it was clicked in.
func (a *App) clickedRound(ctx context.Context, r Request) (ratings.Round, string, error) {
	id, rest, _ := strings.Cut(r.Value, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ratings.Round{}, "", prio.Errorf(prio.Invalid, "That button doesn't belong to a round of ratings.")
	}
	round, err := a.ratings.Ratings(ctx, r.Team, r.Channel, n)
	return round, rest, err
}

// ratingsCloseClicked serves **Close** on a progress message (owners).
func (a *App) ratingsCloseClicked(ctx context.Context, r Request) (*Reply, error) {
	round, _, err := a.clickedRound(ctx, r)
	if err != nil {
		return nil, err
	}
	var closed bool
	err = a.asOwner(ctx, r, "close ratings", func(actor prio.Actor) (err error) {
		closed, err = a.ratings.CloseRatings(ctx, round, actor, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if !closed {
		return ephemeral("These ratings had closed already; the results are in the thread."), nil
	}
	a.ratingsClosed(ctx, round)
	return ephemeral("Closed. The results are going into the thread, ranked by mean."), nil
}

// ratingsClosed redraws a round's progress message once it closed, and
// has the outbox post its results and send ratings.closed.
func (a *App) ratingsClosed(ctx context.Context, round ratings.Round) {
	if _, err := a.drawProgress(ctx, round.Team, round.Channel, round.ID); err != nil {
		a.log.WarnContext(ctx, "ratings progress not redrawn", "round", round.ID, "err", err)
	}
	a.kickOutbox(ctx, round.Team, round.Channel)
}

// ratingsNudgeClicked serves **Nudge** on a progress message (owners): a DM
// to each rater who has rated nothing yet, at most once an hour.
func (a *App) ratingsNudgeClicked(ctx context.Context, r Request) (*Reply, error) {
	round, _, err := a.clickedRound(ctx, r)
	if err != nil {
		return nil, err
	}
	var (
		nudged int
		next   time.Time
	)
	err = a.asOwner(ctx, r, "nudge raters", func(actor prio.Actor) (err error) {
		nudged, next, err = a.ratings.NudgeRaters(ctx, round, actor, a.now())
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case !next.IsZero():
		return ephemeral(fmt.Sprintf("These raters were nudged less than an hour ago; the next nudge is possible %s.", clock(next))), nil
	case nudged == 0:
		return ephemeral("Everyone asked has rated: there is no one to nudge."), nil
	}
	a.kickOutbox(ctx, r.Team, r.Channel)
	return ephemeral(fmt.Sprintf("Nudged by direct message: the %s who %s rated nothing yet.", plural(int64(nudged), "person"),
		map[bool]string{true: "has", false: "have"}[nudged == 1])), nil
}

// closeRatingsDue closes the rounds past their deadline, each once.
func (a *App) closeRatingsDue(ctx context.Context) {
	forEachDue(ctx, a, "ratings deadlines", a.ratings.DueRatings, func(ref poker.Ref) {
		round, err := a.ratings.Ratings(ctx, ref.Team, ref.Channel, ref.ID)
		if err != nil {
			return
		}
		if closed, err := a.ratings.CloseRatings(ctx, round, prio.Actor{}, a.now()); err != nil {
			a.log.WarnContext(ctx, "scheduler: ratings", "round", round.ID, "err", err)
		} else if closed {
			a.ratingsClosed(ctx, round)
		}
	})
}

// remindRatersDue sends the ratings reminders due by now (planned when
// the round started, inside each rater's working hours).
func (a *App) remindRatersDue(ctx context.Context) {
	forEachDue(ctx, a, "ratings reminders", a.ratings.DueRatingReminders, func(ref poker.Ref) {
		round, err := a.ratings.Ratings(ctx, ref.Team, ref.Channel, ref.ID)
		if err != nil {
			return
		}
		if n, err := a.ratings.RemindRaters(ctx, round, a.now()); err != nil {
			a.log.WarnContext(ctx, "scheduler: ratings reminders", "round", round.ID, "err", err)
		} else if n > 0 {
			a.kickOutbox(ctx, round.Team, round.Channel)
		}
	})
}

// postResults posts a closed round's results in its progress message's
// thread (an outbox item, so once), and remembers where.
func (a *App) postResults(ctx context.Context, b outbox.Backlog, item outbox.Item) error {
	round, err := a.ratings.Ratings(ctx, b.Team, b.Channel, item.Session)
	if err != nil {
		return err
	}
	m, err := a.resultsMessage(ctx, round)
	if err != nil {
		return err
	}
	m.ThreadTS = item.TS
	ts, err := a.slack.Post(ctx, b.Channel, m)
	if err != nil {
		return err
	}
	return a.ratings.SetRatingsResultsTS(ctx, round, ts)
}

// resultsMessage ranks a closed round's ideas by mean, each with its
// count, median and distribution; owners may use the means as a benefit
// criterion of the backlog's framework.
func (a *App) resultsMessage(ctx context.Context, round ratings.Round) (Message, error) {
	dists, err := a.ratings.RatingsDists(ctx, round)
	if err != nil {
		return Message{}, err
	}
	ideas, err := a.ideas.Ideas(ctx, round.Team, round.Channel, round.Ideas)
	if err != nil {
		return Message{}, err
	}
	fw, err := a.settings.Framework(ctx, round.Team, round.Channel)
	if err != nil {
		return Message{}, err
	}
	titles := map[int64]string{}
	for _, idea := range ideas {
		titles[idea.Number] = idea.Title
	}
	lines := []string{fmt.Sprintf("*Results of Priority Ratings* on “%s”: %d of %s asked rated. Ranked by mean, from 1 (not at all) to 5 (enormously):",
		esc(round.Question), round.Rated, plural(int64(round.Raters), "person"))}
	for i, res := range ratings.Rank(round.Ideas, dists) {
		idea := fmt.Sprintf("#%d %s", res.Idea, esc(prio.Shorten(titles[res.Idea], 60)))
		if res.Count == 0 {
			lines = append(lines, fmt.Sprintf("%d. %s: nobody rated it.", i+1, idea))
			continue
		}
		lines = append(lines, fmt.Sprintf("%d. %s: mean *%s*, median %s, from %s   `%s`", i+1, idea, prio.FormatScore(res.Mean), prio.FormatScore(res.Median),
			plural(int64(res.Count), "rating"), res.Bars()))
	}
	var buttons []slack.BlockElement
	for _, c := range fw.Criteria {
		if !c.Higher {
			continue
		}
		if slices.Contains(round.Used, c.Key) {
			lines = append(lines, fmt.Sprintf("_These means are %s's values now._", esc(c.Name)))
			continue
		}
		buttons = append(buttons, button(actRatingsUse, fmt.Sprintf("%d:%s", round.ID, c.Key), "Use as "+c.Name))
	}
	if len(buttons) > 0 {
		lines = append(lines, "_Use as_ makes each idea's mean its value for that criterion, on the criterion's scale (1 is its lowest card, 5 its highest), and re-ranks the backlog (owners).")
	}
	text := strings.Join(lines, "\n")
	m := Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}
	if len(buttons) > 0 {
		m.Blocks = append(m.Blocks, slack.NewActionBlock("ratings_use", buttons...))
	}
	return m, nil
}

// ratingsUseClicked serves **Use as <criterion>** under a round's results
// (owners): each rated idea's mean, mapped onto the criterion's scale, is
// its value; the backlog re-ranks, the history says where it came from,
// and supporters hear of it as of any score.
func (a *App) ratingsUseClicked(ctx context.Context, r Request) (*Reply, error) {
	round, key, err := a.clickedRound(ctx, r)
	if err != nil {
		return nil, err
	}
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	c := fw.Criterion(key)
	if c.ID == "" || !c.Higher {
		return nil, prio.Errorf(prio.Conflict, "This backlog scores with %s now, which has no benefit criterion %s; nothing changed.", fw.Name, prio.Quote(key))
	}
	dists, err := a.ratings.RatingsDists(ctx, round)
	if err != nil {
		return nil, err
	}
	err = a.asOwner(ctx, r, "use ratings as a criterion", func(actor prio.Actor) error {
		return a.ratings.UseRatings(ctx, round, c.Key, actor, a.now())
	})
	if err != nil {
		return nil, err
	}
	var set, skipped []string
	told := 0
	for _, n := range round.Ideas {
		res := ratings.FromDist(dists[n])
		if res.Count == 0 {
			skipped = append(skipped, fmt.Sprintf("#%d (nobody rated it)", n))
			continue
		}
		v := ratings.OnScale(res.Exact(), c)
		what := fmt.Sprintf("%s %s", c.Name, c.Label(v))
		_, n2, err := a.ratings.SetRated(ctx, r.Team, r.Channel, n, r.actor(), map[string]float64{c.ID: v}, round.ID, res.Count, what, a.now())
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("#%d (%s)", n, strings.TrimSuffix(err.Error(), ".")))
			continue
		}
		told += n2
		set = append(set, fmt.Sprintf("#%d %s", n, what))
		a.refreshCard(r.Team, r.Channel, n)
	}
	a.announced(ctx, r.Team, r.Channel)
	a.homesChanged(r.Team, r.Channel)
	if told > 0 {
		a.kickOutbox(ctx, r.Team, r.Channel)
	}
	if round.ResultsTS != "" {
		round.Used = append(round.Used, c.Key)
		if m, err := a.resultsMessage(ctx, round); err == nil {
			_ = a.slack.Update(ctx, r.Channel, round.ResultsTS, m)
		}
	}
	text := fmt.Sprintf("%s used the stakeholders' ratings as %s: %s. The backlog is re-ranked.", esc(r.UserName), esc(c.Name), strings.Join(set, ", "))
	if len(set) == 0 {
		text = fmt.Sprintf("%s tried to use the stakeholders' ratings as %s, but no idea could take them.", esc(r.UserName), esc(c.Name))
	}
	if len(skipped) > 0 {
		text += " Left as they were: " + strings.Join(skipped, ", ") + "."
	}
	_, _ = a.slack.Post(ctx, r.Channel, Message{Text: text, ThreadTS: round.TS})
	return nil, nil
}

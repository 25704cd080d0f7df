package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

// errUnsaid is an outbox item's message when there is nothing left to
// say (a reminder for ratings that closed meanwhile): it is settled unsent.
var errUnsaid = errors.New("nothing left to say")

// ratingsDM is the DM that asks a rater (again) to rate a round's ideas.
func (a *App) ratingsDM(ctx context.Context, b outbox.Backlog, item outbox.Item) (Message, error) {
	round, err := a.ratings.Ratings(ctx, b.Team, b.Channel, item.Session)
	if err != nil {
		return Message{}, err
	}
	if !round.Open() {
		return Message{}, errUnsaid
	}
	ideas, err := a.ideas.Ideas(ctx, b.Team, b.Channel, round.Ideas)
	if err != nil {
		return Message{}, err
	}
	lines := make([]ratings.Line, 0, len(ideas))
	for _, idea := range ideas {
		lines = append(lines, ratings.Line{Idea: idea.Number, Title: idea.Title, Status: idea.Status})
	}
	what := fmt.Sprintf("%s from %s's backlog", plural(int64(len(lines)), "idea"), channelRef(b.Channel))
	intro := fmt.Sprintf("%s asks you to rate %s.", esc(round.ByName), what)
	switch item.Kind {
	case outbox.RatingsNudge:
		intro = fmt.Sprintf("%s reminds you: your ratings of %s are still missing.", esc(item.Actor), what)
	case outbox.RatingsReminder:
		intro = fmt.Sprintf("A reminder: your ratings of %s are still missing.", what)
	}
	return ratingsMessage(round, intro, lines), nil
}

// ratingsMessage draws a rater's DM: the question, and per idea its
// buttons, the rater's answer marked; without buttons once closed.
func ratingsMessage(r ratings.Round, intro string, lines []ratings.Line) Message {
	about := fmt.Sprintf("*%s*\n1 = not at all, 5 = enormously; *Skip* when you have no view. Only how many gave each rating is ever shown, never who gave which. "+
		"You can change your ratings until %s %s.", esc(r.Question), date(r.Deadline), clock(r.Deadline))
	if !r.Open() {
		about = fmt.Sprintf("*%s*\nThese ratings closed %s; thank you. The results are in %s.", esc(r.Question), date(r.Closed), channelRef(r.Channel))
	}
	blocks := []slack.Block{section("%s\n%s", intro, about)}
	plain := []string{intro, about}
	for _, l := range lines {
		line := fmt.Sprintf("*#%d %s*", l.Idea, esc(prio.Shorten(l.Title, 150)))
		switch {
		case !l.Status.Open():
			line += fmt.Sprintf("\n_%s meanwhile, so it is no longer rated._", capitalize(l.Status.Label()))
		case l.Given && l.Mine == ratings.Skip:
			line += "\nYou skipped it."
		case l.Given:
			line += fmt.Sprintf("\nYour rating: *%d*", l.Mine)
		}
		blocks = append(blocks, section("%s", line))
		plain = append(plain, line)
		if r.Open() && l.Status.Open() {
			blocks = append(blocks, rateButtons(r, l))
		}
	}
	return Message{Text: plainText(strings.Join(plain, "\n")), Blocks: blocks}
}

// rateButtons are an idea's 1 to 5 and Skip, the rater's answer marked.
func rateButtons(r ratings.Round, l ratings.Line) slack.Block {
	ideas := make([]string, len(r.Ideas))
	for i, n := range r.Ideas {
		ideas[i] = strconv.FormatInt(n, 10)
	}
	value := fmt.Sprintf("%s:%d:%d:%s", r.Channel, r.ID, l.Idea, strings.Join(ideas, ","))
	var els []slack.BlockElement
	for v := ratings.Lowest; v <= ratings.Highest; v++ {
		b := button(actRate+strconv.Itoa(v), value, strconv.Itoa(v))
		if l.Given && l.Mine == v {
			b.Style = slack.StylePrimary
		}
		els = append(els, b)
	}
	skip := button(actRate+"skip", value, "Skip")
	if l.Given && l.Mine == ratings.Skip {
		skip.Style = slack.StylePrimary
	}
	return slack.NewActionBlock(fmt.Sprintf("rate_%d", l.Idea), append(els, skip)...)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var rateValue = regexp.MustCompile(`^([CG][A-Z0-9]{1,30}):(\d{1,12}):(\d{1,12}):(\d{1,12}(?:,\d{1,12}){0,9})$`)

// rateClicked serves a rating button in a rater's DM: one Redis round trip
// records it (a redelivered click changes nothing); the DM is redrawn with
// the answer, and the progress message about once a second.
func (a *App) rateClicked(ctx context.Context, r Request) (*Reply, error) {
	m := rateValue.FindStringSubmatch(r.Value)
	label := strings.TrimPrefix(r.ActionID, actRate)
	rating, err := strconv.Atoi(label)
	if label == "skip" {
		rating, err = ratings.Skip, nil
	}
	if m == nil || err != nil || rating < ratings.Skip || rating > ratings.Highest || r.ActionTS == "" {
		return nil, prio.Errorf(prio.Invalid, "That button doesn't belong to a round of ratings.")
	}
	channel := m[1]
	id, _ := strconv.ParseInt(m[2], 10, 64)
	n, _ := strconv.ParseInt(m[3], 10, 64)
	var ideas []int64
	for _, s := range strings.Split(m[4], ",") {
		i, _ := strconv.ParseInt(s, 10, 64)
		ideas = append(ideas, i)
	}
	ans, err := a.ratings.Rate(ctx, r.Team, channel, id, ideas, r.User, n, rating, r.ActionTS)
	if err != nil {
		return nil, err
	}
	if ans.Outcome == ratings.Recorded {
		a.redrawProgress(ans.Round)
	}
	intro := fmt.Sprintf("%s asked you to rate %s from %s's backlog.", esc(ans.Round.ByName), plural(int64(len(ideas)), "idea"), channelRef(channel))
	switch ans.Outcome {
	case ratings.Gone:
		intro = fmt.Sprintf("#%d left play meanwhile, so it is no longer rated; your other ratings stand. ", n) + intro
	case ratings.Closed:
		intro = "These ratings had closed, so that click changed nothing. " + intro
	}
	return &Reply{Message: ratingsMessage(ans.Round, intro, ans.Lines), Replace: true}, nil
}

// redrawProgress redraws a round's progress message, about once a second
// however many rate at once.
func (a *App) redrawProgress(r ratings.Round) {
	a.coalesce(fmt.Sprintf("ratings %s:%s:%d", r.Team, r.Channel, r.ID), redrawEvery,
		func(ctx context.Context) (bool, error) { return a.ratings.ClaimRatingsRender(ctx, r) },
		func(ctx context.Context) (int64, error) { return a.drawProgress(ctx, r.Team, r.Channel, r.ID) },
		func(ctx context.Context) (int64, error) {
			now, err := a.ratings.Ratings(ctx, r.Team, r.Channel, r.ID)
			return int64(now.Rated), err
		})
}

// drawProgress redraws a round's progress message now and returns how
// many had rated when it was drawn.
func (a *App) drawProgress(ctx context.Context, team, channel string, id int64) (int64, error) {
	r, err := a.ratings.Ratings(ctx, team, channel, id)
	if err != nil || r.TS == "" {
		return 0, err
	}
	ideas, err := a.ideas.Ideas(ctx, team, channel, r.Ideas)
	if err != nil {
		return 0, err
	}
	return int64(r.Rated), a.slack.Update(ctx, channel, r.TS, progressMessage(r, ideas))
}

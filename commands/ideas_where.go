package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/priobot/priobot/prio"
	"github.com/slack-go/slack"
)

// backlog serves `/backlog` (the listing) and `/backlog #12` (where it sits).
func (a *App) backlog(ctx context.Context, r Request) (*Reply, error) {
	if r.Text == "" {
		return a.listing(ctx, r, 0)
	}
	word, rest := prio.SplitWord(r.Text)
	if !prio.IsRef(word) || rest != "" {
		return nil, prio.Errorf(prio.Invalid, "I don't know `/backlog %s`. Try `/backlog help`.", prio.Shorten(r.Text, 100))
	}
	n, err := prio.ParseRef(word)
	if err != nil {
		return nil, err
	}
	return a.where(ctx, r, n)
}

// whereClicked serves the card's **Where does it sit?** button.
func (a *App) whereClicked(ctx context.Context, r Request) (*Reply, error) {
	n, err := clickedIdea(r)
	if err != nil {
		return nil, err
	}
	return a.where(ctx, r, n)
}

// where answers "where does #n sit?": one Redis round trip for an idea of
// this channel, more for one elsewhere.
func (a *App) where(ctx context.Context, r Request, n int64) (*Reply, error) {
	idea, pos, err := a.ideas.Where(ctx, r.Team, r.Channel, n)
	if prio.ErrorCode(err) == prio.NotFound {
		var channel string
		if channel, err = a.visibleChannel(ctx, r, n); err != nil {
			return nil, err
		}
		idea, pos, err = a.ideas.Where(ctx, r.Team, channel, n)
	}
	if err != nil {
		return nil, err
	}
	text, err := a.describe(ctx, idea, pos)
	if err != nil {
		return nil, err
	}
	switch {
	case idea.Source != nil:
		text += "\nIt was added " + from(idea.Source) + "."
	case idea.Issue != nil && idea.Author == "":
		text += "\nIt was imported " + fromIssue(idea.Issue) + "."
	}
	if l := links(idea); l != "" {
		text += "\n" + l
	}
	blocks := []slack.Block{withMenu(idea, r.Channel, "%s", text)}
	if idea.Channel == r.Channel {
		blocks = append(blocks, slack.NewActionBlock("where", button(actHistory, strconv.FormatInt(idea.Number, 10), "History")))
	}
	return ephemeral(plainText(text), blocks...), nil
}

// historyClicked serves where-it-sits' History: the idea's story.
func (a *App) historyClicked(ctx context.Context, r Request) (*Reply, error) {
	n, err := clickedIdea(r)
	if err != nil {
		return nil, err
	}
	r.Text = fmt.Sprintf("#%d", n)
	return a.history(ctx, r)
}

// visibleChannel finds the backlog holding idea n as r.User may see it: in
// this channel, or in another one unless that one is private and the user
// is neither the author nor a supporter. Hidden ideas are "not found".
func (a *App) visibleChannel(ctx context.Context, r Request, n int64) (string, error) {
	channel, err := a.ideas.Locate(ctx, r.Team, n)
	if err != nil || channel == r.Channel {
		if prio.ErrorCode(err) == prio.NotFound {
			return "", notFound(n)
		}
		return channel, err
	}
	private, known, err := a.ideas.ChannelPrivacy(ctx, r.Team, channel)
	if err != nil {
		return "", err
	}
	if !known || private {
		ideas, err := a.ideas.Ideas(ctx, r.Team, channel, []int64{n})
		if err != nil {
			return "", err
		}
		supporters, err := a.ideas.Supporters(ctx, r.Team, channel, n)
		if err != nil {
			return "", err
		}
		if len(ideas) == 0 || (ideas[0].Author != r.User && !slices.Contains(supporters, r.User)) {
			return "", notFound(n)
		}
	}
	return channel, nil
}

// whereText describes where idea n of a channel's backlog sits.
func (a *App) whereText(ctx context.Context, team, channel string, n int64) (prio.Idea, string, error) {
	idea, pos, err := a.ideas.Where(ctx, team, channel, n)
	if err != nil {
		return prio.Idea{}, "", err
	}
	text, err := a.describe(ctx, idea, pos)
	return idea, text, err
}

func notFound(n int64) error {
	return prio.Errorf(prio.NotFound, "There is no idea #%d in this channel's backlog.", n)
}

// describe says where an idea sits and why, as mrkdwn.
func (a *App) describe(ctx context.Context, idea prio.Idea, pos prio.Position) (string, error) {
	head := fmt.Sprintf("*#%d %s*", idea.Number, esc(idea.Title))
	backlog := channelRef(idea.Channel) + "'s backlog"
	switch idea.Status {
	case prio.StatusDeclined:
		return fmt.Sprintf("%s was declined by %s on %s: “%s”", head, esc(idea.StatusByName), date(idea.StatusAt), esc(idea.Reason)), nil
	case prio.StatusShipped:
		return fmt.Sprintf("%s shipped on %s, marked by %s. :tada:", head, date(idea.StatusAt), esc(idea.StatusByName)), nil
	case prio.StatusMerged:
		target, tpos, err := a.ideas.Where(ctx, idea.Team, idea.Channel, idea.MergedInto)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s was merged into *#%d %s* by %s on %s. %s", head, target.Number, esc(target.Title),
			esc(idea.StatusByName), date(idea.StatusAt), sits(fmt.Sprintf("#%d", target.Number), target, tpos, backlog)+scoring(target, tpos)), nil
	}
	return sits(head, idea, pos, backlog) + scoring(idea, pos) + a.onRoadmap(ctx, idea), nil
}

// onRoadmap says where an open idea sits on the roadmap and which goal it
// serves: " On the roadmap in Now, for the goal Retention."
func (a *App) onRoadmap(ctx context.Context, idea prio.Idea) string {
	goal := a.goalName(ctx, idea)
	if goal != "" {
		goal = "*" + esc(goal) + "*"
	}
	switch lane := idea.Lane(); {
	case lane != prio.Off && goal != "":
		return fmt.Sprintf(" On the roadmap in %s, for the goal %s.", lane.Title(), goal)
	case lane != prio.Off:
		return fmt.Sprintf(" On the roadmap in %s.", lane.Title())
	case goal != "":
		return fmt.Sprintf(" It serves the goal %s.", goal)
	}
	return ""
}

// sits says, as a sentence about subject, where an idea is: "#12 sits 3rd
// of 27 in #product's backlog", "#12 is 2nd of 5 awaiting scoring in …".
// The sentence of a ranked idea goes on with its score (see scoring).
func sits(subject string, idea prio.Idea, pos prio.Position, backlog string) string {
	status := ""
	if idea.Status == prio.StatusPlanned || idea.Status == prio.StatusInProgress {
		status = "is " + idea.Status.Label() + " and "
	}
	switch {
	case !idea.Status.Open():
		return fmt.Sprintf("%s is %s.", subject, idea.Status.Label())
	case pos.Place == 0: // planned or in progress, never scored
		return fmt.Sprintf("%s is %s without a score, so it is not in %s's ranking.", subject, idea.Status.Label(), strings.TrimSuffix(backlog, "'s backlog"))
	case pos.Queue:
		return fmt.Sprintf("%s is %s of %d awaiting scoring in %s.", subject, ordinal(pos.Place), pos.Of, backlog)
	}
	return fmt.Sprintf("%s %ssits %s of %d in %s", subject, status, ordinal(pos.Place), pos.Of, backlog)
}

// scoring explains a ranked idea's score and what is above it, ending the
// sentence sits began.
func scoring(idea prio.Idea, pos prio.Position) string {
	if pos.Queue || pos.Place == 0 || !idea.Status.Open() {
		return ""
	}
	out := " — score " + prio.FormatScore(idea.Score)
	if fw, err := prio.FrameworkFor(pos.Framework, pos.FrameworkDef); err == nil {
		out += " (" + fw.Explain(idea.Values) + ")"
	}
	how := "by " + esc(idea.ScoredByName)
	if idea.ScoredVia == "poker" {
		how = "in priority poker"
	}
	out += fmt.Sprintf(", scored on %s %s", date(idea.ScoredAt), how)
	if len(pos.Above) > 0 {
		refs := make([]string, len(pos.Above))
		for i, n := range pos.Above {
			refs[i] = fmt.Sprintf("#%d", n)
		}
		out += "; above it: " + strings.Join(refs, ", ")
	}
	return out + "."
}

// plainText turns our own mrkdwn into a notification fallback: still
// escaped, since Slack reads mentions in the fallback too, minus the bold.
var plainText = strings.NewReplacer("*", "").Replace

// backlogHere serves `/backlog`: in a channel, its backlog; anywhere,
// where one idea sits.
func (a *App) backlogHere(ctx context.Context, r Request) (*Reply, error) {
	if strings.HasPrefix(strings.TrimSpace(r.Text), "#") {
		return a.backlog(ctx, r)
	}
	return inChannel(backlogWhere, a.backlog)(ctx, r)
}

// goalName names the goal an idea serves ("" for none).
func (a *App) goalName(ctx context.Context, idea prio.Idea) string {
	if idea.Goal == 0 {
		return ""
	}
	goals, err := a.roadmap.Goals(ctx, idea.Team, idea.Channel)
	if err != nil {
		return ""
	}
	for _, g := range goals {
		if g.ID == idea.Goal {
			return g.Name
		}
	}
	return ""
}

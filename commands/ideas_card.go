package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/priobot/priobot/prio"
	"github.com/slack-go/slack"
)

// ideaCard is the message that announces an idea in its channel and keeps
// its status and support up to date.
func ideaCard(idea prio.Idea, goal string) Message {
	blocks := []slack.Block{section("*#%d %s*", idea.Number, esc(idea.Title))}
	if idea.Description != "" {
		blocks = append(blocks, section("%s", esc(idea.Description)))
	}
	status := idea.Status.Label()
	switch {
	case idea.Scored && idea.Status == prio.StatusRanked:
		status = "score " + prio.FormatScore(idea.Score)
	case idea.Scored && idea.Status.Open():
		status += " · score " + prio.FormatScore(idea.Score)
	}
	if idea.Status == prio.StatusMerged {
		status += fmt.Sprintf(" into #%d", idea.MergedInto)
	}
	line := fmt.Sprintf("Submitted by %s · %s", esc(idea.AuthorName), status)
	switch {
	case idea.Source != nil:
		line = fmt.Sprintf("Submitted by %s %s · %s", esc(idea.AuthorName), from(idea.Source), status)
	case idea.Issue != nil && idea.Author == "":
		line = fmt.Sprintf("Imported %s · %s", fromIssue(idea.Issue), status)
	}
	if idea.Supporters > 0 {
		line += " · " + plural(idea.Supporters, "supporter")
	}
	if lane := idea.Lane(); lane != prio.Off {
		line += " · " + lane.Title() + " on the roadmap"
	}
	if goal != "" && idea.Status.Open() {
		line += " · goal: " + esc(goal)
	}
	blocks = append(blocks, note("%s", line))
	if l := links(idea); l != "" {
		blocks = append(blocks, note("%s", l))
	}
	num := strconv.FormatInt(idea.Number, 10)
	if idea.Status.Open() {
		blocks = append(blocks, slack.NewActionBlock("idea", button(actSupport, num, "Me too"), button(actWhere, num, "Where does it sit?"), ideaMenu(idea)))
	} else {
		blocks = append(blocks, slack.NewActionBlock("idea", button(actWhere, num, "Where does it sit?"), ideaMenu(idea)))
	}
	return Message{Text: fmt.Sprintf("Idea #%d: %s (%s)", idea.Number, esc(idea.Title), idea.Status.Label()), Blocks: blocks}
}

// refreshCard redraws an idea's card after a change, coalesced to about
// once a second; a failure is logged, not shown: the change was saved.
func (a *App) refreshCard(team, channel string, n int64) {
	a.coalesce(fmt.Sprintf("idea card %s:%s:%d", team, channel, n), redrawEvery,
		func(ctx context.Context) (bool, error) { return a.ideas.ClaimIdeaRedraw(ctx, team, channel, n) },
		func(ctx context.Context) (int64, error) {
			idea, _, err := a.ideas.Where(ctx, team, channel, n)
			if err != nil || idea.CardTS == "" {
				return idea.Rev, err
			}
			return idea.Rev, a.slack.Update(ctx, channel, idea.CardTS, ideaCard(idea, a.goalName(ctx, idea)))
		},
		func(ctx context.Context) (int64, error) {
			idea, _, err := a.ideas.Where(ctx, team, channel, n)
			return idea.Rev, err
		})
}

// clickedIdea reads the idea number a button carries. Clicks come from
// cards in the idea's own channel, so the number is looked up there.
func clickedIdea(r Request) (int64, error) {
	return prio.ParseRef(r.Value)
}

// support serves **Me too**: the first click supports, the next withdraws.
func (a *App) support(ctx context.Context, r Request) (*Reply, error) {
	n, err := clickedIdea(r)
	if err != nil {
		return nil, err
	}
	on, count, err := a.ideas.ToggleSupport(ctx, r.Team, r.Channel, n, r.actor(), a.now())
	if err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	if viewer, err := a.homes.HomeViewer(ctx, r.Team, r.User, a.now()); err == nil && viewer {
		a.refreshHome(r.Team, r.User) // the ideas they support are on it
	}
	if on {
		return ephemeral(fmt.Sprintf("You support #%d now (%s). You'll hear when its status changes; click again to withdraw.", n, plural(count, "supporter"))), nil
	}
	return ephemeral(fmt.Sprintf("You no longer support #%d.", n)), nil
}

// mergeClicked serves **Merge into #7** on the look-alike prompt.
func (a *App) mergeClicked(ctx context.Context, r Request) (*Reply, error) {
	from, into, backlog, err := mergeValue(r.Value)
	if err != nil {
		return nil, err
	}
	if backlog != "" && backlog != r.Channel {
		// The hint was shown where the person acted, away from the backlog:
		// a private one only merges for its members.
		if !channelID.MatchString(backlog) {
			return nil, errBrokenMerge
		}
		if a.private(ctx, backlog, "") {
			if in, err := a.slack.Member(ctx, backlog, r.User); err != nil || !in {
				return nil, prio.Errorf(prio.Forbidden, "That backlog is in a private channel you are not in.")
			}
		}
		r.Channel = backlog
	}
	reply, err := a.doMerge(ctx, r, from, into)
	if err != nil {
		return nil, err
	}
	reply.Replace = true
	return reply, nil
}

var errBrokenMerge = prio.Errorf(prio.Invalid, "That button is broken; use `/backlog merge #12 into #7`.")

// mergeValue reads the value of a **Merge into** button:
// "<from>><into>[><backlog channel>]".
func mergeValue(v string) (from, into int64, backlog string, err error) {
	fromText, rest, ok := strings.Cut(v, ">")
	intoText, backlog, _ := strings.Cut(rest, ">")
	from, err1 := prio.ParseRef(fromText)
	into, err2 := prio.ParseRef(intoText)
	if !ok || err1 != nil || err2 != nil || from == into {
		return 0, 0, "", errBrokenMerge
	}
	return from, into, backlog, nil
}

// keepClicked serves **Keep mine**: nothing changes; the prompt goes.
func (a *App) keepClicked(_ context.Context, r Request) (*Reply, error) {
	n, err := clickedIdea(r)
	if err != nil {
		return nil, err
	}
	return &Reply{Message: Message{Text: fmt.Sprintf("Kept #%d as its own idea.", n)}, Replace: true}, nil
}

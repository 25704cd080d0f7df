package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
	"github.com/priobot/priobot/weekly"
)

// homeManaged is how many managed backlogs the Home shows in full.
const homeManaged = 10

// homeBlocks draws a person's App Home, a dashboard: the votes they owe,
// their ideas and those they support, the backlogs they manage (what
// awaits scoring, the top, the next summary, what went wrong, Settings),
// the top of the other backlogs they submitted to, and a word on how to
// use priobot. channels are the backlogs it shows something of.
func (a *App) homeBlocks(ctx context.Context, team, user string) ([]slack.Block, []string, error) {
	refs, total, err := a.ideas.UserIdeas(ctx, team, user, 0, homeIdeas)
	if err != nil {
		return nil, nil, err
	}
	var submitted []string
	for _, ref := range refs {
		if !slices.Contains(submitted, ref.Channel) {
			submitted = append(submitted, ref.Channel)
		}
	}
	var blocks []slack.Block
	owed, more, sessions := a.pendingVotes(ctx, team, user, submitted)
	if len(owed) > 0 {
		blocks = append(blocks, header("Votes you owe"))
		for _, v := range owed {
			if strings.HasPrefix(v.link, "https://") {
				open := button(actHomeOpen, "", "Open the card")
				open.URL = v.link
				label := "<" + v.link + "|" + v.label + "> in " + v.where
				blocks = append(blocks, slack.NewSectionBlock(mrkdwn("%s", label), nil, slack.NewAccessory(open)))
			} else {
				blocks = append(blocks, section("%s in %s", v.label, v.where))
			}
		}
		if more > 0 {
			blocks = append(blocks, note("…and %d more: each session's thread has them.", more))
		}
		blocks = append(blocks, slack.NewDividerBlock())
	}
	blocks = append(blocks, header("Your ideas"), slack.NewActionBlock("home", button(actHomeNewIdea, "new", "New idea")))
	var mine []string
	for _, ref := range refs {
		if line, err := a.shortWhere(ctx, ref.Team, ref.Channel, ref.Number); err == nil {
			mine = append(mine, line)
		}
	}
	if len(mine) == 0 {
		mine = []string{"You haven't submitted any ideas yet. Press *New idea*, type `/idea &lt;title&gt;` in a channel, or pick *Add to backlog* in any message's ⋯ menu."}
	}
	blocks = append(blocks, section("%s", strings.Join(mine, "\n")))
	if more := total - int64(len(refs)); more > 0 {
		blocks = append(blocks, note("…and %d older: `/backlog mine` lists them all, %d at a time.", more, minePage))
	}
	supported, err := a.supportedLines(ctx, team, user)
	if err != nil {
		return nil, nil, err
	}
	blocks = append(blocks, supported...)
	managed, err := a.homes.ManagedBacklogs(ctx, team, user, submitted)
	if err != nil {
		return nil, nil, err
	}
	if len(managed) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), header("Backlogs you manage"))
	}
	for _, channel := range managed[:min(len(managed), homeManaged)] {
		panel, err := a.backlogPanel(ctx, team, channel, user)
		if err != nil {
			return nil, nil, err
		}
		blocks = append(blocks, panel...)
	}
	if more := len(managed) - homeManaged; more > 0 {
		blocks = append(blocks, note("…and %d more backlogs you manage: `/backlog settings` in each channel.", more))
	}
	others := slices.DeleteFunc(slices.Clone(submitted), func(c string) bool { return slices.Contains(managed, c) })
	for _, channel := range others[:min(len(others), homeBacklogs)] {
		top, err := a.topLines(ctx, team, channel)
		if err != nil {
			return nil, nil, err
		}
		blocks = append(blocks, slack.NewDividerBlock(), section("%s", strings.Join(top, "\n")))
	}
	blocks = append(blocks, slack.NewDividerBlock(),
		section("*How to use priobot*\nType `/idea` in a channel to add an idea, pick *Add to backlog* in a message's ⋯ menu, "+
			"press *Me too* on an idea you want, and open an idea's ⋯ to manage it. `/backlog` shows a channel's backlog, `/poker` scores ideas together, "+
			"`/roadmap` shows what is worked on now, next and later."),
		slack.NewActionBlock("help", button(actHomeHelp, "all", "All commands")))
	channels := append(append(submitted, managed...), sessions...)
	return blocks, slices.Compact(channels), nil
}

// header is a Home's section title.
func header(text string) slack.Block {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, text, false, false))
}

// topLines are the top 5 of a backlog, with its count.
func (a *App) topLines(ctx context.Context, team, channel string) ([]string, error) {
	top, total, err := a.ideas.Ranked(ctx, team, channel, 0, 5)
	if err != nil {
		return nil, err
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
	return lines, nil
}

// backlogPanel is a managed backlog on its manager's Home: its top, what
// awaits scoring (with Start poker on these), its next weekly summary,
// what went wrong (dead letters, a paused GitHub sync), and Settings.
func (a *App) backlogPanel(ctx context.Context, team, channel, user string) ([]slack.Block, error) {
	lines, err := a.topLines(ctx, team, channel)
	if err != nil {
		return nil, err
	}
	waiting, queued, err := a.ideas.Awaiting(ctx, team, channel, 0, queueShown)
	if err != nil {
		return nil, err
	}
	var numbers []string
	if queued > 0 {
		lines = append(lines, fmt.Sprintf("*Awaiting scoring* (%d, oldest first)", queued))
		for _, idea := range waiting {
			lines = append(lines, fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 80))))
			numbers = append(numbers, fmt.Sprint(idea.Number))
		}
	}
	if road := a.roadmapLine(ctx, team, channel, user); road != "" {
		lines = append(lines, road)
	}
	lines = append(lines, a.nextSummary(ctx, team, channel))
	lines = append(lines, a.troubles(ctx, team, channel)...)
	buttons := []slack.BlockElement{button(actHomeSettings, channel, "Settings")}
	if len(numbers) > 0 {
		buttons = append([]slack.BlockElement{button(actHomePoker, channel+":"+strings.Join(numbers, ","), "Start poker on these")}, buttons...)
	}
	return []slack.Block{section("%s", strings.Join(lines, "\n")), slack.NewActionBlock("manage-"+channel, buttons...)}, nil
}

// roadmapLine is a managed backlog's roadmap in a few words: how many
// ideas each lane holds, and what is being worked on now. A private
// channel's roadmap is shown only to its members.
func (a *App) roadmapLine(ctx context.Context, team, channel, user string) string {
	if a.private(ctx, channel, "") {
		if in, err := a.slack.Member(ctx, channel, user); err != nil || !in {
			return ""
		}
	}
	s, err := a.roadmap.Roadmap(ctx, team, channel, a.now())
	if err != nil || len(s.Ideas) == 0 {
		return ""
	}
	now := s.Lane(prio.Now)
	line := fmt.Sprintf("*Roadmap*: Now %d · Next %d · Later %d", len(now), len(s.Lane(prio.Next)), len(s.Lane(prio.Later)))
	var names []string
	for _, idea := range now[:min(len(now), 3)] {
		names = append(names, fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 40))))
	}
	if len(names) > 0 {
		line += " — now: " + strings.Join(names, ", ")
		if len(now) > 3 {
			line += fmt.Sprintf(" and %d more", len(now)-3)
		}
	}
	return line + " (`/roadmap` there)"
}

// nextSummary says when a backlog's weekly summary comes next.
func (a *App) nextSummary(ctx context.Context, team, channel string) string {
	stored, next, err := a.summaries.Schedule(ctx, team, channel)
	if err != nil || stored == "" {
		return "No weekly summary: *Settings* schedules one."
	}
	s, err := weekly.FromString(stored)
	if err != nil {
		return "No weekly summary: *Settings* schedules one."
	}
	return "Next weekly summary: " + when(next, s) + "."
}

// troubles are what went wrong in a backlog that its managers should
// know: messages given up on, a paused GitHub sync.
func (a *App) troubles(ctx context.Context, team, channel string) []string {
	var out []string
	if _, dead, err := a.outbox.OutboxState(ctx, outbox.Backlog{Team: team, Channel: channel}); err == nil && len(dead) > 0 {
		out = append(out, fmt.Sprintf(":warning: %s given up on after every retry: `/backlog outbox` in %s says which.", plural(int64(len(dead)), "message"), channelRef(channel)))
	}
	if c, ok, err := a.github.GitHubConnection(ctx, team, channel); err == nil && ok && c.State == tracker.Paused {
		out = append(out, fmt.Sprintf(":warning: The GitHub sync with %s is paused: %s.", esc(c.Repo.Name), esc(c.Why)))
	}
	return out
}

// homeChannel reads the backlog a Home button names, for someone who may
// see it.
func (a *App) homeChannel(ctx context.Context, r Request, channel string) (Request, error) {
	if !channelID.MatchString(channel) {
		return r, prio.Errorf(prio.Invalid, "That button is broken; use the command in the channel instead.")
	}
	if a.private(ctx, channel, "") {
		if in, err := a.slack.Member(ctx, channel, r.User); err != nil || !in {
			return r, prio.Errorf(prio.Forbidden, "That backlog is in a private channel you are not in.")
		}
	}
	r.Channel = channel
	return r, nil
}

// homeSettings serves the Home's Settings: the backlog's settings form.
func (a *App) homeSettings(ctx context.Context, r Request) (*Reply, error) {
	r, err := a.homeChannel(ctx, r, r.Value)
	if err != nil {
		return nil, err
	}
	return nil, a.openSettings(ctx, r)
}

// homePoker serves the Home's Start poker on these: the poker form with
// those ideas ticked.
func (a *App) homePoker(ctx context.Context, r Request) (*Reply, error) {
	channel, list, _ := strings.Cut(r.Value, ":")
	r, err := a.homeChannel(ctx, r, channel)
	if err != nil {
		return nil, err
	}
	var chosen []int64
	for _, v := range strings.Split(list, ",") {
		if n, err := prio.ParseRef(v); err == nil && len(chosen) < 20 {
			chosen = append(chosen, n)
		}
	}
	return nil, a.openPokerForm(ctx, r, chosen)
}

// homeHelp serves All commands: every command, in a form to read.
func (a *App) homeHelp(ctx context.Context, r Request) (*Reply, error) {
	var blocks []slack.Block
	for _, part := range chunks(a.helpText(), 2800) {
		blocks = append(blocks, section("%s", part))
	}
	return nil, a.slack.OpenModal(ctx, r.TriggerID, slack.ModalViewRequest{
		Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "priobot's commands", false, false),
		Close: slack.NewTextBlockObject(slack.PlainTextType, "Close", false, false), Blocks: slack.Blocks{BlockSet: blocks},
	})
}

// homeOpened serves a link button's click: Slack opens the link; there is
// nothing to do but acknowledge it.
func (a *App) homeOpened(context.Context, Request) (*Reply, error) { return nil, nil }

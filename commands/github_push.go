package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
	"github.com/slack-go/slack"
)

// pushIdea serves `/backlog github push #12` (the idea's author or the
// backlog's owners): the outbox opens an issue for the idea on the
// connected repository and links it, and the pusher hears its link by DM.
func (a *App) pushIdea(ctx context.Context, r Request, text string) (*Reply, error) {
	if a.tracker == nil {
		return nil, noToken
	}
	n, err := prio.ParseRef(strings.TrimSpace(text))
	if err != nil {
		return nil, prio.Errorf(prio.Invalid, "Name the idea to push, like `/backlog github push #12`.")
	}
	c, ok, err := a.github.GitHubConnection(ctx, r.Team, r.Channel)
	switch {
	case err != nil:
		return nil, err
	case !ok || c.State == tracker.Off:
		return nil, prio.Errorf(prio.Conflict, "This backlog is not connected to GitHub. `/backlog github connect owner/repo` connects it (owners); then `/backlog github push #%d` works.", n)
	case c.State == tracker.Paused:
		return nil, prio.Errorf(prio.Conflict, "The sync with %s is paused: %s. `/backlog github connect %s` resumes it once that is fixed; then push #%d.",
			esc(c.Repo.Name), esc(c.Why), esc(c.Repo.Name), n)
	}
	if err := a.manage(ctx, r, func(actor prio.Actor) error { return a.github.PushIssue(ctx, r.Team, r.Channel, n, actor, a.now()) }); err != nil {
		return nil, err
	}
	a.log.InfoContext(ctx, "github push asked", "team", r.Team, "channel", r.Channel, "idea", n, "repo", c.Repo.Name, "by", r.User)
	a.kickOutbox(ctx, r.Team, r.Channel)
	return ephemeral(fmt.Sprintf("Opening an issue for #%d on %s. I'll send you its link by direct message once GitHub has it; "+
		"from then on the two move together, and GitHub owns #%d's title.", n, repoLink(c.Repo), n)), nil
}

// pushIssue opens the issue a push asked for and links it. The issue
// carries the idea's mark, so a retry after a lost answer finds it
// rather than opening another, and a poll that meets it first links it.
func (a *App) pushIssue(ctx context.Context, b outbox.Backlog, item outbox.Item) (time.Duration, error) {
	idea, pos, err := a.ideas.Where(ctx, b.Team, b.Channel, item.Idea)
	if prio.ErrorCode(err) == prio.NotFound {
		return 0, nil // gone
	}
	if err != nil {
		return 0, err
	}
	if idea.Issue != nil { // a poll met the issue first, or a second push
		a.tellPushed(ctx, b, item, idea, idea.Issue)
		return 0, nil
	}
	c, ok, err := a.github.GitHubConnection(ctx, b.Team, b.Channel)
	switch {
	case err != nil:
		return 0, err
	case !ok || c.State == tracker.Off:
		return 0, errDisconnected
	case c.State == tracker.Paused:
		return 0, fmt.Errorf("the sync is paused: %s", c.Why)
	}
	mark := tracker.Mark(b.Team, b.Channel, idea.Number)
	is, found, err := a.findMarked(ctx, c, mark, time.UnixMilli(item.At))
	if err != nil {
		return waitFor(err, a.now()), err
	}
	if !found {
		draft := tracker.Draft{Title: idea.Title, Labels: []string{c.Label},
			Body: pushBody(idea, pos, c.ChannelName, a.slack.Permalink(ctx, b.Channel, idea.CardTS), item.Actor) + "\n\n" + mark}
		if is, err = a.tracker.Create(ctx, c.Repo.Name, draft); err != nil {
			return waitFor(err, a.now()), err
		}
	}
	err = a.linkPushed(ctx, b.Team, b.Channel, idea.Number, is)
	if prio.ErrorCode(err) == prio.Conflict { // tied to another issue meanwhile
		a.tellPusher(ctx, b, item, fmt.Sprintf("GitHub has %s for #%d, but I couldn't link them: %s", issueRef(&prio.IssueLink{Repo: is.Repo, Number: is.Number, URL: is.URL}),
			idea.Number, esc(prio.ErrorMessage(err))))
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	a.log.InfoContext(ctx, "github issue opened", "team", b.Team, "channel", b.Channel, "idea", idea.Number, "issue", is.Ref(), "found", found)
	a.tellPushed(ctx, b, item, idea, &prio.IssueLink{Repo: is.Repo, Number: is.Number, URL: is.URL})
	return 0, nil
}

// tellPushed tells the pusher where the idea's issue is.
func (a *App) tellPushed(ctx context.Context, b outbox.Backlog, item outbox.Item, idea prio.Idea, is *prio.IssueLink) {
	a.tellPusher(ctx, b, item, fmt.Sprintf("#%d %s is on GitHub now: %s. Closing the issue ships or declines #%d; "+
		"shipping, declining or reopening #%d closes or reopens the issue, and priobot's comment there says where it sits.",
		idea.Number, esc(idea.Title), issueRef(is), idea.Number, idea.Number))
}

// linkPushed links idea n to the issue a push opened for it, when a poll
// meets the issue before the push has linked it.
func (a *App) linkPushed(ctx context.Context, team, channel string, n int64, is tracker.Issue) error {
	if _, err := a.github.LinkIssue(ctx, team, channel, n, is.Repo, is.Number, is.URL); err != nil {
		return err
	}
	a.refreshCard(team, channel, n)
	return a.github.SeeIssue(ctx, team, channel, n, is.Repo, is.Number, tracker.State(is))
}

// errDisconnected is why a push waiting in the outbox is given up on.
var errDisconnected = fmt.Errorf("the backlog was disconnected from GitHub")

// findMarked looks for the issue a push opened already (its answer lost,
// or its process stopped before linking it): among the labelled issues
// changed since the push was asked for.
func (a *App) findMarked(ctx context.Context, c tracker.Connection, mark string, asked time.Time) (tracker.Issue, bool, error) {
	issues, _, err := a.tracker.Changed(ctx, c.Repo.Name, c.Label, tracker.Cursor{Since: asked.Add(-time.Minute)})
	if err != nil {
		return tracker.Issue{}, false, err
	}
	for _, is := range issues {
		if strings.Contains(is.Body, mark) {
			return is, true, nil
		}
	}
	return tracker.Issue{}, false, nil
}

// pushBody is the issue's body, in GitHub's Markdown: the idea's
// description, then where it came from and how many asked for it.
func pushBody(idea prio.Idea, pos prio.Position, channelName, card, pusher string) string {
	var parts []string
	if d := strings.TrimSpace(idea.Description); d != "" {
		parts = append(parts, inert(d))
	}
	backlog := "its backlog"
	if channelName != "" {
		backlog = "#" + channelName + "'s backlog"
	}
	where := fmt.Sprintf("`#%d` in %s", idea.Number, backlog)
	if strings.HasPrefix(card, "https://") {
		where = "[" + where + "](" + card + ")"
	}
	line := fmt.Sprintf("Pushed from priobot by %s: %s, submitted by %s and %s. %s asked for it.",
		inert(pusher), where, inert(idea.AuthorName), idea.Status.Label(), plural(idea.Supporters+1, "person"))
	if idea.Scored && !pos.Queue && pos.Place > 0 {
		line += fmt.Sprintf(" It ranks %s of %d there.", ordinal(pos.Place), pos.Of)
	}
	return strings.Join(append(parts, "---", line), "\n\n")
}

// tellPusher tells whoever pushed an idea how it went, by DM.
func (a *App) tellPusher(ctx context.Context, b outbox.Backlog, item outbox.Item, text string) {
	if item.ActorID == "" {
		return
	}
	if err := a.slack.DM(ctx, item.ActorID, Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}); err != nil {
		a.log.WarnContext(ctx, "pusher not told", "team", b.Team, "channel", b.Channel, "idea", item.Idea, "err", err)
	}
}

// issueRef names a linked issue, linked to it: "acme/app#41".
func issueRef(l *prio.IssueLink) string {
	if safeURL(l.URL) {
		return "<" + l.URL + "|" + esc(l.Ref()) + ">"
	}
	return esc(l.Ref())
}

package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// deliverTracker writes to an idea's issue: its status (writeState),
// priobot's comment (writeComment) or, pushed, the issue itself
// (pushIssue). The outbox retries it through
// GitHub's rate limits and failures; a push given up on is told to its
// pusher.
func (a *App) deliverTracker(ctx context.Context, b outbox.Backlog, item outbox.Item) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
	defer cancel()
	began := a.now()
	write := a.writeState
	switch item.Kind {
	case outbox.Push:
		write = a.pushIssue
	case outbox.Comment:
		write = a.writeComment
	}
	retryAfter, err := write(ctx, b, item)
	var again time.Time
	dead, outcome := false, "delivered"
	if err != nil {
		item.Attempts++
		item.Error = err.Error()
		again, dead = outbox.Next(item.Kind, item.Attempts, began, retryAfter)
		if tracker.Pauses(err) || errors.Is(err, errDisconnected) {
			dead = true // the sync pauses on its next poll and the owners hear why
		}
		if dead && item.Kind == outbox.Comment {
			_ = a.github.NoteComment(ctx, b.Team, b.Channel, item.Idea, 0, 0, a.now()) // a later poll asks again
		}
		if dead && item.Kind == outbox.Push {
			a.tellPusher(ctx, b, item, fmt.Sprintf("I couldn't open an issue for #%d on GitHub: %s. `/backlog github` in %s shows the sync; "+
				"`/backlog github push #%d` tries again.", item.Idea, esc(err.Error()), channelRef(b.Channel), item.Idea))
		}
		outcome = map[bool]string{false: "retry", true: "dead"}[dead]
		a.log.WarnContext(ctx, "outbox: issue not updated", "channel", b.Channel, "item", item.ID, "idea", item.Idea, "attempts", item.Attempts, "dead", dead, "err", err)
	}
	if _, err := a.outbox.SettleOutbox(ctx, b, item, again, dead, a.now()); err != nil {
		a.log.WarnContext(ctx, "outbox: not settled", "channel", b.Channel, "item", item.ID, "err", err)
	}
	a.delivered(item.Kind, outcome)
}

// writeState sets the idea's issue to the state its status means now
// (shipped closes it as completed, declined as not planned with the reason
// in a comment, reopened reopens it), so a burst of changes ends on the
// last; it says how long GitHub asked to wait when it did.
func (a *App) writeState(ctx context.Context, b outbox.Backlog, item outbox.Item) (time.Duration, error) {
	ideas, err := a.ideas.Ideas(ctx, b.Team, b.Channel, []int64{item.Idea})
	if err != nil {
		return 0, err
	}
	if len(ideas) == 0 || ideas[0].Issue == nil || a.tracker == nil {
		return 0, nil // gone, unlinked, or no token: nothing to write
	}
	idea, issue := ideas[0], ideas[0].Issue
	c, ok, err := a.github.GitHubConnection(ctx, b.Team, b.Channel)
	if err != nil {
		return 0, err
	}
	if !ok || c.State == tracker.Off || !strings.EqualFold(c.Repo.Name, issue.Repo) {
		return 0, nil // disconnected: GitHub is no longer kept in step
	}
	open, reason, sync := tracker.StateOf(idea.Status)
	if !sync {
		return 0, nil
	}
	current, err := a.tracker.Issue(ctx, issue.Repo, issue.Number)
	if err != nil {
		return waitFor(err, a.now()), err
	}
	want := tracker.StateName(open, reason)
	switch have := tracker.State(current); {
	case have == want:
		return 0, a.github.SeeIssue(ctx, b.Team, b.Channel, idea.Number, issue.Repo, issue.Number, want)
	case issue.Seen != "" && have != issue.Seen:
		// Both sides changed between two polls: GitHub's state wins.
		if a.moveFromGitHub(ctx, b.Team, b.Channel, idea.Number, idea.Status, current) {
			a.tellBothChanged(ctx, b, c, idea, current, item)
		}
		return 0, a.github.SeeIssue(ctx, b.Team, b.Channel, idea.Number, issue.Repo, issue.Number, have)
	}
	if _, err := a.tracker.SetState(ctx, issue.Repo, issue.Number, open, reason); err != nil {
		return waitFor(err, a.now()), err
	}
	if err := a.github.SeeIssue(ctx, b.Team, b.Channel, idea.Number, issue.Repo, issue.Number, want); err != nil {
		return 0, err
	}
	if idea.Status == prio.StatusDeclined && item.Status == string(prio.StatusDeclined) && item.Reason != "" {
		body := fmt.Sprintf("Declined in priobot by %s: “%s”", inert(item.Actor), inert(item.Reason))
		if _, err := a.tracker.Comment(ctx, issue.Repo, issue.Number, 0, body); err != nil {
			return waitFor(err, a.now()), err
		}
	}
	return 0, nil
}

// waitFor is how long a rate limit asks to wait from now; 0 for other errors.
func waitFor(err error, now time.Time) time.Duration {
	var limited *tracker.RateLimited
	if errors.As(err, &limited) {
		return limited.Until.Sub(now)
	}
	return 0
}

// stateWords says what a status does to its issue, for `/backlog outbox`.
func stateWords(s prio.Status) string {
	open, reason, _ := tracker.StateOf(s)
	if open {
		return "reopened"
	}
	return stateLabel(reason)
}

// inert keeps Slack people's words from mentioning GitHub users or teams:
// a zero-width space after each @.
func inert(text string) string { return strings.ReplaceAll(text, "@", "@\u200b") }

// tellBothChanged tells a backlog's owners (or whoever connected it),
// privately, that an idea and its issue changed at once and GitHub's
// state won.
func (a *App) tellBothChanged(ctx context.Context, b outbox.Backlog, c tracker.Connection, idea prio.Idea, is tracker.Issue, item outbox.Item) {
	text := fmt.Sprintf("#%d %s changed on both sides at once: %s made it %s in %s while %s left %s %s on GitHub. "+
		"GitHub's state wins, so #%d follows the issue; change it on GitHub, or here again, if that is not what you want.",
		idea.Number, esc(idea.Title), esc(item.Actor), prio.Status(item.Status).Label(), channelRef(b.Channel),
		esc(closer(is)), esc(is.Ref()), stateLabel(tracker.State(is)), idea.Number)
	a.tellSyncOwners(ctx, b.Team, b.Channel, c, text)
}

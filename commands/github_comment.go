package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// commentEvery is the least time between two edits of priobot's comment
// on one issue: a burst of votes or supporters is one edit.
const commentEvery = time.Minute

// commentsPerPoll caps the comments one poll queues: GitHub asks content
// creation to be spaced, so a first import of 1,000 issues is commented
// over the next polls, 20 at a time, not in one burst.
const commentsPerPoll = 20

// queueComments asks the outbox to write priobot's one comment on each
// tied issue whose idea changed since (its rev), at most once a minute per
// issue: the poll (one replica, under its lease) finds them, any replica
// delivers them, retried through GitHub's limits, in order with the
// idea's state writes.
func (a *App) queueComments(ctx context.Context, team, channel string, c tracker.Connection) {
	numbers, err := a.github.LinkedIdeas(ctx, team, channel)
	if err != nil || len(numbers) == 0 {
		return
	}
	ideas, err := a.ideas.Ideas(ctx, team, channel, numbers)
	if err != nil {
		return
	}
	var due []int64
	for _, idea := range ideas {
		is := idea.Issue
		if len(due) == commentsPerPoll {
			break
		}
		if is == nil || !strings.EqualFold(is.Repo, c.Repo.Name) || is.CommentQueued ||
			(is.Comment != 0 && is.CommentedRev == idea.Rev) || a.now().Sub(is.CommentedAt) < commentEvery {
			continue
		}
		due = append(due, idea.Number)
	}
	if len(due) == 0 {
		return
	}
	if queued, err := a.github.QueueComments(ctx, team, channel, due, a.now()); err != nil {
		a.log.WarnContext(ctx, "github comments not queued", "team", team, "channel", channel, "err", err)
	} else if queued > 0 {
		a.kickOutbox(ctx, team, channel)
	}
}

// writeComment writes priobot's comment on an idea's issue as the idea
// sits now: a new one the first time, the same one edited in place after.
func (a *App) writeComment(ctx context.Context, b outbox.Backlog, item outbox.Item) (time.Duration, error) {
	idea, pos, err := a.ideas.Where(ctx, b.Team, b.Channel, item.Idea)
	if prio.ErrorCode(err) == prio.NotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	c, ok, err := a.github.GitHubConnection(ctx, b.Team, b.Channel)
	if err != nil {
		return 0, err
	}
	is := idea.Issue
	if is == nil || !ok || c.State != tracker.On || !strings.EqualFold(c.Repo.Name, is.Repo) || a.tracker == nil {
		// Unlinked, disconnected or paused: nothing to write now.
		return 0, a.github.NoteComment(ctx, b.Team, b.Channel, idea.Number, 0, 0, a.now())
	}
	body := commentBody(idea, pos, c.ChannelName, a.slack.Permalink(ctx, b.Channel, idea.CardTS), a.now())
	id, err := a.tracker.Comment(ctx, is.Repo, is.Number, is.Comment, body)
	if err != nil {
		return waitFor(err, a.now()), err
	}
	return 0, a.github.NoteComment(ctx, b.Team, b.Channel, idea.Number, id, idea.Rev, a.now())
}

// commentBody is priobot's comment on an issue, in GitHub's Markdown:
// where the idea sits and why, its supporters, its last poker result and
// a link to its card, as of when. Slack people's words are made inert.
func commentBody(idea prio.Idea, pos prio.Position, channelName, card string, now time.Time) string {
	backlog := "its backlog"
	if channelName != "" {
		backlog = "#" + channelName + "'s backlog"
	}
	// In backticks, GitHub does not take priobot's #1 for its own issue #1.
	subject := fmt.Sprintf("`#%d` %s", idea.Number, inert(idea.Title))
	line := strings.TrimSuffix(sits(subject, idea, pos, backlog), ".")
	if idea.Status.Open() && !pos.Queue && pos.Place > 0 {
		line += " — score " + prio.FormatScore(idea.Score)
		if fw, err := prio.FrameworkFor(pos.Framework, pos.FrameworkDef); err == nil {
			line += ": " + fw.Explain(idea.Values)
		}
	}
	lines := []string{"**priobot** · " + line + "."}
	lines = append(lines, plural(idea.Supporters, "supporter")+" in Slack.")
	if idea.ScoredVia == "poker" && idea.Agreement != "" {
		lines = append(lines, fmt.Sprintf("Last priority poker: %s agreement.", idea.Agreement))
	}
	if strings.HasPrefix(card, "https://") {
		lines = append(lines, "[Its card in Slack]("+card+")")
	}
	lines = append(lines, fmt.Sprintf("_As of %s; its place moves as other ideas do._", now.UTC().Format("2 Jan 2006 15:04 UTC")))
	return strings.Join(lines, "\n\n")
}

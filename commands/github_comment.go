package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// commentEvery is the least time between two edits of priobot's comment
// on one issue: a burst of votes or supporters is one edit.
const commentEvery = time.Minute

// commentsPerPoll caps the comments one poll writes: GitHub asks content
// creation to be spaced, so a first import of 1,000 issues is commented
// over the next polls, 20 at a time, not in one burst.
const commentsPerPoll = 20

// refreshComments keeps priobot's one comment on each tied issue saying
// where its idea sits: written when the idea's own state changed since
// (its rev), edited in place, at most once a minute per issue. It runs in
// the poll, under its lease: one replica writes; a failure is tried again
// at the next poll. It returns how many comments it wrote.
func (a *App) refreshComments(ctx context.Context, team, channel string, c tracker.Connection) int {
	numbers, err := a.github.LinkedIdeas(ctx, team, channel)
	if err != nil || len(numbers) == 0 {
		return 0
	}
	ideas, err := a.ideas.Ideas(ctx, team, channel, numbers)
	if err != nil {
		return 0
	}
	written := 0
	for _, listed := range ideas {
		is := listed.Issue
		if written == commentsPerPoll {
			break
		}
		if is == nil || !strings.EqualFold(is.Repo, c.Repo.Name) || ctx.Err() != nil ||
			(is.Comment != 0 && is.CommentedRev == listed.Rev) || a.now().Sub(is.CommentedAt) < commentEvery {
			continue
		}
		idea, pos, err := a.ideas.Where(ctx, team, channel, listed.Number)
		if err != nil {
			continue
		}
		body := commentBody(idea, pos, c.ChannelName, a.slack.Permalink(ctx, channel, idea.CardTS), a.now())
		id, err := a.tracker.Comment(ctx, is.Repo, is.Number, is.Comment, body)
		var limited *tracker.RateLimited
		if errors.As(err, &limited) || tracker.Pauses(err) {
			return written // the next poll meets it and says so
		}
		if err != nil {
			a.log.WarnContext(ctx, "github comment not written", "team", team, "channel", channel, "idea", idea.Number, "err", err)
			continue
		}
		if err := a.github.NoteComment(ctx, team, channel, idea.Number, id, idea.Rev, a.now()); err == nil {
			written++
		}
	}
	return written
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
		if fw, err := prio.LookupFramework(pos.Framework); err == nil {
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

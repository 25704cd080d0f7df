package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
	"github.com/slack-go/slack"
)

// pollLease is how long a replica may hold a repository's poll: one poll
// of a large repository (ten pages) fits in it many times.
const pollLease = 2 * time.Minute

// announceEach is how many new ideas one poll announces with a card each;
// more (a first import, a label put on many issues) get one message.
const announceEach = 5

// pollGitHub polls the repositories due, one replica each (a lease).
func (a *App) pollGitHub(ctx context.Context) {
	if a.tracker == nil {
		return
	}
	forEachDue(ctx, a, "github polls", a.github.DueGitHubPolls, func(d tracker.Due) { a.pollRepo(ctx, d.Team, d.Channel) })
}

// pollRepo reads what changed in a backlog's repository since its cursor
// and makes ideas of the new labelled issues. GitHub's rate limits move
// the next poll to when GitHub allows it; a refusal (401, 403, 404, 410)
// pauses the sync and tells the owners once.
func (a *App) pollRepo(ctx context.Context, team, channel string) {
	lease, err := a.github.ClaimGitHubPoll(ctx, team, channel, pollLease)
	if err != nil || lease == "" {
		return // another replica polls it
	}
	// Once claimed, the poll is seen through even if shutdown begins: a
	// lease left behind would hold the next bot's polls back.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
	defer cancel()
	now := a.now()
	c, ok, err := a.github.GitHubConnection(ctx, team, channel)
	if err != nil {
		return // the lease lapses; the next tick tries again
	}
	finish := func(cur *tracker.Cursor, outcome string, next time.Time) {
		if err := a.github.FinishGitHubPoll(ctx, team, channel, lease, c.Repo.Name, cur, outcome, now, next); err != nil {
			a.log.WarnContext(ctx, "github poll not recorded", "team", team, "channel", channel, "err", err)
		}
	}
	if !ok || c.State != tracker.On {
		finish(nil, "", now) // off or paused: it leaves the schedule
		return
	}
	// Every changed issue, not only the labelled ones: an idea may follow
	// an unlabelled issue (`/backlog link`); the label decides imports.
	issues, cur, err := a.tracker.Changed(ctx, c.Repo.Name, "", c.Cursor)
	var limited *tracker.RateLimited
	switch {
	case errors.As(err, &limited):
		what := "its hourly rate limit is used up"
		if limited.Secondary {
			what = "too many requests at once (a secondary rate limit)"
		}
		finish(nil, fmt.Sprintf("GitHub asked priobot to wait until %s: %s", moment(limited.Until), what), limited.Until)
		return
	case tracker.Pauses(err):
		a.pauseSync(ctx, team, channel, lease, c, err)
		return
	case err != nil:
		a.log.WarnContext(ctx, "github poll failed", "team", team, "channel", channel, "repo", c.Repo.Name, "err", err)
		finish(nil, err.Error(), now.Add(a.poll))
		return
	}
	imported := a.importIssues(ctx, team, channel, c.Label, issues)
	a.announceImport(ctx, team, channel, c, imported)
	moved := a.syncStatuses(ctx, team, channel, issues, imported)
	a.queueComments(ctx, team, channel, c)
	finish(&cur, pollOutcome(len(issues), len(imported), moved), now.Add(a.poll))
}

// importIssues makes an idea of each open issue with the label that made
// none here yet, oldest change first, and returns them.
func (a *App) importIssues(ctx context.Context, team, channel, label string, issues []tracker.Issue) []prio.Idea {
	var made []prio.Idea
	for _, is := range issues {
		if !is.Open || !slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, label) }) || ctx.Err() != nil {
			continue
		}
		if n, err := a.github.IssueIdea(ctx, team, channel, is.Repo, is.Number); err != nil || n != 0 {
			continue // linked already: its changes sync, it is not made again
		}
		if t, ch, n, ok := tracker.MarkOf(is.Body); ok && t == team && ch == channel {
			// Opened by a push from here that has not linked it yet.
			if err := a.linkPushed(ctx, team, channel, n, is); err != nil {
				a.log.WarnContext(ctx, "pushed issue not linked", "team", team, "channel", channel, "idea", n, "issue", is.Ref(), "err", err)
			}
			continue
		}
		idea := prio.Idea{Team: team, Channel: channel, Title: prio.Shorten(strings.TrimSpace(is.Title), prio.MaxTitle),
			Description: prio.Shorten(strings.TrimSpace(is.Body), prio.MaxDescription), AuthorName: is.Author,
			Status: prio.StatusNew, Created: a.now(), Via: "github",
			Issue: &prio.IssueLink{Repo: is.Repo, Number: is.Number, URL: is.URL, Author: is.Author, Seen: tracker.State(is)}}
		if idea.Title == "" {
			idea.Title = is.Ref()
		}
		created, _, _, err := a.github.ImportIssue(ctx, idea)
		if err != nil {
			a.log.WarnContext(ctx, "issue not imported", "team", team, "channel", channel, "issue", is.Ref(), "err", err)
			continue
		}
		if created.Number != 0 {
			made = append(made, created)
		}
	}
	return made
}

// announceImport tells the channel of the new ideas: a card each for a
// few, one message for many.
func (a *App) announceImport(ctx context.Context, team, channel string, c tracker.Connection, made []prio.Idea) {
	if len(made) == 0 {
		return
	}
	a.announced(ctx, team, channel)
	a.homesChanged(team, channel)
	first := c.Cursor.Since.IsZero() && c.Cursor.ETag == ""
	if len(made) <= announceEach && !(first && len(made) > 1) {
		for _, idea := range made {
			if ts, err := a.slack.Post(ctx, channel, ideaCard(idea, "")); err == nil {
				_ = a.ideas.SetCardTS(ctx, team, channel, idea.Number, ts)
			}
		}
		return
	}
	numbers := make([]int64, len(made))
	for i, idea := range made {
		numbers[i] = idea.Number
	}
	const format = "Imported %s labelled `%s` from %s: %s. They await scoring: `/poker next 5` scores the oldest; `/backlog` lists them."
	text := fmt.Sprintf(format, plural(int64(len(made)), "issue"), esc(c.Label), repoLink(c.Repo), refSpan(numbers))
	fallback := fmt.Sprintf("Imported %s labelled %s from %s: %s.", plural(int64(len(made)), "issue"), esc(c.Label), esc(c.Repo.Name), refSpan(numbers))
	if _, err := a.slack.Post(ctx, channel, Message{Text: fallback, Blocks: []slack.Block{section("%s", text)}}); err != nil {
		a.log.WarnContext(ctx, "import not announced", "team", team, "channel", channel, "err", err)
	}
}

// refSpan names idea numbers: "#21–#57" when they follow each other,
// else "#3, #5, #8" (at most 10, then how many more).
func refSpan(numbers []int64) string {
	run := true
	for i := 1; i < len(numbers); i++ {
		run = run && numbers[i] == numbers[i-1]+1
	}
	if run && len(numbers) > 2 {
		return fmt.Sprintf("#%d–#%d", numbers[0], numbers[len(numbers)-1])
	}
	var refs []string
	for i, n := range numbers {
		if i == 10 {
			refs = append(refs, fmt.Sprintf("and %d more", len(numbers)-10))
			break
		}
		refs = append(refs, fmt.Sprintf("#%d", n))
	}
	return strings.Join(refs, ", ")
}

// pollOutcome is what a poll found, for `/backlog github`.
func pollOutcome(changed, imported, moved int) string {
	if changed == 0 {
		return "nothing changed"
	}
	out := plural(int64(changed), "changed issue") + " read"
	switch {
	case imported == 0 && moved == 0:
		return out + ", nothing to do here"
	case imported > 0:
		out += ", " + plural(int64(imported), "new idea") + " made"
	}
	if moved > 0 {
		out += ", " + plural(int64(moved), "idea") + " moved"
	}
	return out
}

// pauseSync pauses a backlog's sync after a refusal and tells its owners
// (or whoever connected it, when it has none) once, by DM.
func (a *App) pauseSync(ctx context.Context, team, channel, lease string, c tracker.Connection, why error) {
	paused, err := a.github.PauseGitHub(ctx, team, channel, lease, c.Repo.Name, why.Error(), a.now())
	if err != nil || !paused {
		return
	}
	a.log.WarnContext(ctx, "github sync paused", "team", team, "channel", channel, "repo", c.Repo.Name, "why", why.Error())
	a.tellSyncOwners(ctx, team, channel, c, fmt.Sprintf("priobot paused the sync of %s's backlog with %s: %s. Once that is fixed, `/backlog github connect %s` in %s resumes it.",
		channelRef(channel), repoLink(c.Repo), esc(why.Error()), esc(c.Repo.Name), channelRef(channel)))
}

// tellSyncOwners tells a backlog's owners, or whoever connected it when
// it has none, by DM what happened to its sync.
func (a *App) tellSyncOwners(ctx context.Context, team, channel string, c tracker.Connection, text string) {
	owners, err := a.settings.Owners(ctx, team, channel)
	if err != nil {
		return
	}
	if len(owners) == 0 {
		owners = []string{c.By}
	}
	for _, o := range owners {
		if err := a.slack.DM(ctx, o, Message{Text: text, Blocks: []slack.Block{section("%s", text)}}); err != nil {
			a.log.WarnContext(ctx, "owner not told of the sync", "team", team, "user", o, "err", err)
		}
	}
}

func isRateLimited(err error) bool {
	var limited *tracker.RateLimited
	return errors.As(err, &limited)
}

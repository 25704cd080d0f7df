package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/matrix"
	"github.com/priobot/priobot/prio"
)

// postSummary posts a backlog's summary and, in its thread, the matrix;
// it returns what summary.posted tells webhooks of it. week names the
// scheduled week ("" on demand: no snapshot is taken).
func (a *App) postSummary(ctx context.Context, team, channel, week string, late bool) (map[string]any, error) {
	m, err := a.summary(ctx, team, channel, week, late)
	if err != nil {
		return nil, err
	}
	ts, err := a.slack.Post(ctx, channel, m)
	if err != nil {
		return nil, err
	}
	if strings.Contains(m.Text, " ranked") { // no ranked idea: no matrix to show
		if err := a.postMatrix(ctx, team, channel, ts); err != nil {
			return nil, err
		}
	}
	return a.summaryFacts(ctx, team, channel, week, ts)
}

// postMatrix uploads the priority matrix of a backlog's ranked ideas.
func (a *App) postMatrix(ctx context.Context, team, channel, threadTS string) error {
	fw, err := a.settings.Framework(ctx, team, channel)
	if err != nil {
		return err
	}
	ranked, _, err := a.ideas.Ranked(ctx, team, channel, 0, 200)
	if err != nil {
		return err
	}
	points := make([]matrix.Point, 0, len(ranked))
	for _, idea := range ranked {
		if _, ok := fw.Score(idea.Values); ok {
			benefit, cost := fw.Axes(idea.Values)
			points = append(points, matrix.Point{Label: fmt.Sprintf("#%d %s", idea.Number, prio.Shorten(idea.Title, 24)), Benefit: benefit, Cost: cost})
		}
	}
	png, err := matrix.Render("Priority matrix ("+fw.Title+")", fw.BenefitLabel, fw.CostLabel, points)
	if err != nil {
		return err
	}
	comment := fmt.Sprintf("Priority matrix of %s: %s by %s and %s.", channelRef(channel), plural(int64(len(points)), "ranked idea"), strings.ToLower(fw.BenefitLabel), strings.ToLower(fw.CostLabel))
	return a.slack.Upload(ctx, channel, threadTS, File{Name: "priority-matrix.png", Title: "Priority matrix", Comment: comment, Content: png,
		AltText: "Priority matrix of " + fw.Title + " scores. " + matrix.Quadrants(points, maxAltText-60)})
}

// maxAltText is the most an image's alt text may hold, in characters.
const maxAltText = 1000

// summaryLines is how many ideas each part of a summary names.
const summaryLines = 8

// summary writes a backlog's weekly summary: the top 5 and how they moved,
// what is new, scored and changed this week, the oldest ideas awaiting
// scoring with a button to poker them, and counts per status. It names
// people without pinging them, and fits Slack's limits on any backlog.
func (a *App) summary(ctx context.Context, team, channel, week string, late bool) (Message, error) {
	now := a.now()
	counts, err := a.ideas.Counts(ctx, team, channel)
	if err != nil {
		return Message{}, err
	}
	ranked, total, err := a.ideas.Ranked(ctx, team, channel, 0, 50)
	if err != nil {
		return Message{}, err
	}
	var before map[int64]int64
	if week != "" {
		ranking := make([]int64, len(ranked))
		for i, idea := range ranked {
			ranking[i] = idea.Number
		}
		if before, err = a.summaries.Snapshot(ctx, team, channel, week, ranking); err != nil {
			return Message{}, err
		}
	}
	title := "Weekly backlog summary"
	if week == "" {
		title = "Backlog summary"
	}
	if late {
		title += " (late)"
	}
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, title, false, false)),
		section("%s · %s", channelRef(channel), countLine(counts))}
	if week != "" {
		if skipped, err := a.summaries.TakeSkipped(ctx, team, channel); err == nil && skipped != "" {
			blocks = append(blocks, note("The summary of %s was skipped: priobot was not running on its day.", skipped))
		}
	}

	var top []string
	for i, idea := range ranked[:min(5, len(ranked))] {
		line := fmt.Sprintf("%d. #%d %s — score %s", i+1, idea.Number, esc(prio.Shorten(idea.Title, 60)), prio.FormatScore(idea.Score))
		if before != nil {
			line += " " + movement(before, idea.Number, int64(i+1))
		}
		top = append(top, line)
	}
	if total == 0 {
		top = append(top, "Nothing is ranked yet: score ideas with `/poker` or `/backlog score`.")
	}
	blocks = append(blocks, list("Top of the backlog", top, total-int64(len(top))))

	submitted, scored, moved, err := a.summaries.Activity(ctx, team, channel, now.Add(-7*24*time.Hour))
	if err != nil {
		return Message{}, err
	}
	parts := []struct {
		title   string
		numbers []int64
		line    func(prio.Idea) string
	}{
		{"New this week", submitted, func(i prio.Idea) string {
			return fmt.Sprintf("#%d %s — by %s", i.Number, esc(prio.Shorten(i.Title, 60)), esc(i.AuthorName))
		}},
		{"Scored this week", scored, func(i prio.Idea) string {
			if !i.Scored {
				return fmt.Sprintf("#%d %s — awaiting scoring again: the framework changed since", i.Number, esc(prio.Shorten(i.Title, 60)))
			}
			line := fmt.Sprintf("#%d %s — score %s", i.Number, esc(prio.Shorten(i.Title, 60)), prio.FormatScore(i.Score))
			if i.ScoredVia == "poker" && i.Agreement != "" {
				line += fmt.Sprintf(" (poker, %s agreement)", i.Agreement)
			}
			return line
		}},
		{"Status changes", moved, func(i prio.Idea) string {
			line := fmt.Sprintf("#%d %s — %s", i.Number, esc(prio.Shorten(i.Title, 60)), i.Status.Label())
			switch i.Status {
			case prio.StatusDeclined:
				line += ": “" + esc(prio.Shorten(i.Reason, 120)) + "”"
			case prio.StatusMerged:
				line += fmt.Sprintf(" into #%d", i.MergedInto)
			}
			return line
		}},
	}
	for _, p := range parts {
		if len(p.numbers) == 0 {
			continue
		}
		ideas, err := a.ideas.Ideas(ctx, team, channel, p.numbers[:min(summaryLines, len(p.numbers))])
		if err != nil {
			return Message{}, err
		}
		lines := make([]string, len(ideas))
		for i, idea := range ideas {
			lines[i] = p.line(idea)
		}
		blocks = append(blocks, list(p.title, lines, int64(len(p.numbers)-len(ideas))))
	}

	waiting, queued, err := a.ideas.Awaiting(ctx, team, channel, 0, 5)
	if err != nil {
		return Message{}, err
	}
	if queued > 0 {
		lines := make([]string, len(waiting))
		numbers := make([]string, len(waiting))
		for i, idea := range waiting {
			lines[i] = fmt.Sprintf("#%d %s — waiting since %s", idea.Number, esc(prio.Shorten(idea.Title, 60)), date(idea.Created))
			numbers[i] = strconv.FormatInt(idea.Number, 10)
		}
		blocks = append(blocks, list("Oldest awaiting scoring", lines, queued-int64(len(waiting))),
			slack.NewActionBlock("summary", button(actSummaryPoker, strings.Join(numbers, ","), "Start poker on these")))
	}
	blocks = append(blocks, note("Everything else: `/backlog` · where one idea sits: `/backlog #12`"))
	text := fmt.Sprintf("%s for %s: %s.", title, channelRef(channel), countLine(counts))
	return Message{Text: text, Blocks: blocks}, nil
}

// movement writes ▲2, ▼1, = or "new" (not ranked last week) against the
// previous summary's ranking.
func movement(before map[int64]int64, n, rank int64) string {
	was, ok := before[n]
	switch {
	case !ok:
		return "new"
	case was > rank:
		return fmt.Sprintf("▲%d", was-rank)
	case was < rank:
		return fmt.Sprintf("▼%d", rank-was)
	}
	return "="
}

// list is one part of a summary: a bold title and lines, cut to stay well
// inside a section's 3,000 characters.
func list(title string, lines []string, more int64) slack.Block {
	text := "*" + title + "*"
	for i, l := range lines {
		if len(text)+len(l) > 2800 {
			more += int64(len(lines) - i)
			break
		}
		text += "\n" + l
	}
	if more > 0 {
		text += fmt.Sprintf("\n…and %d more", more)
	}
	return section("%s", text)
}

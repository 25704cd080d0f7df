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
	"github.com/priobot/priobot/roadmap"
)

// postSummary posts a backlog's summary and, in its thread, the matrix;
// it returns what summary.posted tells webhooks of it. week names the
// scheduled week ("" on demand: no snapshot is taken).
func (a *App) postSummary(ctx context.Context, team, channel, week string, late bool) (map[string]any, error) {
	facts, err := a.readSummary(ctx, team, channel, week)
	if err != nil {
		return nil, err
	}
	ts, err := a.slack.Post(ctx, channel, drawSummary(facts, channel, week, late))
	if err != nil {
		return nil, err
	}
	if err := a.postMatrix(ctx, team, channel, ts); err != nil {
		return nil, err
	}
	if len(facts.roadmap) > 0 {
		if err := a.postRoadmapPicture(ctx, team, channel, "", ts); err != nil {
			return nil, err
		}
	}
	return a.summaryFacts(ctx, team, channel, week, ts)
}

// postMatrix uploads the priority matrix of a backlog's ranked ideas;
// none without one.
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
	if len(points) == 0 {
		return nil
	}
	axes := matrix.Axes{Benefit: fw.BenefitScale, Cost: fw.CostScale}
	png, err := matrix.Render("Priority matrix ("+fw.Title+")", fw.BenefitLabel, fw.CostLabel, axes, points)
	if err != nil {
		return err
	}
	comment := fmt.Sprintf("Priority matrix of %s: %s by %s and %s.", channelRef(channel), plural(int64(len(points)), "ranked idea"), strings.ToLower(fw.BenefitLabel), strings.ToLower(fw.CostLabel))
	return a.slack.Upload(ctx, channel, threadTS, File{Name: "priority-matrix.png", Title: "Priority matrix", Comment: comment, Content: png,
		AltText: "Priority matrix of " + fw.Title + " scores. " + dividers(fw, axes) + matrix.Quadrants(axes, points, maxAltText-120)})
}

// dividers says where the matrix's quadrants split: "Dividers at value 7
// and effort 7."
func dividers(fw prio.Framework, axes matrix.Axes) string {
	cost, benefit := axes.Dividers()
	return fmt.Sprintf("Dividers at %s %s and %s %s. ", strings.ToLower(fw.BenefitLabel), prio.FormatScore(benefit),
		strings.ToLower(fw.CostLabel), prio.FormatScore(cost))
}

// maxAltText is the most an image's alt text may hold, in characters.
const maxAltText = 1000

// summaryLines is how many ideas each part of a summary names.
const summaryLines = 8

// summaryFacts is what a summary shows, as read from the store.
type summaryFacts struct {
	counts  map[prio.Status]int64
	ranked  []prio.Idea      // the top of the backlog
	total   int64            // ideas ranked
	before  map[int64]int64  // ranks at the last summary; nil for none
	skipped string           // a week whose summary was skipped, once
	week    [3]summaryPart   // submitted, scored and moved this week
	waiting []prio.Idea      // the oldest awaiting scoring
	queued  int64            // how many await scoring
	roadmap []roadmap.Change // how the roadmap moved since the last summary
}

// summaryPart is one of the week's lists: the ideas shown, and how many
// more there were.
type summaryPart struct {
	ideas []prio.Idea
	more  int64
}

// readSummary reads what a summary shows. With a week, the ranking is
// remembered for the next summary's movements, and a skipped week is
// taken to be mentioned once.
func (a *App) readSummary(ctx context.Context, team, channel, week string) (summaryFacts, error) {
	var f summaryFacts
	var err error
	if f.counts, err = a.ideas.Counts(ctx, team, channel); err != nil {
		return f, err
	}
	if f.ranked, f.total, err = a.ideas.Ranked(ctx, team, channel, 0, 50); err != nil {
		return f, err
	}
	if week != "" {
		ranking := make([]int64, len(f.ranked))
		for i, idea := range f.ranked {
			ranking[i] = idea.Number
		}
		if f.before, err = a.summaries.Snapshot(ctx, team, channel, week, ranking); err != nil {
			return f, err
		}
		f.skipped, _ = a.summaries.TakeSkipped(ctx, team, channel)
	}
	submitted, scored, moved, err := a.summaries.Activity(ctx, team, channel, a.now().Add(-7*24*time.Hour))
	if err != nil {
		return f, err
	}
	for i, numbers := range [3][]int64{submitted, scored, moved} {
		if len(numbers) == 0 {
			continue
		}
		ideas, err := a.ideas.Ideas(ctx, team, channel, numbers[:min(summaryLines, len(numbers))])
		if err != nil {
			return f, err
		}
		f.week[i] = summaryPart{ideas: ideas, more: int64(len(numbers) - len(ideas))}
	}
	if f.roadmap, err = a.roadmapMoves(ctx, team, channel, week); err != nil {
		return f, err
	}
	f.waiting, f.queued, err = a.ideas.Awaiting(ctx, team, channel, 0, 5)
	return f, err
}

// roadmapMoves says how the roadmap moved since the last scheduled summary
// (none before the first); a scheduled one (week) remembers it as it is.
func (a *App) roadmapMoves(ctx context.Context, team, channel, week string) ([]roadmap.Change, error) {
	s, err := a.roadmap.Roadmap(ctx, team, channel, a.now())
	if err != nil {
		return nil, err
	}
	seen, ok, err := a.roadmap.RoadmapSeen(ctx, team, channel)
	if err != nil {
		return nil, err
	}
	if week != "" {
		if err := a.roadmap.SeeRoadmap(ctx, team, channel, s.Seen()); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, nil
	}
	now := s.Seen()
	var left []int64
	for n := range seen {
		if _, on := now[n]; !on {
			left = append(left, n)
		}
	}
	titles := map[int64]string{}
	if len(left) > 0 {
		ideas, err := a.ideas.Ideas(ctx, team, channel, left)
		if err != nil {
			return nil, err
		}
		for _, idea := range ideas {
			titles[idea.Number] = idea.Title
		}
	}
	return roadmap.Changes(seen, s, titles), nil
}

// drawSummary draws a summary: the top 5 and how they moved, what is new,
// scored and changed this week, the oldest ideas awaiting scoring with a
// button to poker them, and counts per status. It names people without
// pinging them, and fits Slack's limits on any backlog.
func drawSummary(f summaryFacts, channel, week string, late bool) Message {
	title := "Weekly backlog summary"
	if week == "" {
		title = "Backlog summary"
	}
	if late {
		title += " (late)"
	}
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, title, false, false)),
		section("%s · %s", channelRef(channel), countLine(f.counts))}
	if f.skipped != "" {
		blocks = append(blocks, note("The summary of %s was skipped: priobot was not running on its day.", f.skipped))
	}

	var top []string
	for i, idea := range f.ranked[:min(5, len(f.ranked))] {
		line := fmt.Sprintf("%d. #%d %s — score %s", i+1, idea.Number, esc(prio.Shorten(idea.Title, 60)), prio.FormatScore(idea.Score))
		if f.before != nil {
			line += " " + movement(f.before, idea.Number, int64(i+1))
		}
		top = append(top, line)
	}
	if f.total == 0 {
		top = append(top, "Nothing is ranked yet: score ideas with `/poker` or `/backlog score`.")
	}
	blocks = append(blocks, list("Top of the backlog", top, f.total-int64(len(top))))

	for i, p := range weekParts {
		part := f.week[i]
		if len(part.ideas) == 0 && part.more == 0 {
			continue
		}
		lines := make([]string, len(part.ideas))
		for k, idea := range part.ideas {
			lines[k] = p.line(idea)
		}
		blocks = append(blocks, list(p.title, lines, part.more))
	}

	if len(f.roadmap) > 0 {
		lines := make([]string, len(f.roadmap))
		for i, c := range f.roadmap {
			c.Title = esc(prio.Shorten(c.Title, 60))
			lines[i] = c.String()
		}
		blocks = append(blocks, list("Roadmap since the last summary", lines, 0), note("The roadmap's picture is in the thread; `/roadmap` shows it."))
	}

	if f.queued > 0 {
		lines := make([]string, len(f.waiting))
		numbers := make([]string, len(f.waiting))
		for i, idea := range f.waiting {
			lines[i] = fmt.Sprintf("#%d %s — waiting since %s", idea.Number, esc(prio.Shorten(idea.Title, 60)), date(idea.Created))
			numbers[i] = strconv.FormatInt(idea.Number, 10)
		}
		blocks = append(blocks, list("Oldest awaiting scoring", lines, f.queued-int64(len(f.waiting))),
			slack.NewActionBlock("summary", button(actSummaryPoker, strings.Join(numbers, ","), "Start poker on these")))
	}
	blocks = append(blocks, note("Everything else: `/backlog` · where one idea sits: `/backlog #12`"))
	text := fmt.Sprintf("%s for %s: %s.", title, channelRef(channel), countLine(f.counts))
	return Message{Text: text, Blocks: blocks}
}

// weekParts are the week's lists of a summary, in summaryFacts.week's
// order, each with how it shows an idea.
var weekParts = [3]struct {
	title string
	line  func(prio.Idea) string
}{
	{"New this week", func(i prio.Idea) string {
		return fmt.Sprintf("#%d %s — by %s", i.Number, esc(prio.Shorten(i.Title, 60)), esc(i.AuthorName))
	}},
	{"Scored this week", func(i prio.Idea) string {
		if !i.Scored {
			return fmt.Sprintf("#%d %s — awaiting scoring again: the framework changed since", i.Number, esc(prio.Shorten(i.Title, 60)))
		}
		line := fmt.Sprintf("#%d %s — score %s", i.Number, esc(prio.Shorten(i.Title, 60)), prio.FormatScore(i.Score))
		if i.ScoredVia == "poker" && i.Agreement != "" {
			line += fmt.Sprintf(" (poker, %s agreement)", i.Agreement)
		}
		return line
	}},
	{"Status changes", func(i prio.Idea) string {
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

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/matrix"
	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/weekly"
)

const actSummaryPoker = "summary_poker" // value: "3,5,8"

// schedule serves `/backlog schedule [<weekday> <HH:MM> [Area/City] | off]`.
func (a *App) schedule(ctx context.Context, r Request) (*Reply, error) {
	switch strings.ToLower(strings.TrimSpace(r.Text)) {
	case "":
		stored, next, err := a.store.Schedule(ctx, r.Team, r.Channel)
		if err != nil {
			return nil, err
		}
		if stored == "" {
			return ephemeral("This channel has no weekly summary. Schedule one like `/backlog schedule monday 09:00 Europe/Berlin`."), nil
		}
		s, err := weekly.FromString(stored)
		if err != nil {
			return nil, err
		}
		return ephemeral(fmt.Sprintf("This channel's weekly summary comes %s. Next: %s.", describeSchedule(s), when(next, s))), nil
	case "off":
		err := a.asOwner(ctx, r, "turn off its weekly summary", func(actor prio.Actor) error {
			return a.store.SetSchedule(ctx, r.Team, r.Channel, actor, "", time.Time{})
		})
		if err != nil {
			return nil, err
		}
		return &Reply{Message: Message{Text: esc(r.UserName) + " turned off this channel's weekly backlog summary."}, InChannel: true}, nil
	}
	zone := ""
	if len(strings.Fields(r.Text)) == 2 { // no zone typed: the scheduling person's own
		u, err := a.slack.User(ctx, r.User)
		if err != nil {
			return nil, err
		}
		zone = u.TZ
	}
	s, err := weekly.Parse(r.Text, zone)
	if err != nil {
		return nil, err
	}
	next := s.Next(a.now())
	err = a.asOwner(ctx, r, "schedule its weekly summary", func(actor prio.Actor) error {
		return a.store.SetSchedule(ctx, r.Team, r.Channel, actor, s.String(), next)
	})
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("%s scheduled this channel's weekly backlog summary %s. First one: %s.", esc(r.UserName), describeSchedule(s), when(next, s))
	return &Reply{Message: Message{Text: text}, InChannel: true}, nil
}

// describeSchedule writes "every Monday at 09:00 (Europe/Berlin)".
func describeSchedule(s weekly.Schedule) string {
	return fmt.Sprintf("every %s at %02d:%02d (%s)", s.Weekday, s.Hour, s.Minute, s.Zone)
}

// when shows a run in each reader's zone, with the schedule's zone as fallback.
func when(t time.Time, s weekly.Schedule) string {
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	return fmt.Sprintf("<!date^%d^{date_long} at {time}|%s>", t.Unix(), t.In(loc).Format("Monday 2 January 15:04 MST"))
}

// summaryNow serves `/backlog summary`: this week's summary, now.
func (a *App) summaryNow(ctx context.Context, r Request) (*Reply, error) {
	facts, err := a.postSummary(ctx, r.Team, r.Channel, "", false)
	if err != nil {
		return nil, err
	}
	if err := a.store.SummaryPosted(ctx, r.Team, r.Channel, "", true, facts, a.now()); err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	return nil, nil
}

// matrixNow serves `/backlog matrix`: the priority matrix, posted in the channel.
func (a *App) matrixNow(ctx context.Context, r Request) (*Reply, error) {
	if err := a.postMatrix(ctx, r.Team, r.Channel, ""); err != nil {
		return nil, err
	}
	return nil, nil
}

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
	fw, err := a.store.Framework(ctx, team, channel)
	if err != nil {
		return err
	}
	ranked, _, err := a.store.Ranked(ctx, team, channel, 0, 200)
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
	counts, err := a.store.Counts(ctx, team, channel)
	if err != nil {
		return Message{}, err
	}
	ranked, total, err := a.store.Ranked(ctx, team, channel, 0, 50)
	if err != nil {
		return Message{}, err
	}
	var before map[int64]int64
	if week != "" {
		ranking := make([]int64, len(ranked))
		for i, idea := range ranked {
			ranking[i] = idea.Number
		}
		if before, err = a.store.Snapshot(ctx, team, channel, week, ranking); err != nil {
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
		if skipped, err := a.store.TakeSkipped(ctx, team, channel); err == nil && skipped != "" {
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

	submitted, scored, moved, err := a.store.Activity(ctx, team, channel, now.Add(-7*24*time.Hour))
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
		ideas, err := a.store.Ideas(ctx, team, channel, p.numbers[:min(summaryLines, len(p.numbers))])
		if err != nil {
			return Message{}, err
		}
		lines := make([]string, len(ideas))
		for i, idea := range ideas {
			lines[i] = p.line(idea)
		}
		blocks = append(blocks, list(p.title, lines, int64(len(p.numbers)-len(ideas))))
	}

	waiting, queued, err := a.store.Awaiting(ctx, team, channel, 0, 5)
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

// summaryPoker serves **Start poker on these**: a session on the ideas the
// summary listed, run by whoever clicked.
func (a *App) summaryPoker(ctx context.Context, r Request) (*Reply, error) {
	var start poker.Start
	for _, v := range strings.Split(r.Value, ",") {
		n, err := prio.ParseRef(v)
		if err != nil || len(start.Ideas) == poker.MaxIdeas {
			return nil, prio.Errorf(prio.Invalid, "That button is broken; start a session with `/poker next 5`.")
		}
		start.Ideas = append(start.Ideas, n)
	}
	return a.runSession(ctx, r, start)
}

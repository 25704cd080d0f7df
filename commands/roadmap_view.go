package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/roadmap"
)

// laneText is the most a lane's section holds before it is cut with how
// many more there are: Slack takes 3,000 characters a section.
const laneText = 2800

// roadmapCmd serves `/roadmap [team|exec]`: this channel's roadmap,
// privately.
func (a *App) roadmapCmd(ctx context.Context, r Request) (*Reply, error) {
	view, err := roadmapView(r.Text)
	if err != nil {
		return nil, err
	}
	m, err := a.roadmapMessage(ctx, r.Team, r.Channel, view)
	if err != nil {
		return nil, err
	}
	return &Reply{Message: m}, nil
}

// shareRoadmap serves `/roadmap share [team|exec]` (owners): the roadmap in
// the channel, with its picture in the thread.
func (a *App) shareRoadmap(ctx context.Context, r Request) (*Reply, error) {
	view, err := roadmapView(r.Text)
	if err != nil {
		return nil, err
	}
	if err := a.mayManage(ctx, r, "share its roadmap"); err != nil {
		return nil, err
	}
	m, err := a.roadmapMessage(ctx, r.Team, r.Channel, view)
	if err != nil {
		return nil, err
	}
	m.Text = fmt.Sprintf("%s shared %s's roadmap (%s view).", esc(r.UserName), channelRef(r.Channel), view)
	m.Blocks = append([]slack.Block{note("%s", m.Text)}, m.Blocks...)
	ts, err := a.slack.Post(ctx, r.Channel, m)
	if err != nil {
		return nil, err
	}
	if err := a.postRoadmapPicture(ctx, r.Team, r.Channel, r.ChannelName, ts); err != nil {
		a.log.WarnContext(ctx, "roadmap picture not posted", "channel", r.Channel, "err", err)
	}
	return nil, nil
}

// postRoadmapPicture uploads the roadmap's picture into a thread; name is
// the channel's, for its title, when known.
func (a *App) postRoadmapPicture(ctx context.Context, team, channel, name, threadTS string) error {
	s, err := a.roadmap.Roadmap(ctx, team, channel, a.now())
	if err != nil {
		return err
	}
	title := "Roadmap"
	if name != "" {
		title += " of #" + name
	}
	png, err := roadmap.Draw(s, title)
	if err != nil {
		return err
	}
	alt := prio.Shorten(roadmap.Alt(s, title), maxAltText)
	return a.slack.Upload(ctx, channel, threadTS, File{Name: "roadmap.png", Title: "Roadmap", Content: png, AltText: alt,
		Comment: fmt.Sprintf("The roadmap of %s: Now, Next and Later by goal.", channelRef(channel))})
}

func roadmapView(text string) (string, error) {
	switch v := strings.ToLower(strings.TrimSpace(text)); v {
	case "", "team":
		return "team", nil
	case "exec":
		return "exec", nil
	}
	return "", prio.Errorf(prio.Invalid, "%s is not a view of the roadmap: say `team` (the default: every idea) or `exec` (goals by lane, for executives).",
		prio.Quote(prio.Shorten(text, 30)))
}

// roadmapMessage draws a backlog's roadmap in a view: "team", every idea
// by lane with its goal, score, status, links and requesters; "exec",
// goals by lane with counts and a few titles, no scores and no names.
func (a *App) roadmapMessage(ctx context.Context, team, channel, view string) (Message, error) {
	s, err := a.roadmap.Roadmap(ctx, team, channel, a.now())
	if err != nil {
		return Message{}, err
	}
	if len(s.Ideas) == 0 && len(s.Shipped) == 0 {
		text := fmt.Sprintf("%s's roadmap is empty: ideas join it when they are planned or in progress, or with `/backlog roadmap #12 now|next|later`.", channelRef(channel))
		return Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}, nil
	}
	if view == "exec" {
		return execView(s, channel), nil
	}
	return teamView(s, channel), nil
}

// teamView lists every lane's ideas in the backlog's order, each section
// cut within Slack's limits with how many more there are.
func teamView(s roadmap.Snapshot, channel string) Message {
	head := fmt.Sprintf("*Roadmap of %s* — Now %d · Next %d · Later %d · shipped in the last 30 days %d", channelRef(channel),
		len(s.Lane(prio.Now)), len(s.Lane(prio.Next)), len(s.Lane(prio.Later)), len(s.Done()))
	blocks := []slack.Block{section("%s", head)}
	plain := []string{head}
	for _, l := range prio.Lanes {
		ideas := s.Lane(l)
		lines := []string{fmt.Sprintf("*%s* (%d)", l.Title(), len(ideas))}
		if len(ideas) == 0 {
			lines = append(lines, "_Nothing here._")
		}
		size := len(lines[0])
		for i, idea := range ideas {
			line := "• " + teamLine(s, idea)
			if size+len(line) > laneText {
				lines = append(lines, fmt.Sprintf("…and %d more in %s: `/backlog export` lists every idea with its lane.", len(ideas)-i, l.Title()))
				break
			}
			lines = append(lines, line)
			size += len(line) + 1
		}
		text := strings.Join(lines, "\n")
		blocks = append(blocks, section("%s", text))
		plain = append(plain, text)
	}
	if done := s.Done(); len(done) > 0 {
		var names []string
		for _, idea := range done[:min(len(done), 10)] {
			names = append(names, fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 50))))
		}
		if len(done) > 10 {
			names = append(names, fmt.Sprintf("and %d more", len(done)-10))
		}
		text := "*Done* in the last 30 days: " + strings.Join(names, ", ")
		blocks = append(blocks, note("%s", text))
		plain = append(plain, text)
	}
	return Message{Text: plainText(strings.Join(plain, "\n")), Blocks: blocks}
}

// teamLine is an idea in the team view: "#12 Dark mode · Retention ·
// score 2.67 · planned · 3 asked · Links: …".
func teamLine(s roadmap.Snapshot, idea prio.Idea) string {
	parts := []string{fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 60)))}
	if g := s.GoalName(idea.Goal); g != "" {
		parts = append(parts, "_"+esc(g)+"_")
	}
	if idea.Scored {
		parts = append(parts, "score "+prio.FormatScore(idea.Score))
	}
	parts = append(parts, idea.Status.Label())
	if idea.Supporters > 0 {
		parts = append(parts, fmt.Sprintf("%d asked", idea.Supporters))
	}
	if l := links(idea); l != "" {
		parts = append(parts, l)
	}
	return strings.Join(parts, " · ")
}

// execView is the roadmap by goal: each goal's lanes with a count and at
// most three titles, and what shipped for it in the last 90 days.
func execView(s roadmap.Snapshot, channel string) Message {
	head := fmt.Sprintf("*Roadmap of %s by goal* — Now · Next · Later, and shipped in the last 90 days", channelRef(channel))
	blocks := []slack.Block{section("%s", head)}
	plain := []string{head}
	for _, row := range s.Grid() {
		lines := []string{"*" + esc(row.Goal.Name) + "*"}
		for _, l := range prio.Lanes {
			c := row.Cells[l]
			line := fmt.Sprintf("%s %d", l.Title(), c.Count)
			if len(c.Titles) > 0 {
				titles := make([]string, len(c.Titles))
				for i, t := range c.Titles {
					titles[i] = esc(prio.Shorten(t, 50))
				}
				line += ": " + strings.Join(titles, ", ")
				if c.Count > len(c.Titles) {
					line += fmt.Sprintf(" and %d more", c.Count-len(c.Titles))
				}
			}
			lines = append(lines, line)
		}
		lines = append(lines, fmt.Sprintf("Shipped in the last 90 days: %d", row.Shipped))
		text := strings.Join(lines, "\n")
		blocks = append(blocks, section("%s", text))
		plain = append(plain, text)
	}
	return Message{Text: plainText(strings.Join(plain, "\n")), Blocks: blocks}
}

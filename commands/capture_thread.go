package commands

import (
	"context"
	"fmt"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
)

// threadLine is the one line an idea's change adds to the thread of the
// Slack message it came from: "#12 Dark mode is now planned — alice". It
// names people without pinging them.
func (a *App) threadLine(ctx context.Context, b outbox.Backlog, item outbox.Item) (Message, error) {
	idea, pos, err := a.ideas.Where(ctx, b.Team, b.Channel, item.Idea)
	if err != nil {
		return Message{}, err
	}
	subject := fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 80)))
	var what string
	switch {
	case item.Into != 0:
		into, _, err := a.ideas.Where(ctx, b.Team, b.Channel, item.Into)
		if err != nil {
			return Message{}, err
		}
		what = fmt.Sprintf("was merged into #%d %s", into.Number, esc(prio.Shorten(into.Title, 80)))
	case item.Session != 0:
		what = "was scored in priority poker"
		if idea.Scored && pos.Place > 0 && !pos.Queue && idea.Status.Open() {
			what += fmt.Sprintf(": %s, now %s of %d in %s's backlog", prio.FormatScore(idea.Score), ordinal(pos.Place), pos.Of, channelRef(b.Channel))
		}
	case item.Reopen:
		what = "is back in play, " + prio.Status(item.Status).Label()
	case item.Status == string(prio.Now) || item.Status == string(prio.StatusInProgress): // it entered the roadmap's Now
		what = "is now being worked on"
	default:
		what = "is now " + prio.Status(item.Status).Label()
	}
	text := fmt.Sprintf("%s %s — %s", subject, what, esc(item.Actor))
	if item.Status == string(prio.StatusDeclined) && item.Reason != "" {
		text += ": “" + esc(prio.Shorten(item.Reason, 200)) + "”"
	}
	return Message{Text: text, ThreadTS: item.TS}, nil
}

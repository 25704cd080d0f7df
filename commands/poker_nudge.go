package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// ChaseStore says who owes votes and when to remind or nudge them. store.Store implements it.
type ChaseStore interface {
	TellReady(ctx context.Context, ps poker.Session, now time.Time) (bool, error)
	DueReminders(ctx context.Context, now time.Time) ([]poker.Ref, error)
	RemindersPlanned(ctx context.Context, ps poker.Session) (bool, error)
	PlanReminders(ctx context.Context, ps poker.Session, at map[string]time.Time) error
	RemindDue(ctx context.Context, ps poker.Session, criteria int, now time.Time) ([]string, error)
	Nudge(ctx context.Context, ps poker.Session, actor prio.Actor, criteria int, now time.Time) ([]string, time.Time, error)
}

// nudge serves **Nudge** on a session message (facilitator or owners):
// a DM to each named voter who still owes votes, at most once an hour.
func (a *App) nudge(ctx context.Context, r Request) (*Reply, error) {
	ps, err := a.clickedSession(ctx, r)
	if err != nil {
		return nil, err
	}
	return a.nudgeSession(ctx, r, ps)
}

// nudgeCmd serves `/poker nudge`: Nudge on this channel's newest open session.
func (a *App) nudgeCmd(ctx context.Context, r Request) (*Reply, error) {
	refs, err := a.poker.OpenSessions(ctx, r.Team, 200)
	if err != nil {
		return nil, err
	}
	var newest int64
	for _, ref := range refs {
		if ref.Channel == r.Channel && ref.ID > newest {
			newest = ref.ID
		}
	}
	if newest == 0 {
		return nil, prio.Errorf(prio.NotFound, "No priority poker session is open in this channel.")
	}
	ps, err := a.poker.Session(ctx, r.Team, r.Channel, newest)
	if err != nil {
		return nil, err
	}
	return a.nudgeSession(ctx, r, ps)
}

// nudgeSession nudges a session's named voters who still owe votes.
func (a *App) nudgeSession(ctx context.Context, r Request, ps poker.Session) (*Reply, error) {
	fw, err := ps.Scoring()
	if err != nil {
		return nil, err
	}
	var (
		nudged []string
		next   time.Time
	)
	err = a.facilitate(ctx, r, ps, "nudge its voters", func(actor prio.Actor) (err error) {
		nudged, next, err = a.chase.Nudge(ctx, ps, actor, len(fw.Criteria), a.now())
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case !next.IsZero():
		return ephemeral(fmt.Sprintf("This session's voters were nudged less than an hour ago; the next nudge is possible %s.", clock(next))), nil
	case len(nudged) == 0:
		return ephemeral("Every named voter has voted on every card still open: there is no one to nudge."), nil
	}
	a.kickOutbox(ctx, r.Team, r.Channel)
	names := make([]string, len(nudged))
	for i, u := range nudged {
		names[i] = esc(ps.VoterName(u))
	}
	return ephemeral(fmt.Sprintf("Nudged by direct message, with the cards still missing their votes: %s.", join(names))), nil
}

// nudgeMessage is a nudge's DM: the cards the voter owes votes on, linked.
func (a *App) nudgeMessage(ctx context.Context, b outbox.Backlog, item outbox.Item) (Message, error) {
	ps, err := a.poker.Session(ctx, b.Team, b.Channel, item.Session)
	if err != nil {
		return Message{}, err
	}
	ideas, err := a.ideas.Ideas(ctx, b.Team, b.Channel, item.Ideas)
	if err != nil {
		return Message{}, err
	}
	cards := make([]string, 0, len(ideas))
	for _, idea := range ideas {
		label := fmt.Sprintf("#%d %s", idea.Number, esc(prio.Shorten(idea.Title, 60)))
		if card, err := a.poker.Card(ctx, ps, idea.Number); err == nil && card.TS != "" {
			if link := a.slack.Permalink(ctx, b.Channel, card.TS); link != "" {
				label = "<" + link + "|" + label + ">"
			}
		}
		cards = append(cards, label)
	}
	text := fmt.Sprintf("In %s, %s reminds you of priority poker: your votes are still missing on %s.", channelRef(b.Channel),
		esc(item.Actor), join(cards))
	if item.Kind == outbox.Reminder {
		text = fmt.Sprintf("In %s, a reminder from priority poker: your votes are still missing on %s.", channelRef(b.Channel), join(cards))
	}
	if !ps.Deadline.IsZero() {
		text += fmt.Sprintf(" Voting closes %s %s.", date(ps.Deadline), clock(ps.Deadline))
	}
	return Message{Text: text}, nil
}

// join lists words: "a", "a and b", "a, b and c".
func join(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// facilitatorMessage tells a session's facilitator that every card is
// revealed (the ones waiting for a decision), or that the session ended
// on its own; with a link to the session.
func (a *App) facilitatorMessage(ctx context.Context, b outbox.Backlog, item outbox.Item) (Message, error) {
	ps, err := a.poker.Session(ctx, b.Team, b.Channel, item.Session)
	if err != nil {
		return Message{}, err
	}
	link := a.slack.Permalink(ctx, b.Channel, ps.TS)
	open := func(label string) string {
		if link == "" {
			return ""
		}
		return " <" + link + "|" + label + ">."
	}
	if item.Kind == outbox.Ended {
		return Message{Text: fmt.Sprintf("In %s, your priority poker session on %s has ended: every card is decided.%s",
			channelRef(b.Channel), refList(ps.Ideas), open("See the results"))}, nil
	}
	what := "every card of your priority poker session is revealed"
	if item.Reason == "deadline" {
		what = "voting on your priority poker session closed at its deadline"
	}
	wait := "waits"
	if len(item.Ideas) > 1 {
		wait = "wait"
	}
	return Message{Text: fmt.Sprintf("In %s, %s: %s %s for your decision (accept, re-vote or skip).%s", channelRef(b.Channel), what,
		refList(item.Ideas), wait, open("Open the session"))}, nil
}

// remindDue sends the automatic reminders due by now. A session's plan is
// made the first time it is due (three quarters into its voting time):
// each named voter's moment, inside their working hours, from their zone.
func (a *App) remindDue(ctx context.Context) {
	a.eachDueSession(ctx, "poker reminders", a.chase.DueReminders, func(ps poker.Session) {
		fw, err := ps.Scoring()
		if err != nil {
			return
		}
		if planned, err := a.chase.RemindersPlanned(ctx, ps); err == nil && !planned {
			at := map[string]time.Time{}
			for _, v := range ps.Voters {
				loc := time.UTC
				if u, err := a.slack.User(ctx, v); err == nil {
					if l, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
						loc = l
					}
				}
				at[v] = poker.RemindAt(ps.Created, ps.Deadline, loc)
			}
			if err := a.chase.PlanReminders(ctx, ps, at); err != nil {
				return
			}
		}
		sent, err := a.chase.RemindDue(ctx, ps, len(fw.Criteria), a.now())
		if err != nil {
			a.log.WarnContext(ctx, "scheduler: reminders", "session", ps.ID, "err", err)
			return
		}
		if len(sent) > 0 {
			a.kickOutbox(ctx, ps.Team, ps.Channel)
		}
	})
}

package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// vote serves a vote button: one Redis round trip records it and says
// whether this vote's receipt has the voter's turn (else the handler whose
// turn it is sends it next); the card is redrawn at most once a second.
func (a *App) vote(ctx context.Context, r Request) (*Reply, error) {
	crit, label, ok := strings.Cut(strings.TrimPrefix(r.ActionID, actVote), ":")
	sid, n, round, err := pokerRef(r.Value)
	if err != nil || !ok {
		return nil, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker card.")
	}
	ps, err := a.session(ctx, r.Team, r.Channel, sid)
	if err != nil {
		return nil, err
	}
	fw, err := ps.Scoring()
	if err != nil {
		return nil, err
	}
	c := fw.Criterion(crit)
	if c.ID == "" || !poker.ValidVote(c, label) || !slices.Contains(ps.Ideas, n) {
		return nil, prio.Errorf(prio.Invalid, "That is not a vote on this card's scale.")
	}
	keys := make([]string, len(fw.Criteria))
	for i, c := range fw.Criteria {
		keys[i] = c.Key
	}
	voted, err := a.poker.Vote(ctx, ps, n, round, r.actor(), crit, label, r.ActionTS, r.ResponseURL, keys, a.now())
	if err != nil {
		return nil, err
	}
	if voted.HomeViewer {
		a.refreshHome(r.Team, r.User) // their owed votes changed
	}
	card := poker.Card{Idea: n, State: poker.CardVoting}
	if voted.Revealed != "" {
		card.State, card.RevealedBy = poker.CardRevealed, voted.Revealed
	} else {
		a.redraw(ps, n)
	}
	if voted.Turn {
		a.sendReceipts(ctx, ps, fw, n, r, keys, voted.Receipt, receipt(ps, fw, card, voted.Mine))
	}
	if voted.Revealed != "" { // after the receipt: what follows from a vote comes after it
		a.afterReveal(ctx, ps, n)
	}
	return nil, nil
}

// receipt tells a voter what they have voted on a card so far, and
// whether they may still change it.
func receipt(ps poker.Session, fw prio.Framework, card poker.Card, mine []string) Message {
	var parts, todo []string
	for i, c := range fw.Criteria {
		if mine[i] == "" {
			todo = append(todo, c.Name)
		} else {
			parts = append(parts, c.Name+" "+mine[i])
		}
	}
	text := fmt.Sprintf("You voted %s on #%d.", strings.Join(parts, ", "), card.Idea)
	if len(todo) > 0 && card.State == poker.CardVoting {
		text += " Still to vote: " + strings.Join(todo, ", ") + "."
	}
	switch card.State {
	case poker.CardVoting:
		text += " You can change it until the card is revealed."
	case poker.CardClosed, poker.CardLeft:
		text += " Voting on it has closed."
	default:
		if why := revealedBecause(ps, card); why != "" {
			text += " The card was revealed " + why + "."
		} else {
			text += " The card is revealed."
		}
	}
	return Message{Text: text}
}

// sendReceipts sends a vote's receipt, whose turn it is, then the receipt
// of the voter's newest vote on the card if they voted again meanwhile:
// their receipts go one at a time, so an older one never follows a newer.
func (a *App) sendReceipts(ctx context.Context, ps poker.Session, fw prio.Framework, n int64, r Request, keys []string, number int64, m Message) {
	url := r.ResponseURL
	for {
		send, cancel := context.WithTimeout(ctx, poker.ReceiptTurn)
		if err := a.slack.Respond(send, url, m); err != nil {
			a.log.WarnContext(ctx, "vote receipt not sent", "err", err)
		}
		cancel()
		next, more, err := a.poker.ReceiptSent(ctx, ps, n, r.User, number, keys, a.now())
		if err != nil || !more {
			return
		}
		number, url, m = next.Number, next.URL, receipt(ps, fw, next.Card, next.Mine)
	}
}

// redraw updates a card after a vote, coalesced to about once a second.
func (a *App) redraw(ps poker.Session, n int64) {
	a.coalesce(fmt.Sprintf("poker card %s:%s:%d:%d", ps.Team, ps.Channel, ps.ID, n), redrawEvery,
		func(ctx context.Context) (bool, error) {
			return a.poker.ClaimRender(ctx, ps.Team, ps.Channel, ps.ID, n)
		},
		func(ctx context.Context) (int64, error) { return a.drawCard(ctx, ps, n) },
		func(ctx context.Context) (int64, error) {
			card, err := a.poker.Card(ctx, ps, n)
			return card.Version, err
		})
}

// ideaChanged redraws the open poker card holding idea n, if one does: a
// card shows the idea's status and what a score would do to it. An idea
// that left play (declined, merged, shipped) leaves the card too, and the
// session ends if that was its last undecided card.
func (a *App) ideaChanged(ctx context.Context, r Request, n int64) {
	inPlay, err := a.poker.InPlay(ctx, r.Team, r.Channel)
	sid, ok := inPlay[n]
	if err != nil || !ok {
		return
	}
	ideas, err := a.ideas.Ideas(ctx, r.Team, r.Channel, []int64{n})
	if err != nil || len(ideas) == 0 || ideas[0].Status.Open() {
		a.redraw(poker.Session{Team: r.Team, Channel: r.Channel, ID: sid}, n)
		return
	}
	ps, err := a.poker.Session(ctx, r.Team, r.Channel, sid)
	if err != nil {
		return
	}
	if left, err := a.poker.LeaveCard(ctx, r.Team, r.Channel, sid, n); err != nil || !left {
		return
	}
	if _, err := a.drawCard(ctx, ps, n); err != nil {
		a.log.WarnContext(ctx, "card not redrawn", "err", err)
	}
	if err := a.endIfDone(ctx, ps, r.actor(), false); err != nil {
		a.log.WarnContext(ctx, "session not ended", "session", sid, "err", err)
	}
}

// drawCard redraws a card now and returns the version it drew.
func (a *App) drawCard(ctx context.Context, ps poker.Session, n int64) (int64, error) {
	ps, card, idea, fw, err := a.loadCard(ctx, ps.Team, ps.Channel, ps.ID, n)
	if err != nil {
		return 0, err
	}
	names, err := a.poker.VoterNames(ctx, ps.Team, ps.Channel, ps.ID)
	if err != nil {
		return 0, err
	}
	m := a.cardMessage(ctx, ps, card, idea, fw, names)
	return card.Version, a.slack.Update(ctx, ps.Channel, card.TS, m)
}

// afterReveal runs once per revealed card: it draws the votes and, when
// agreement is low, asks the highest and lowest voters why. Nobody owes a
// vote on it any more: Homes change.
func (a *App) afterReveal(ctx context.Context, ps poker.Session, n int64) {
	if told, err := a.chase.TellReady(ctx, ps, a.now()); err != nil {
		a.log.WarnContext(ctx, "facilitator not told", "session", ps.ID, "err", err)
	} else if told {
		a.kickOutbox(ctx, ps.Team, ps.Channel)
	}
	a.announced(ctx, ps.Team, ps.Channel)
	a.homesChanged(ps.Team, ps.Channel)
	if _, err := a.drawCard(ctx, ps, n); err != nil {
		a.log.WarnContext(ctx, "revealed card not drawn", "session", ps.ID, "idea", n, "err", err)
		return
	}
	ps, card, _, fw, err := a.loadCard(ctx, ps.Team, ps.Channel, ps.ID, n)
	if err != nil {
		return
	}
	for i, r := range tallies(fw, card) {
		if r.Agreement != poker.Low {
			continue
		}
		c := fw.Criteria[i]
		for _, side := range []struct {
			who  []string
			word string
		}{{r.Highest, "highest"}, {r.Lowest, "lowest"}} {
			for _, u := range side.who {
				text := fmt.Sprintf("Your %s vote (%s) on #%d was the %s. The team would like to hear why, in a line.", c.Name, card.Votes[c.Key][u], n, side.word)
				m := Message{Text: text, ThreadTS: ps.TS, Blocks: []slack.Block{section("%s", text),
					slack.NewActionBlock("reason", button(actReason, fmt.Sprintf("%d:%d:%s", ps.ID, n, c.Key), "Give a reason"))}}
				if err := a.slack.PostEphemeral(ctx, ps.Channel, u, m); err != nil {
					a.log.WarnContext(ctx, "reason request not shown", "user", u, "err", err)
				}
			}
		}
	}
}

// decisions name what Accept, Re-vote and Skip do, for the store and for people.
var decisions = map[string]struct{ action, verb string }{
	actAccept: {"accept", "accept"}, actRevote: {"revote", "re-vote"}, actSkip: {"skip", "skip"},
}

// clickedSession is the session a session message's button names (its
// value is the session id), looked up in the channel it was clicked in.
func (a *App) clickedSession(ctx context.Context, r Request) (poker.Session, error) {
	sid, err := strconv.ParseInt(r.Value, 10, 64)
	if err != nil {
		return poker.Session{}, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker session.")
	}
	return a.poker.Session(ctx, r.Team, r.Channel, sid)
}

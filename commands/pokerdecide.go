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
	fw, err := prio.LookupFramework(ps.Framework)
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
	voted, err := a.store.Vote(ctx, ps, n, round, r.actor(), crit, label, r.ActionTS, r.ResponseURL, keys, a.now())
	if err != nil {
		return nil, err
	}
	if voted.HomeViewer {
		a.refreshHome(r.Team, r.User) // their owed votes changed
	}
	card := poker.Card{Idea: n, State: poker.CardVoting}
	if voted.Revealed != "" {
		card.State, card.RevealedBy = poker.CardRevealed, voted.Revealed
		a.afterReveal(ctx, ps, n)
	} else {
		a.redraw(ps, n)
	}
	if voted.Turn {
		a.sendReceipts(ctx, ps, fw, n, r, keys, voted.Receipt, receipt(ps, fw, card, voted.Mine))
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
		next, more, err := a.store.ReceiptSent(ctx, ps, n, r.User, number, keys, a.now())
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
			return a.store.ClaimRender(ctx, ps.Team, ps.Channel, ps.ID, n)
		},
		func(ctx context.Context) (int64, error) { return a.drawCard(ctx, ps, n) },
		func(ctx context.Context) (int64, error) {
			card, err := a.store.Card(ctx, ps, n)
			return card.Version, err
		})
}

// ideaChanged redraws the open poker card holding idea n, if one does: a
// card shows the idea's status and what a score would do to it. An idea
// that left play (declined, merged, shipped) leaves the card too, and the
// session ends if that was its last undecided card.
func (a *App) ideaChanged(ctx context.Context, r Request, n int64) {
	inPlay, err := a.store.InPlay(ctx, r.Team, r.Channel)
	sid, ok := inPlay[n]
	if err != nil || !ok {
		return
	}
	ideas, err := a.store.Ideas(ctx, r.Team, r.Channel, []int64{n})
	if err != nil || len(ideas) == 0 || ideas[0].Status.Open() {
		a.redraw(poker.Session{Team: r.Team, Channel: r.Channel, ID: sid}, n)
		return
	}
	ps, err := a.store.Session(ctx, r.Team, r.Channel, sid)
	if err != nil {
		return
	}
	if left, err := a.store.LeaveCard(ctx, r.Team, r.Channel, sid, n); err != nil || !left {
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
	names, err := a.store.VoterNames(ctx, ps.Team, ps.Channel, ps.ID)
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
	if told, err := a.store.TellReady(ctx, ps, a.now()); err != nil {
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

// facilitate runs a decision on a session as r.User, who must run it or
// own the backlog; a refusal names the decision and who may take it.
func (a *App) facilitate(ctx context.Context, r Request, ps poker.Session, what string, change func(prio.Actor) error) error {
	err := a.manage(ctx, r, change)
	if prio.ErrorCode(err) != prio.Forbidden {
		return err
	}
	who := "a workspace admin"
	if owners, oerr := a.store.Owners(ctx, r.Team, r.Channel); oerr == nil && len(owners) > 0 {
		who = "this backlog's owners"
	}
	return prio.Errorf(prio.Forbidden, "Only %s (who runs this session) or %s can %s.", ps.FacName, who, what)
}

// reveal serves **Reveal** (facilitator or owner).
func (a *App) reveal(ctx context.Context, r Request) (*Reply, error) {
	sid, n, _, err := pokerRef(r.Value)
	if err != nil {
		return nil, err
	}
	ps, err := a.store.Session(ctx, r.Team, r.Channel, sid)
	if err != nil {
		return nil, err
	}
	err = a.facilitate(ctx, r, ps, fmt.Sprintf("reveal #%d", n), func(actor prio.Actor) error {
		return a.store.Reveal(ctx, r.Team, r.Channel, sid, n, actor, a.now())
	})
	if err != nil {
		return nil, err
	}
	a.afterReveal(ctx, ps, n)
	return nil, nil
}

// decisions name what Accept, Re-vote and Skip do, for the store and for people.
var decisions = map[string]struct{ action, verb string }{
	actAccept: {"accept", "accept"}, actRevote: {"revote", "re-vote"}, actSkip: {"skip", "skip"},
}

// decide serves **Accept**, **Re-vote** and **Skip** (facilitator or owner).
func (a *App) decide(ctx context.Context, r Request) (*Reply, error) {
	sid, n, round, err := pokerRef(r.Value)
	if err != nil {
		return nil, err
	}
	d := decisions[r.ActionID]
	ps, card, idea, fw, err := a.loadCard(ctx, r.Team, r.Channel, sid, n)
	if err != nil {
		return nil, err
	}
	if d.action == "accept" && !idea.Status.Open() {
		return nil, prio.Errorf(prio.Conflict, "#%d is %s now, so it takes no score.", n, idea.Status.Label())
	}
	results := tallies(fw, card)
	values, complete := medians(fw, results)
	if d.action == "accept" && card.State != poker.CardRevealed {
		return nil, prio.Errorf(prio.Conflict, "Voting on #%d is closed.", n)
	}
	if d.action == "accept" && !complete {
		return nil, prio.Errorf(prio.Conflict, "A criterion of #%d has no numbers yet; re-vote or skip it.", n)
	}
	err = a.facilitate(ctx, r, ps, fmt.Sprintf("%s #%d", d.verb, n), func(actor prio.Actor) error {
		_, err := a.store.Decide(ctx, r.Team, r.Channel, sid, n, round, actor, d.action)
		return err
	})
	if err != nil {
		return nil, err
	}
	if d.action == "accept" {
		facilitator := prio.Actor{ID: ps.Facilitator, Name: ps.FacName}
		if _, _, err := a.store.SetScore(ctx, r.Team, r.Channel, n, facilitator, values, ps.ID, a.now()); err != nil {
			return nil, err
		}
		_ = a.store.NoteAgreement(ctx, r.Team, r.Channel, n, string(poker.Worst(results)))
		a.kickOutbox(ctx, r.Team, r.Channel) // the source thread's line, webhook events
		a.refreshCard(r.Team, r.Channel, n)
	}
	if _, err := a.drawCard(ctx, ps, n); err != nil {
		a.log.WarnContext(ctx, "card not redrawn", "err", err)
	}
	a.homesChanged(r.Team, r.Channel) // places, or owed votes after a re-vote
	if d.action != "revote" {
		if err := a.endIfDone(ctx, ps, r.actor(), false); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// endSession serves **End session** (facilitator or owner).
func (a *App) endSession(ctx context.Context, r Request) (*Reply, error) {
	ps, err := a.clickedSession(ctx, r)
	if err != nil {
		return nil, err
	}
	return nil, a.facilitate(ctx, r, ps, "end this session", func(actor prio.Actor) error { return a.endIfDone(ctx, ps, actor, true) })
}

// endIfDone ends a session (force, or once every card is decided) and
// turns its message into the summary: each idea's result and place, and
// who took part. Every card is drawn once more, without live buttons.
func (a *App) endIfDone(ctx context.Context, ps poker.Session, actor prio.Actor, force bool) error {
	ended, err := a.store.EndSession(ctx, ps, actor, force, a.now())
	if err != nil || !ended {
		return err
	}
	if !force {
		a.kickOutbox(ctx, ps.Team, ps.Channel) // the facilitator hears it ended
	}
	ps.State = poker.SessionEnded
	a.homesChanged(ps.Team, ps.Channel)
	ideas, err := a.store.Ideas(ctx, ps.Team, ps.Channel, ps.Ideas)
	if err != nil {
		return err
	}
	var results []string
	took := map[string]bool{}
	for _, idea := range ideas {
		card, err := a.store.Card(ctx, ps, idea.Number)
		if err != nil {
			return err
		}
		for _, votes := range card.Votes {
			for voter := range votes {
				took[voter] = true
			}
		}
		for _, voter := range slices.Concat(card.Voted, card.Partial) {
			took[voter] = true
		}
		results = append(results, fmt.Sprintf("#%d %s — %s", idea.Number, esc(prio.Shorten(idea.Title, 80)), a.sessionOutcome(ctx, ps, card, idea)))
	}
	participation := fmt.Sprintf("Participation: %s voted", plural(int64(len(took)), "person"))
	if len(ps.Voters) > 0 {
		n := 0
		for _, v := range ps.Voters {
			if took[v] {
				n++
			}
		}
		participation = fmt.Sprintf("Participation: %d of %d named voters", n, len(ps.Voters))
	}
	results = append(results, participation+".")
	for _, n := range ps.Ideas {
		if _, err := a.drawCard(ctx, ps, n); err != nil {
			a.log.WarnContext(ctx, "ended card not redrawn", "session", ps.ID, "idea", n, "err", err)
		}
	}
	return a.slack.Update(ctx, ps.Channel, ps.TS, sessionMessage(ps, ideas, results))
}

// sessionOutcome is a card's result in the ended session's summary:
// "accepted, score 2.67, now 1st of 4", "skipped, left unscored", …
func (a *App) sessionOutcome(ctx context.Context, ps poker.Session, card poker.Card, idea prio.Idea) string {
	left := "left unscored"
	if idea.Scored {
		left = "keeps its score " + prio.FormatScore(idea.Score)
	}
	switch card.State {
	case poker.CardAccepted:
		out := "accepted, score " + prio.FormatScore(idea.Score)
		if _, pos, err := a.store.Where(ctx, ps.Team, ps.Channel, idea.Number); err == nil && !pos.Queue && pos.Place > 0 {
			out += fmt.Sprintf(", now %s of %d", ordinal(pos.Place), pos.Of)
		}
		return out
	case poker.CardSkipped:
		return "skipped, " + left
	case poker.CardUnscored:
		return left + ": revealed, but not decided before the end"
	case poker.CardLeft:
		return "left the session: " + idea.Status.Label()
	case poker.CardClosed:
		if voted := len(card.Voted) + len(card.Partial); voted > 0 {
			return fmt.Sprintf("closed without reveal — %d voted; %s", voted, left)
		}
		return "closed without reveal — nobody voted; " + left
	}
	return card.State
}

// clickedSession is the session a session message's button names (its
// value is the session id), looked up in the channel it was clicked in.
func (a *App) clickedSession(ctx context.Context, r Request) (poker.Session, error) {
	sid, err := strconv.ParseInt(r.Value, 10, 64)
	if err != nil {
		return poker.Session{}, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker session.")
	}
	return a.store.Session(ctx, r.Team, r.Channel, sid)
}

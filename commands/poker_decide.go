package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// facilitate runs a decision on a session as r.User, who must run it or
// own the backlog; a refusal names the decision and who may take it.
func (a *App) facilitate(ctx context.Context, r Request, ps poker.Session, what string, change func(prio.Actor) error) error {
	err := a.manage(ctx, r, change)
	if prio.ErrorCode(err) != prio.Forbidden {
		return err
	}
	who := "a workspace admin"
	if owners, oerr := a.settings.Owners(ctx, r.Team, r.Channel); oerr == nil && len(owners) > 0 {
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
	ps, err := a.poker.Session(ctx, r.Team, r.Channel, sid)
	if err != nil {
		return nil, err
	}
	err = a.facilitate(ctx, r, ps, fmt.Sprintf("reveal #%d", n), func(actor prio.Actor) error {
		return a.poker.Reveal(ctx, r.Team, r.Channel, sid, n, actor, a.now())
	})
	if err != nil {
		return nil, err
	}
	a.afterReveal(ctx, ps, n)
	return nil, nil
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
		_, err := a.poker.Decide(ctx, r.Team, r.Channel, sid, n, round, actor, d.action)
		return err
	})
	if err != nil {
		return nil, err
	}
	if d.action == "accept" {
		facilitator := prio.Actor{ID: ps.Facilitator, Name: ps.FacName}
		if _, _, err := a.ideas.SetScore(ctx, r.Team, r.Channel, n, facilitator, values, ps.ID, a.now()); err != nil {
			return nil, err
		}
		_ = a.poker.NoteAgreement(ctx, r.Team, r.Channel, n, string(poker.Worst(results)))
		a.kickOutbox(ctx, r.Team, r.Channel) // the source thread's line, webhook events
		a.refreshCard(r.Team, r.Channel, n)
		// The other revealed cards predict places in a ranking that moved.
		others, err := a.poker.RestateRevealed(ctx, ps, n)
		if err != nil {
			a.log.WarnContext(ctx, "revealed cards not restated", "session", sid, "err", err)
		}
		for _, other := range others {
			a.redraw(ps, other)
		}
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
	ended, err := a.poker.EndSession(ctx, ps, actor, force, a.now())
	if err != nil || !ended {
		return err
	}
	if !force {
		a.kickOutbox(ctx, ps.Team, ps.Channel) // the facilitator hears it ended
	}
	ps.State = poker.SessionEnded
	a.homesChanged(ps.Team, ps.Channel)
	ideas, err := a.ideas.Ideas(ctx, ps.Team, ps.Channel, ps.Ideas)
	if err != nil {
		return err
	}
	var results []string
	took := map[string]bool{}
	for _, idea := range ideas {
		card, err := a.poker.Card(ctx, ps, idea.Number)
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
		if _, pos, err := a.ideas.Where(ctx, ps.Team, ps.Channel, idea.Number); err == nil && !pos.Queue && pos.Place > 0 {
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

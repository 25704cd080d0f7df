package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// Poker's action ids. A vote button's action id names its criterion and
// value (unique in its row); every poker button's value is "sid:idea:round".
const (
	actVote    = "poker_vote:" // + criterion + ":" + label
	actReveal  = "poker_reveal"
	actAccept  = "poker_accept"
	actRevote  = "poker_revote"
	actSkip    = "poker_skip"
	actEnd     = "poker_end"    // value: sid
	actReason  = "poker_reason" // value: "sid:idea:criterion"
	viewPoker  = "poker_new"    // private_metadata: channel id
	viewReason = "poker_reason" // private_metadata: "channel:sid:idea:criterion"
)

// startPoker serves `/poker #3 #5 [with @a @b] [for 24h] [quorum 3]`.
func (a *App) startPoker(ctx context.Context, r Request) (*Reply, error) {
	if strings.TrimSpace(r.Text) == "" {
		return nil, a.openPokerForm(ctx, r)
	}
	start, err := poker.ParseStart(r.Text)
	if err != nil {
		return nil, err
	}
	return a.runSession(ctx, r, start)
}

// runSession starts a session: the session message in the channel, a card
// per idea in its thread, and a DM to each named voter.
func (a *App) runSession(ctx context.Context, r Request, start poker.Start) (*Reply, error) {
	numbers := start.Ideas
	if start.Next > 0 {
		waiting, _, err := a.store.Awaiting(ctx, r.Team, r.Channel, 0, int64(start.Next))
		if err != nil {
			return nil, err
		}
		if len(waiting) == 0 {
			return nil, prio.Errorf(prio.NotFound, "No idea in this channel's backlog is awaiting scoring.")
		}
		for _, idea := range waiting {
			numbers = append(numbers, idea.Number)
		}
	}
	ideas, err := a.store.Ideas(ctx, r.Team, r.Channel, numbers)
	if err != nil {
		return nil, err
	}
	for _, n := range numbers {
		i := slices.IndexFunc(ideas, func(idea prio.Idea) bool { return idea.Number == n })
		if i < 0 {
			return nil, notFound(n)
		}
		if !ideas[i].Status.Open() {
			return nil, prio.Errorf(prio.Conflict, "#%d is %s; only ideas in play can be scored.", n, ideas[i].Status.Label())
		}
	}
	fw, err := a.store.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	names := slices.Clone(start.Names)
	for i, id := range start.Voters {
		if names[i] == "" {
			if u, err := a.slack.User(ctx, id); err == nil {
				names[i] = u.Name
			}
		}
	}
	now := a.now()
	ps := poker.Session{Team: r.Team, Channel: r.Channel, Facilitator: r.User, FacName: r.UserName,
		Voters: start.Voters, VoterNames: names, Quorum: start.Quorum, Created: now, Ideas: numbers, State: poker.SessionOpen, Framework: fw.Name}
	if start.Deadline > 0 {
		ps.Deadline = now.Add(start.Deadline)
	}
	if ps.ID, err = a.store.StartSession(ctx, ps); err != nil {
		return nil, err
	}
	if ps.TS, err = a.slack.Post(ctx, r.Channel, sessionMessage(ps, ideas, nil)); err != nil {
		return nil, err
	}
	if err := a.store.SetSessionTS(ctx, r.Team, r.Channel, ps.ID, ps.TS); err != nil {
		return nil, err
	}
	for _, idea := range ideas {
		card := poker.Card{Idea: idea.Number, State: poker.CardVoting, Round: 1}
		m := a.cardMessage(ctx, ps, card, idea, fw, nil)
		m.ThreadTS = ps.TS
		ts, err := a.slack.Post(ctx, r.Channel, m)
		if err != nil {
			return nil, err
		}
		if err := a.store.SetPokerCardTS(ctx, r.Team, r.Channel, ps.ID, idea.Number, ts); err != nil {
			return nil, err
		}
	}
	link := a.slack.Permalink(ctx, r.Channel, ps.TS)
	var invite []string
	for _, voter := range ps.Voters {
		if voter != r.User {
			invite = append(invite, voter)
		}
	}
	a.notify("poker invitation", invite, Message{Text: fmt.Sprintf("%s asks you to vote in priority poker on %s in %s: %s",
		esc(r.UserName), refList(numbers), channelRef(r.Channel), link)})
	return ephemeral(fmt.Sprintf("Priority poker is on: %s in the thread. Reveal each card when you're ready, or let it reveal itself.", plural(int64(len(numbers)), "card"))), nil
}

func refList(numbers []int64) string {
	refs := make([]string, len(numbers))
	for i, n := range numbers {
		refs[i] = "#" + strconv.FormatInt(n, 10)
	}
	return strings.Join(refs, ", ")
}

// sessionMessage is the session's root message: what is scored, by whom,
// until when; after the end, the summary.
func sessionMessage(ps poker.Session, ideas []prio.Idea, results []string) Message {
	var b strings.Builder
	fmt.Fprintf(&b, "*Priority poker* run by %s on %s", esc(ps.FacName), plural(int64(len(ideas)), "idea"))
	if ps.State == poker.SessionEnded {
		b.WriteString(" — ended")
	}
	b.WriteString("\n")
	if results != nil {
		b.WriteString(strings.Join(results, "\n"))
	} else {
		for _, idea := range ideas {
			fmt.Fprintf(&b, "#%d %s\n", idea.Number, esc(truncate(idea.Title, 100)))
		}
	}
	var details []string
	if len(ps.Voters) > 0 {
		details = append(details, "Voters: "+esc(strings.Join(ps.VoterNames, ", ")))
	} else {
		details = append(details, "Anyone in the channel may vote")
	}
	if !ps.Deadline.IsZero() && ps.State == poker.SessionOpen {
		details = append(details, "voting closes "+date(ps.Deadline)+" "+clock(ps.Deadline))
	}
	if ps.Quorum > 0 && ps.State == poker.SessionOpen {
		details = append(details, fmt.Sprintf("cards reveal at %s", plural(int64(ps.Quorum), "vote")))
	}
	blocks := []slack.Block{section("%s", strings.TrimSuffix(b.String(), "\n")), note("%s", strings.Join(details, " · "))}
	if ps.State == poker.SessionOpen {
		blocks = append(blocks, note("Vote on each card in the thread; votes stay hidden until the card is revealed."),
			slack.NewActionBlock("session", button(actEnd, strconv.FormatInt(ps.ID, 10), "End session")))
	}
	return Message{Text: plainText(b.String()), Blocks: blocks}
}

// clock shows a time of day in each reader's zone.
func clock(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{time}|%s UTC>", t.Unix(), t.UTC().Format("15:04"))
}

// cardMessage draws a voting card: while voting, who has voted and who is
// missing, and a row of buttons per criterion; once revealed, every vote
// with the statistics, the would-be score and place, and the decisions.
func (a *App) cardMessage(ctx context.Context, ps poker.Session, card poker.Card, idea prio.Idea, fw prio.Framework, names map[string]string) Message {
	head := fmt.Sprintf("*#%d %s*", idea.Number, esc(idea.Title))
	if card.Round > 1 {
		head += fmt.Sprintf(" · round %d", card.Round)
	}
	blocks := []slack.Block{section("%s", head)}
	ref := fmt.Sprintf("%d:%d:%d", ps.ID, idea.Number, card.Round)
	name := func(u string) string {
		if n := names[u]; n != "" {
			return esc(n)
		}
		if i := slices.Index(ps.Voters, u); i >= 0 && ps.VoterNames[i] != "" {
			return esc(ps.VoterNames[i])
		}
		return "someone"
	}
	nameAll := func(users []string) string { return nameList(users, name) }
	text := plainText(head)
	switch card.State {
	case poker.CardVoting:
		status := "Nobody has voted yet"
		if len(card.Voted) > 0 {
			status = "Voted: " + nameAll(card.Voted)
		}
		if missing := ps.Missing(card); len(missing) > 0 {
			status += " · Waiting for: " + nameAll(missing)
		}
		blocks = append(blocks, note("%s", status))
		for _, c := range fw.Criteria {
			better := "lower is better"
			if c.Higher {
				better = "higher is better"
			}
			blocks = append(blocks, section("*%s* · %s", c.Name, better))
			var row []slack.BlockElement
			for _, v := range c.Scale {
				row = append(row, button(actVote+c.Key+":"+c.Label(v), ref, c.Label(v)))
			}
			row = append(row, button(actVote+c.Key+":"+poker.Unsure, ref, poker.Unsure))
			blocks = append(blocks, slack.NewActionBlock("vote-"+c.Key, row...))
		}
		blocks = append(blocks, slack.NewActionBlock("decide", button(actReveal, ref, "Reveal"), button(actSkip, ref, "Skip")))
		text += " — voting: " + status
	default:
		results := tallies(fw, card)
		for i, c := range fw.Criteria {
			r := results[i]
			line := fmt.Sprintf("*%s*: %s", c.Name, voteList(r.Votes, name))
			if r.Counted > 0 {
				line += fmt.Sprintf(" → median %s · spread %s · %s agreement", c.Label(r.Median), plural(int64(r.Spread), "step"), r.Agreement)
			} else {
				line += " → no numeric votes"
			}
			blocks = append(blocks, section("%s", line))
		}
		blocks = append(blocks, section("%s", a.outcome(ctx, ps, card, idea, fw, results)))
		if card.State == poker.CardRevealed {
			blocks = append(blocks, slack.NewActionBlock("decide",
				button(actAccept, ref, "Accept"), button(actRevote, ref, "Re-vote"), button(actSkip, ref, "Skip")))
		}
		text += " — " + card.State
	}
	return Message{Text: text, Blocks: blocks}
}

// shownNames is how many people a card names in a list before it counts
// the rest: a card must fit Slack's 3,000 characters a section whatever the crowd.
const shownNames = 30

// nameList writes "ann, bob, … and 12 more", within shownNames names and
// 1,200 characters (names are escaped, so may be long).
func nameList(users []string, name func(string) string) string {
	var b strings.Builder
	shown := 0
	for _, u := range users {
		n := name(u)
		if shown == shownNames || b.Len()+len(n) > 1200 {
			break
		}
		if shown > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
		shown++
	}
	if rest := len(users) - shown; rest > 0 {
		fmt.Fprintf(&b, " and %d more", rest)
	}
	return b.String()
}

// voteList writes each vote ("ann 8 · bob 5"), or for a crowd how many
// gave each value ("8 ×210 · 5 ×150").
func voteList(votes []poker.Vote, name func(string) string) string {
	if len(votes) <= shownNames {
		out := make([]string, len(votes))
		for i, v := range votes {
			out[i] = name(v.Voter) + " " + v.Value
		}
		if text := strings.Join(out, " · "); len(text) <= 2000 {
			return text
		}
	}
	counts := map[string]int{}
	var values []string
	for _, v := range votes {
		if counts[v.Value] == 0 {
			values = append(values, v.Value)
		}
		counts[v.Value]++
	}
	slices.SortFunc(values, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%s ×%d", v, counts[v])
	}
	return strings.Join(out, " · ")
}

// tallies computes each criterion's statistics, in framework order.
func tallies(fw prio.Framework, card poker.Card) []poker.Result {
	out := make([]poker.Result, len(fw.Criteria))
	for i, c := range fw.Criteria {
		var votes []poker.Vote
		for voter, v := range card.Votes[c.Key] {
			votes = append(votes, poker.Vote{Voter: voter, Value: v})
		}
		out[i] = poker.Tally(c, votes)
	}
	return out
}

// medians are the values Accept writes, by criterion id; ok is false when a
// criterion has no numeric vote.
func medians(fw prio.Framework, results []poker.Result) (map[string]float64, bool) {
	values := map[string]float64{}
	for i, c := range fw.Criteria {
		if results[i].Counted == 0 {
			return nil, false
		}
		values[c.ID] = results[i].Median
	}
	return values, true
}

// outcome says what the votes mean for the idea.
func (a *App) outcome(ctx context.Context, ps poker.Session, card poker.Card, idea prio.Idea, fw prio.Framework, results []poker.Result) string {
	agreement := fmt.Sprintf("Agreement: %s.", poker.Worst(results))
	switch card.State {
	case poker.CardSkipped:
		return "Skipped: #" + strconv.FormatInt(idea.Number, 10) + " keeps its current score."
	case poker.CardAccepted:
		_, pos, err := a.store.Where(ctx, ps.Team, ps.Channel, idea.Number)
		if err != nil || pos.Queue || pos.Place == 0 {
			return "Accepted."
		}
		return fmt.Sprintf("Accepted: score %s. #%d now sits %s of %d.", prio.FormatScore(idea.Score), idea.Number, ordinal(pos.Place), pos.Of)
	}
	values, ok := medians(fw, results)
	if !ok {
		return agreement + " A criterion has no numeric votes: re-vote or skip."
	}
	score, _ := fw.Score(values)
	place, of, err := a.store.WouldRank(ctx, ps.Team, ps.Channel, idea.Number, score)
	if err != nil {
		return fmt.Sprintf("%s Would score %s (%s).", agreement, prio.FormatScore(score), fw.Explain(values))
	}
	return fmt.Sprintf("%s Would score %s (%s) and sit %s of %d.", agreement, prio.FormatScore(score), fw.Explain(values), ordinal(place), of)
}

// pokerRef reads a poker button's value "sid:idea:round".
func pokerRef(value string) (sid, n int64, round int, err error) {
	parts := strings.Split(value, ":")
	if len(parts) == 3 {
		sid, err1 := strconv.ParseInt(parts[0], 10, 64)
		n, err2 := strconv.ParseInt(parts[1], 10, 64)
		round, err3 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && err3 == nil && sid > 0 && n > 0 && round > 0 {
			return sid, n, round, nil
		}
	}
	return 0, 0, 0, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker card.")
}

// loadCard reads the session, card, idea and framework a click is about.
func (a *App) loadCard(ctx context.Context, team, channel string, sid, n int64) (poker.Session, poker.Card, prio.Idea, prio.Framework, error) {
	ps, err := a.store.Session(ctx, team, channel, sid)
	if err != nil {
		return ps, poker.Card{}, prio.Idea{}, prio.Framework{}, err
	}
	if !slices.Contains(ps.Ideas, n) {
		return ps, poker.Card{}, prio.Idea{}, prio.Framework{}, prio.Errorf(prio.NotFound, "That poker card is not in this channel.")
	}
	fw, err := prio.LookupFramework(ps.Framework)
	if err != nil {
		return ps, poker.Card{}, prio.Idea{}, fw, err
	}
	card, err := a.store.Card(ctx, ps, n)
	if err != nil {
		return ps, card, prio.Idea{}, fw, err
	}
	ideas, err := a.store.Ideas(ctx, team, channel, []int64{n})
	if err != nil || len(ideas) == 0 {
		return ps, card, prio.Idea{}, fw, notFound(n)
	}
	return ps, card, ideas[0], fw, nil
}

// vote serves a vote button: one Redis round trip records it; the card is
// redrawn at most once a second.
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
	mine, revealed, err := a.store.Vote(ctx, ps, n, round, r.actor(), crit, label, r.ActionTS, keys, a.now())
	if err != nil {
		return nil, err
	}
	var parts, todo []string
	for i, c := range fw.Criteria {
		if mine[i] == "" {
			todo = append(todo, c.Name)
		} else {
			parts = append(parts, c.Name+" "+mine[i])
		}
	}
	text := fmt.Sprintf("You voted %s on #%d.", strings.Join(parts, ", "), n)
	if len(todo) > 0 {
		text += " Still to vote: " + strings.Join(todo, ", ") + "."
	}
	if revealed != "" {
		a.afterReveal(ctx, ps, n)
		return ephemeral(text + " That completed the votes: the card is revealed."), nil
	}
	a.redraw(ps, n)
	return ephemeral(text + " You can change it until the card is revealed."), nil
}

// session reads a poker session for a vote. What a vote needs of it never
// changes after the start, so it is cached; its state is checked by the
// vote's script.
func (a *App) session(ctx context.Context, team, channel string, sid int64) (poker.Session, error) {
	key := fmt.Sprintf("%s:%s:%d", team, channel, sid)
	if ps, ok := a.sessions.Load(key); ok {
		return ps.(poker.Session), nil
	}
	ps, err := a.store.Session(ctx, team, channel, sid)
	if err == nil {
		a.sessions.Store(key, ps)
	}
	return ps, err
}

// redraw updates a card after a vote, coalesced to about once a second.
func (a *App) redraw(ps poker.Session, n int64) {
	a.coalesce(fmt.Sprintf("poker card %s:%s:%d:%d", ps.Team, ps.Channel, ps.ID, n),
		func(ctx context.Context) (bool, error) {
			return a.store.ClaimRender(ctx, ps.Team, ps.Channel, ps.ID, n)
		},
		func(ctx context.Context) (int64, error) { return a.drawCard(ctx, ps, n) },
		func(ctx context.Context) (int64, error) {
			card, err := a.store.Card(ctx, ps, n)
			return card.Version, err
		})
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
// agreement is low, asks the highest and lowest voters why.
func (a *App) afterReveal(ctx context.Context, ps poker.Session, n int64) {
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
	err = a.manage(ctx, r, func(actor prio.Actor) error { return a.store.Reveal(ctx, r.Team, r.Channel, sid, n, actor, a.now()) })
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
	action := map[string]string{actAccept: "accept", actRevote: "revote", actSkip: "skip"}[r.ActionID]
	ps, card, _, fw, err := a.loadCard(ctx, r.Team, r.Channel, sid, n)
	if err != nil {
		return nil, err
	}
	results := tallies(fw, card)
	values, complete := medians(fw, results)
	if action == "accept" && card.State != poker.CardRevealed {
		return nil, prio.Errorf(prio.Conflict, "Voting on #%d is closed.", n)
	}
	if action == "accept" && !complete {
		return nil, prio.Errorf(prio.Conflict, "A criterion of #%d has no numeric votes; re-vote or skip it.", n)
	}
	err = a.manage(ctx, r, func(actor prio.Actor) error {
		_, err := a.store.Decide(ctx, r.Team, r.Channel, sid, n, round, actor, action)
		return err
	})
	if err != nil {
		return nil, err
	}
	if action == "accept" {
		facilitator := prio.Actor{ID: ps.Facilitator, Name: ps.FacName}
		if _, err := a.store.SetScore(ctx, r.Team, r.Channel, n, facilitator, values, "poker", a.now()); err != nil {
			return nil, err
		}
		_ = a.store.NoteAgreement(ctx, r.Team, r.Channel, n, string(poker.Worst(results)))
		a.refreshCard(r.Team, r.Channel, n)
		idea, pos, err := a.store.Where(ctx, r.Team, r.Channel, n)
		if err == nil && !pos.Queue && pos.Place > 0 {
			text := fmt.Sprintf("#%d %s now sits %s of %d in the backlog (score %s).", n, esc(idea.Title), ordinal(pos.Place), pos.Of, prio.FormatScore(idea.Score))
			if _, err := a.slack.Post(ctx, r.Channel, Message{Text: text, ThreadTS: ps.TS}); err != nil {
				a.log.WarnContext(ctx, "accept not announced", "err", err)
			}
		}
	}
	if _, err := a.drawCard(ctx, ps, n); err != nil {
		a.log.WarnContext(ctx, "card not redrawn", "err", err)
	}
	if action != "revote" {
		if err := a.endIfDone(ctx, ps, r.actor(), false); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// endSession serves **End session** (facilitator or owner).
func (a *App) endSession(ctx context.Context, r Request) (*Reply, error) {
	sid, err := strconv.ParseInt(r.Value, 10, 64)
	if err != nil {
		return nil, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker session.")
	}
	ps, err := a.store.Session(ctx, r.Team, r.Channel, sid)
	if err != nil {
		return nil, err
	}
	err = a.manage(ctx, r, func(actor prio.Actor) error { return a.endIfDone(ctx, ps, actor, true) })
	return nil, err
}

// endIfDone ends a session (force, or once every card is decided) and
// turns its message into the summary: each idea's result and place, and
// who took part.
func (a *App) endIfDone(ctx context.Context, ps poker.Session, actor prio.Actor, force bool) error {
	ended, err := a.store.EndSession(ctx, ps, actor, force, a.now())
	if err != nil || !ended {
		return err
	}
	ps.State = poker.SessionEnded
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
		line := fmt.Sprintf("#%d %s — %s", idea.Number, esc(truncate(idea.Title, 80)), card.State)
		if card.State == poker.CardAccepted {
			if _, pos, err := a.store.Where(ctx, ps.Team, ps.Channel, idea.Number); err == nil && !pos.Queue {
				line += fmt.Sprintf(", score %s, now %s of %d", prio.FormatScore(idea.Score), ordinal(pos.Place), pos.Of)
			}
		}
		results = append(results, line)
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
		_, _ = a.drawCard(ctx, ps, n) // skipped cards lose their buttons
	}
	return a.slack.Update(ctx, ps.Channel, ps.TS, sessionMessage(ps, ideas, results))
}

// reasonClicked opens the one-line reason form for an outlier.
func (a *App) reasonClicked(ctx context.Context, r Request) (*Reply, error) {
	parts := strings.Split(r.Value, ":")
	if len(parts) != 3 {
		return nil, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker card.")
	}
	input := slack.NewPlainTextInputBlockElement(nil, "value")
	input.MaxLength = 300
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewReason, PrivateMetadata: r.Channel + ":" + r.Value,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Why that vote?", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Post in thread", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("reason", slack.NewTextBlockObject(slack.PlainTextType, "In one line", false, false), nil, input)}},
	}
	return nil, a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitReason posts an outlier's reason in the session's thread.
func (a *App) submitReason(ctx context.Context, r Request) (*Reply, error) {
	parts := strings.Split(r.PrivateMetadata, ":")
	if len(parts) != 4 {
		return nil, prio.Errorf(prio.Invalid, "That form lost its card; nothing was posted.")
	}
	reason := strings.TrimSpace(r.Values["reason"])
	if reason == "" {
		return &Reply{ViewErrors: map[string]string{"reason": "A line, please."}}, nil
	}
	sid, err1 := strconv.ParseInt(parts[1], 10, 64)
	n, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, prio.Errorf(prio.Invalid, "That form lost its card; nothing was posted.")
	}
	ps, card, _, fw, err := a.loadCard(ctx, r.Team, parts[0], sid, n)
	if err != nil {
		return nil, err
	}
	c := fw.Criterion(parts[3])
	vote := card.Votes[c.Key][r.User]
	if c.ID == "" || vote == "" {
		return nil, prio.Errorf(prio.Forbidden, "Only someone who voted on that card can explain a vote.")
	}
	text := fmt.Sprintf("%s on #%d (%s %s): “%s”", esc(r.UserName), n, c.Name, vote, esc(reason))
	_, err = a.slack.Post(ctx, ps.Channel, Message{Text: text, ThreadTS: ps.TS})
	return nil, err
}

// RunScheduler reveals cards whose voting deadline has passed, every tick,
// until ctx ends. Any number of replicas may run it: each card is revealed
// once. Sessions due while no bot ran are revealed at the next start.
func (a *App) RunScheduler(ctx context.Context, tick time.Duration) {
	a.every(ctx, tick, "poker deadlines", func() { a.revealDue(ctx) })
}

func (a *App) revealDue(ctx context.Context) {
	due, err := a.store.DueSessions(ctx, a.now())
	if err != nil {
		a.log.WarnContext(ctx, "scheduler: due sessions", "err", err)
		return
	}
	for _, ref := range due {
		if ctx.Err() != nil {
			return
		}
		ps, err := a.store.Session(ctx, ref.Team, ref.Channel, ref.ID)
		if err != nil {
			continue
		}
		revealed, err := a.store.RevealDue(ctx, ps, a.now())
		if err != nil {
			a.log.WarnContext(ctx, "scheduler: reveal", "session", ps.ID, "err", err)
			continue
		}
		// Revealed cards are drawn and their outliers asked even if
		// shutdown begins meanwhile: no other replica would do it.
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
		for _, n := range revealed {
			a.afterReveal(work, ps, n)
		}
		cancel()
	}
}

// openPokerForm opens the form `/poker` alone shows: pick ideas, voters,
// a deadline and a quorum.
func (a *App) openPokerForm(ctx context.Context, r Request) error {
	waiting, _, err := a.store.Awaiting(ctx, r.Team, r.Channel, 0, 60)
	if err != nil {
		return err
	}
	ranked, _, err := a.store.Ranked(ctx, r.Team, r.Channel, 0, 40)
	if err != nil {
		return err
	}
	var options []*slack.OptionBlockObject
	for _, idea := range append(waiting, ranked...) {
		label := truncate(fmt.Sprintf("#%d %s", idea.Number, idea.Title), 75)
		options = append(options, slack.NewOptionBlockObject(strconv.FormatInt(idea.Number, 10), slack.NewTextBlockObject(slack.PlainTextType, label, false, false), nil))
	}
	if len(options) == 0 {
		return prio.Errorf(prio.NotFound, "This channel's backlog has no ideas in play to score. Add some with `/idea`.")
	}
	pick := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "value", options...)
	maxIdeas := poker.MaxIdeas
	pick.MaxSelectedItems = &maxIdeas
	voters := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "value")
	deadlines := []*slack.OptionBlockObject{}
	for _, d := range []string{"30m", "1h", "4h", "24h", "3d", "7d"} {
		deadlines = append(deadlines, slack.NewOptionBlockObject(d, slack.NewTextBlockObject(slack.PlainTextType, d, false, false), nil))
	}
	deadline := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", deadlines...)
	quorum := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "e.g. 3", false, false), "value")
	input := func(id, label string, el slack.BlockElement, optional bool) *slack.InputBlock {
		b := slack.NewInputBlock(id, slack.NewTextBlockObject(slack.PlainTextType, label, false, false), nil, el)
		b.Optional = optional
		return b
	}
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewPoker, PrivateMetadata: r.Channel,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Priority poker", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Start", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			input("ideas", "Ideas to score", pick, false),
			input("voters", "Voters (empty: anyone in the channel)", voters, true),
			input("deadline", "Voting closes after", deadline, true),
			input("quorum", "Reveal once this many have voted", quorum, true),
		}},
	}
	return a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitPokerForm starts the session the form describes.
func (a *App) submitPokerForm(ctx context.Context, r Request) (*Reply, error) {
	words := []string{}
	for _, n := range strings.Split(r.Values["ideas"], ",") {
		if n != "" {
			words = append(words, "#"+n)
		}
	}
	if v := r.Values["voters"]; v != "" {
		words = append(words, "with")
		for _, u := range strings.Split(v, ",") {
			words = append(words, "<@"+u+">")
		}
	}
	if d := r.Values["deadline"]; d != "" {
		words = append(words, "for", d)
	}
	if q := strings.TrimSpace(r.Values["quorum"]); q != "" {
		words = append(words, "quorum", q)
	}
	start, err := poker.ParseStart(strings.Join(words, " "))
	if err != nil {
		return &Reply{ViewErrors: map[string]string{"ideas": prio.ErrorMessage(err)}}, nil
	}
	r.Channel = r.PrivateMetadata
	reply, err := a.runSession(ctx, r, start)
	if err != nil {
		return &Reply{ViewErrors: map[string]string{"ideas": prio.ErrorMessage(err)}}, nil
	}
	if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, reply.Message); err != nil {
		a.log.WarnContext(ctx, "poker start not confirmed", "err", err)
	}
	return nil, nil
}

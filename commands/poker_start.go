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

// PokerStore keeps priority poker: sessions, cards, hidden votes and decisions. store.Store implements it.
type PokerStore interface {
	StartSession(ctx context.Context, ps poker.Session) (sid int64, started []int64, taken map[int64]int64, err error)
	InPlay(ctx context.Context, team, channel string) (map[int64]int64, error)
	LeaveCard(ctx context.Context, team, channel string, sid, n int64) (bool, error)
	SetSessionTS(ctx context.Context, team, channel string, sid int64, ts string) error
	SetPokerCardTS(ctx context.Context, team, channel string, sid, n int64, ts string) error
	Session(ctx context.Context, team, channel string, sid int64) (poker.Session, error)
	Card(ctx context.Context, ps poker.Session, n int64) (poker.Card, error)
	Vote(ctx context.Context, ps poker.Session, n int64, round int, voter prio.Actor, criterion, vote, actionTS, responseURL string, criteria []string, now time.Time) (poker.Voted, error)
	ReceiptSent(ctx context.Context, ps poker.Session, n int64, voter string, sent int64, criteria []string, now time.Time) (poker.Receipt, bool, error)
	VoterNames(ctx context.Context, team, channel string, sid int64) (map[string]string, error)
	Reveal(ctx context.Context, team, channel string, sid, n int64, actor prio.Actor, now time.Time) error
	Decide(ctx context.Context, team, channel string, sid, n int64, round int, actor prio.Actor, action string) (int, error)
	EndSession(ctx context.Context, ps poker.Session, actor prio.Actor, force bool, now time.Time) (bool, error)
	DueSessions(ctx context.Context, now time.Time) ([]poker.Ref, error)
	RevealDue(ctx context.Context, ps poker.Session, now time.Time) ([]int64, error)
	OpenSessions(ctx context.Context, team string, limit int64) ([]poker.Ref, error)
	ClaimRender(ctx context.Context, team, channel string, sid, n int64) (bool, error)
	NoteAgreement(ctx context.Context, team, channel string, n int64, agreement string) error
	Rounds(ctx context.Context, ps poker.Session, n int64) ([]map[string]map[string]string, error)
	RestateRevealed(ctx context.Context, ps poker.Session, n int64) ([]int64, error)
}

// startPoker serves `/poker #3 #5 [with @a @b] [for 24h] [quorum 3]`.
func (a *App) startPoker(ctx context.Context, r Request) (*Reply, error) {
	if strings.TrimSpace(r.Text) == "" {
		return nil, a.openPokerForm(ctx, r, nil)
	}
	start, err := poker.ParseStart(r.Text)
	if err != nil {
		return nil, err
	}
	return a.runSession(ctx, r, start)
}

// runSession starts a session: the session message in the channel, a card
// per idea in its thread, and a DM to each named voter. An idea already on
// an open card stays there: the starter is shown that card instead.
func (a *App) runSession(ctx context.Context, r Request, start poker.Start) (*Reply, error) {
	numbers, err := a.sessionIdeas(ctx, r, start)
	if err != nil {
		return nil, err
	}
	ideas, err := a.ideas.Ideas(ctx, r.Team, r.Channel, numbers)
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
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
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
		Voters: start.Voters, VoterNames: names, Quorum: start.Quorum, NoRemind: start.NoRemind, Created: now, Ideas: numbers, State: poker.SessionOpen, Framework: fw.Name}
	if fw.IsCustom() {
		ps.FrameworkDef = fw.Definition()
	}
	if start.Deadline > 0 {
		ps.Deadline = now.Add(start.Deadline)
	}
	sid, started, taken, err := a.poker.StartSession(ctx, ps)
	if err != nil {
		return nil, err
	}
	elsewhere := a.openCards(ctx, ps, taken)
	if len(started) == 0 {
		return ephemeral(fmt.Sprintf("Nothing started: %s %s on an open card already (%s). Decide there, or end that session first.",
			refList(sortedKeys(taken)), isAre(len(taken)), elsewhere)), nil
	}
	ps.ID, ps.Ideas = sid, started
	ideas = slices.DeleteFunc(ideas, func(idea prio.Idea) bool { return !slices.Contains(started, idea.Number) })
	if ps.TS, err = a.slack.Post(ctx, r.Channel, sessionMessage(ps, ideas, nil)); err != nil {
		return nil, err
	}
	if err := a.poker.SetSessionTS(ctx, r.Team, r.Channel, ps.ID, ps.TS); err != nil {
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
		if err := a.poker.SetPokerCardTS(ctx, r.Team, r.Channel, ps.ID, idea.Number, ts); err != nil {
			return nil, err
		}
	}
	if len(ps.Voters) > 0 {
		a.kickOutbox(ctx, r.Team, r.Channel) // the invitations the start wrote
	}
	a.votersOwe(r.Team, r.Channel, ps.Voters)
	text := fmt.Sprintf("Priority poker is on: %s in the thread. Reveal each card when you're ready, or let it reveal itself.", plural(int64(len(started)), "card"))
	if len(taken) > 0 {
		text = fmt.Sprintf("Priority poker is on for %s: %s in the thread. %s %s on an open card already (%s), so %s left out of this session.",
			refList(started), plural(int64(len(started)), "card"), refList(sortedKeys(taken)), isAre(len(taken)), elsewhere, itThey(len(taken)))
	}
	return ephemeral(text), nil
}

// votersOwe publishes again the Homes that a new session adds owed votes
// to: its named voters' who look at theirs, or with no names, the
// channel's Home viewers.
func (a *App) votersOwe(team, channel string, voters []string) {
	if len(voters) == 0 {
		a.homesChanged(team, channel)
		return
	}
	a.background("homes of voters", func() {
		ctx, cancel := context.WithTimeout(context.Background(), itemTimeout)
		defer cancel()
		for _, u := range voters {
			if looks, err := a.homes.HomeViewer(ctx, team, u, a.now()); err == nil && looks {
				a.refreshHome(team, u)
			}
		}
	})
}

// sessionIdeas are the ideas a start names, or for `next N` the oldest N
// awaiting scoring that no open card holds.
func (a *App) sessionIdeas(ctx context.Context, r Request, start poker.Start) ([]int64, error) {
	if start.Next == 0 {
		return start.Ideas, nil
	}
	inPlay, err := a.poker.InPlay(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	waiting, _, err := a.ideas.Awaiting(ctx, r.Team, r.Channel, 0, int64(start.Next+len(inPlay)))
	if err != nil {
		return nil, err
	}
	var numbers []int64
	for _, idea := range waiting {
		if _, busy := inPlay[idea.Number]; !busy && len(numbers) < start.Next {
			numbers = append(numbers, idea.Number)
		}
	}
	if len(numbers) == 0 && len(waiting) > 0 {
		return nil, prio.Errorf(prio.Conflict, "Every idea awaiting scoring in this channel's backlog is on an open poker card already.")
	}
	if len(numbers) == 0 {
		return nil, prio.Errorf(prio.NotFound, "No idea in this channel's backlog is awaiting scoring.")
	}
	return numbers, nil
}

// openCards links each taken idea to the open card that holds it: "#1, #4".
func (a *App) openCards(ctx context.Context, ps poker.Session, taken map[int64]int64) string {
	var links []string
	for _, n := range sortedKeys(taken) {
		ref := "#" + strconv.FormatInt(n, 10)
		holder := ps
		holder.ID = taken[n]
		if card, err := a.poker.Card(ctx, holder, n); err == nil && card.TS != "" {
			if link := a.slack.Permalink(ctx, ps.Channel, card.TS); link != "" {
				ref = "<" + link + "|" + ref + "'s card>"
			}
		}
		links = append(links, ref)
	}
	return strings.Join(links, ", ")
}

func sortedKeys(m map[int64]int64) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func itThey(n int) string {
	if n == 1 {
		return "it is"
	}
	return "they are"
}

// refList writes "#3", "#3 and #5", "#3, #5 and #8".
func refList(numbers []int64) string {
	refs := make([]string, len(numbers))
	for i, n := range numbers {
		refs[i] = "#" + strconv.FormatInt(n, 10)
	}
	if len(refs) < 2 {
		return strings.Join(refs, "")
	}
	return strings.Join(refs[:len(refs)-1], ", ") + " and " + refs[len(refs)-1]
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
			fmt.Fprintf(&b, "#%d %s\n", idea.Number, esc(prio.Shorten(idea.Title, 100)))
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
		sid := strconv.FormatInt(ps.ID, 10)
		buttons := []slack.BlockElement{button(actEnd, sid, "End session")}
		if len(ps.Voters) > 0 { // open to anyone: no one to nudge
			buttons = []slack.BlockElement{button(actNudge, sid, "Nudge"), buttons[0]}
		}
		blocks = append(blocks, note("Vote on each card in the thread; votes stay hidden until the card is revealed."),
			slack.NewActionBlock("session", buttons...))
	}
	return Message{Text: plainText(b.String()), Blocks: blocks}
}

// clock shows a time of day in each reader's zone.
func clock(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{time}|%s UTC>", t.Unix(), t.UTC().Format("15:04"))
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
	ps, err := a.poker.Session(ctx, team, channel, sid)
	if err != nil {
		return ps, poker.Card{}, prio.Idea{}, prio.Framework{}, err
	}
	if !slices.Contains(ps.Ideas, n) {
		return ps, poker.Card{}, prio.Idea{}, prio.Framework{}, prio.Errorf(prio.NotFound, "That poker card is not in this channel.")
	}
	fw, err := ps.Scoring()
	if err != nil {
		return ps, poker.Card{}, prio.Idea{}, fw, err
	}
	card, err := a.poker.Card(ctx, ps, n)
	if err != nil {
		return ps, card, prio.Idea{}, fw, err
	}
	ideas, err := a.ideas.Ideas(ctx, team, channel, []int64{n})
	if err != nil || len(ideas) == 0 {
		return ps, card, prio.Idea{}, fw, notFound(n)
	}
	return ps, card, ideas[0], fw, nil
}

// session reads a poker session for a vote. What a vote needs of it never
// changes after the start, so it is cached; its state is checked by the
// vote's script.
func (a *App) session(ctx context.Context, team, channel string, sid int64) (poker.Session, error) {
	key := fmt.Sprintf("%s:%s:%d", team, channel, sid)
	if ps, ok := a.sessions.Load(key); ok {
		return ps.(poker.Session), nil
	}
	ps, err := a.poker.Session(ctx, team, channel, sid)
	if err == nil {
		a.sessions.Store(key, ps)
	}
	return ps, err
}

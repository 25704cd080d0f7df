package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
)

// pokerTable is a channel with a backlog and people to vote.
type pokerTable struct {
	*harness
	carl, dan string
}

func newPokerTable(t testing.TB, ideas ...string) *pokerTable {
	h := newHarness(t, slackemu.Options{})
	p := &pokerTable{harness: h, carl: h.emu.AddUser("carl", slackemu.UserOptions{}), dan: h.emu.AddUser("dan", slackemu.UserOptions{})}
	for _, title := range ideas {
		h.idea(h.ann, h.product, title)
	}
	return p
}

// crowd adds n people, named v0, v1… (zero-padded to n's width).
func (p *pokerTable) crowd(n int) []string {
	width := len(strconv.Itoa(n - 1))
	people := make([]string, n)
	for i := range people {
		people[i] = p.emu.AddUser(fmt.Sprintf("v%0*d", width, i), slackemu.UserOptions{})
	}
	return people
}

func mention(id, name string) string { return "<@" + id + "|" + name + ">" }

// start runs /poker as ann and returns the session message.
func (p *pokerTable) begin(args string) slackemu.Message {
	p.t.Helper()
	p.slash(p.ann, p.product, "/poker", args)
	p.ephemeral(p.ann, p.product, "Priority poker is on")
	return p.message(p.product, "Priority poker run by ann")
}

// card waits for the voting card of idea #n in the session's thread, with parts.
func (p *pokerTable) card(session slackemu.Message, n int, parts ...string) slackemu.Message {
	p.t.Helper()
	parts = append([]string{fmt.Sprintf("#%d ", n)}, parts...)
	return p.waitMessage(func() []slackemu.Message { return p.emu.Thread(p.product, session.TS) }, parts)
}

// vote clicks value under a criterion's row on a card as user and waits for
// the private receipt of this vote.
func (p *pokerTable) vote(user string, card slackemu.Message, criterion, value string) {
	p.t.Helper()
	before := len(p.emu.Ephemerals(user, p.product))
	if err := p.emu.ClickRow(p.t.Context(), user, card, criterion, value); err != nil {
		p.t.Fatalf("vote %s %s: %v", criterion, value, err)
	}
	if err := p.emu.Wait(p.t.Context(), func() bool { return len(p.emu.Ephemerals(user, p.product)) > before }); err != nil {
		p.t.Fatalf("no receipt for a vote %s %s", criterion, value)
	}
}

func TestPokerFullSession(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	session := p.begin(fmt.Sprintf("#1 #2 with %s %s %s", mention(p.bob, "bob"), mention(p.carl, "carl"), mention(p.dan, "dan")))
	if !session.Contains("#1 Dark mode", "#2 Export", "Voters: bob, carl, dan") || len(session.Mentions) != 0 {
		t.Errorf("session message %q pings %v", session.Text, session.Mentions)
	}
	for _, u := range []string{p.bob, p.carl, p.dan} {
		p.dm(u, "ann asks you to vote in priority poker on #1 and #2 in #product. Open the session to vote.")
		if dms := p.emu.DMs(u); len(dms) != 1 {
			t.Errorf("named voter got DMs %v, want one invitation", dms)
		}
	}
	card := p.card(session, 1, "Nobody has voted yet", "Waiting for: bob, carl, dan")
	if !strings.Contains(strings.Join(card.Buttons, " "), "1 2 3 5 8 13 ? 1 2 3 5 8 13 ? Reveal Skip") {
		t.Errorf("card buttons = %v", card.Buttons)
	}
	p.vote(p.bob, card, "Value", "13")
	p.vote(p.bob, card, "Value", "8") // changed before reveal: the last click counts
	p.vote(p.bob, card, "Effort", "3")
	p.ephemeral(p.bob, p.product, "You voted Value 8, Effort 3 on #1.")
	p.vote(p.carl, card, "Value", "8")
	p.vote(p.carl, card, "Effort", "2")
	p.card(session, 1, "Voted: bob, carl", "Waiting for: dan")
	for _, m := range p.emu.All() { // hidden means hidden: no vote shows anywhere yet
		if m.For != p.bob && m.For != p.carl && (strings.Contains(m.Text, "Value 8") || strings.Contains(m.Text, "bob 8") || strings.Contains(m.Text, "median")) {
			t.Errorf("a vote shows before reveal in %q (for %q)", m.Text, m.For)
		}
	}
	p.vote(p.dan, card, "Value", "5")
	p.vote(p.dan, card, "Effort", "3")
	p.ephemeral(p.dan, p.product, "You voted Value 5, Effort 3 on #1. The card was revealed when all 3 named voters had voted.")
	revealed := p.card(session, 1, "Value: bob 8 · carl 8 · dan 5 → median 8 · spread 1 step · high agreement",
		"Effort: bob 3 · carl 2 · dan 3 → median 3", "Revealed when all 3 named voters had voted.", "Would score 2.67 (value 8 ÷ effort 3) and sit 1st of 1.")
	if err := p.emu.ClickRow(t.Context(), p.bob, revealed, "", "Accept"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.bob, p.product, "Only ann (who runs this session) or a workspace admin can accept #1.")
	p.click(p.ann, revealed, "Accept")
	accepted := p.card(session, 1, "Accepted: score 2.67 (value 8 ÷ effort 3). #1 now sits 1st of 1.")
	if len(accepted.Buttons) != 0 {
		t.Errorf("an accepted card still has buttons %v", accepted.Buttons)
	}
	p.slash(p.carl, p.product, "/backlog", "#1")
	p.ephemeral(p.carl, p.product, "#1 Dark mode sits 1st of 1", "score 2.67 (value 8 ÷ effort 3), scored on", "in priority poker")

	card2 := p.card(session, 2, "Nobody has voted yet")
	p.click(p.ann, card2, "Skip")
	summary := p.message(p.product, "Priority poker run by ann on 2 ideas — ended", "#1 Dark mode — accepted, score 2.67, now 1st of 1",
		"#2 Export — skipped, left unscored", "Participation: 3 of 3 named voters.")
	// The card says where the idea went; nothing else in the thread repeats it.
	if thread := p.emu.Thread(p.product, session.TS); len(thread) != 2 {
		t.Errorf("the thread has %d messages, want the 2 cards:\n%v", len(thread), thread)
	}
	p.card(session, 2, "Skipped: #2 is left unscored.")
	if len(summary.Buttons) != 0 {
		t.Errorf("an ended session still has buttons %v", summary.Buttons)
	}
	p.vote2Closed(card2)
}

// vote2Closed checks a click on a decided card is refused privately.
func (p *pokerTable) vote2Closed(card slackemu.Message) {
	p.t.Helper()
	if err := p.emu.ClickForged(p.t.Context(), p.bob, card, "poker_vote:value:8", "1:2:1"); err != nil {
		p.t.Fatal(err)
	}
	p.ephemeral(p.bob, p.product, "Voting on #2 is closed.")
}

func TestPokerQuorumRevealsAndRevoteStartsARound(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1 quorum 2")
	card := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.bob, card, "Value", "1")
	p.vote(p.bob, card, "Effort", "1")
	p.vote(p.carl, card, "Value", "13")
	p.vote(p.carl, card, "Effort", "1")
	revealed := p.card(session, 1, "Value: bob 1 · carl 13", "low agreement")
	// Low agreement: the highest and lowest voters are asked why.
	ask := p.ephemeral(p.carl, p.product, "Your Value vote (13) on #1 was the highest")
	p.ephemeral(p.bob, p.product, "Your Value vote (1) on #1 was the lowest")
	p.click(p.carl, ask, "Give a reason")
	if err := p.emu.Wait(t.Context(), func() bool { _, ok := p.emu.Modal(p.carl); return ok }); err != nil {
		t.Fatal("no reason form")
	}
	if _, err := p.emu.Submit(t.Context(), p.carl, map[string]string{"reason": "Every <!channel> customer asks for it"}); err != nil {
		t.Fatal(err)
	}
	reason := p.card(session, 1, "carl on #1 (Value 13): “Every <!channel> customer asks for it”")
	if len(reason.Mentions) != 0 {
		t.Errorf("a reason pinged %v", reason.Mentions)
	}

	p.click(p.ann, revealed, "Re-vote")
	round2 := p.card(session, 1, "round 2", "Nobody has voted yet")
	p.vote(p.bob, round2, "Value", "5")
	// The previous round's buttons no longer count.
	if err := p.emu.ClickForged(t.Context(), p.dan, round2, "poker_vote:value:8", "1:1:1"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.dan, p.product, "That button is from an earlier round of #1")
}

func TestPokerDeadlineRevealsOnce(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1 for 30m")
	if !session.Contains("voting closes") {
		t.Errorf("session message lacks the deadline: %q", session.Text)
	}
	card := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "2")
	// The deadline passes while no bot runs; the next one to start reveals.
	p.shutdown()
	p.clock.Advance(31 * time.Minute)
	p.start()
	p.card(session, 1, "Value: bob 8", "Would score 4")
	if err := p.emu.ClickRow(t.Context(), p.carl, card, "Value", "5"); err == nil {
		t.Fatal("the revealed card still has vote buttons")
	}
	if err := p.emu.ClickForged(t.Context(), p.carl, card, "poker_vote:value:5", "1:1:1"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.carl, p.product, "Voting on #1 is closed.")
}

func TestPokerRefusesWhatItShouldNotTrust(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1 with " + mention(p.bob, "bob"))
	card := p.card(session, 1, "Waiting for: bob")
	tests := []struct {
		user, action, value, answer string
	}{
		{p.carl, "poker_vote:value:8", "1:1:1", "you aren't one of them"},                 // not a named voter
		{p.bob, "poker_vote:value:7", "1:1:1", "That is not a vote on this card's scale"}, // off the scale
		{p.bob, "poker_vote:reach:8", "1:1:1", "That is not a vote on this card's scale"}, // not a criterion
		{p.bob, "poker_vote:value:8", "99:1:1", "That poker session is not in this channel"},
		{p.bob, "poker_vote:value:8", "1:7:1", "That is not a vote on this card's scale"}, // not a card of the session
		{p.bob, "poker_vote:value:8", "garbage", "That button doesn't belong to a poker card"},
		{p.carl, "poker_reveal", "1:1:1", "Only ann (who runs this session) or this backlog's owners can reveal #1."},
		{p.bob, "poker_end", "1", "Only ann (who runs this session) or this backlog's owners can end this session."},
		{p.bob, "poker_skip", "1:1:1", "Only ann (who runs this session) or this backlog's owners can skip #1."},
	}
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	for _, tt := range tests {
		if err := p.emu.ClickForged(t.Context(), tt.user, card, tt.action, tt.value); err != nil {
			t.Fatal(err)
		}
		p.ephemeral(tt.user, p.product, tt.answer)
	}
	// The same click in another channel finds no session there.
	other := p.idea(p.ann, p.design, "Elsewhere")
	if err := p.emu.ClickForged(t.Context(), p.bob, other, "poker_vote:value:8", "1:1:1"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.bob, p.design, "That poker session is not in this channel")
	p.card(session, 1, "Nobody has voted yet", "Waiting for: bob") // nothing changed
}

func TestPokerBurstOf50Voters(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1")
	card := p.card(session, 1, "Nobody has voted yet")
	voters := p.crowd(50)
	var wg sync.WaitGroup
	for i, v := range voters {
		wg.Go(func() {
			// Each changes their mind once: the last click per criterion counts.
			for _, click := range [][2]string{{"Value", "2"}, {"Value", []string{"5", "8"}[i%2]}, {"Effort", "3"}} {
				if err := p.emu.ClickRow(t.Context(), v, card, click[0], click[1]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	// Thirty names and the count of the rest: 50 voted.
	if err := p.emu.Wait(t.Context(), func() bool {
		m, ok := slackemu.Last(p.emu.Thread(p.product, session.TS), "#1 ")
		return ok && m.Contains("Voted: v00, v01", "v29 and 20 more")
	}); err != nil {
		m, _ := slackemu.Last(p.emu.Thread(p.product, session.TS), "#1 ")
		t.Fatalf("the card never showed all 50 voters:\n%s", m.Text)
	}
	p.click(p.ann, card, "Reveal")
	// A crowd's votes show as counts per value; each voter's last click counted.
	p.card(session, 1, "Value: 5 ×25 · 8 ×25 → median", "Effort: 3 ×50 → median 3")
	if updates := p.updates(card); updates > 10 {
		t.Errorf("%d chat.update calls for one card in a burst of 150 clicks; updates should coalesce to about one a second", updates)
	}
	if got := p.emu.Timeouts(); len(got) != 0 {
		t.Errorf("%d clicks were not acked in time", len(got))
	}
}

func TestPokerPendingVotesOnAppHome(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1 with " + mention(p.bob, "bob"))
	p.card(session, 1, "Waiting for: bob")
	if err := p.emu.OpenHome(t.Context(), p.bob); err != nil {
		t.Fatal(err)
	}
	if err := p.emu.Wait(t.Context(), func() bool { h, ok := p.emu.Home(p.bob); return ok && strings.Contains(h.Text, "Votes you owe") }); err != nil {
		h, _ := p.emu.Home(p.bob)
		t.Fatalf("home lacks pending votes:\n%s", h.Text)
	}
	home, _ := p.emu.Home(p.bob)
	if !strings.Contains(home.Text, "#1 Dark mode in #product") {
		t.Errorf("home:\n%s", home.Text)
	}
}

func TestPokerForm(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export", "Search")
	p.slash(p.ann, p.product, "/poker", "")
	if err := p.emu.Wait(t.Context(), func() bool { _, ok := p.emu.Modal(p.ann); return ok }); err != nil {
		t.Fatal("/poker alone opened no form")
	}
	form, _ := p.emu.Modal(p.ann)
	if form.Title != "Priority poker" {
		t.Errorf("form = %+v", form)
	}
	errs, err := p.emu.Submit(t.Context(), p.ann, map[string]string{"ideas": "1,3", "voters": p.bob + "," + p.carl, "deadline": "1h", "quorum": "5"})
	if err != nil || !strings.Contains(errs["ideas"], "A quorum of 5 can't be reached by 2 voters") {
		t.Fatalf("bad quorum: %v %v", errs, err)
	}
	if errs, err := p.emu.Submit(t.Context(), p.ann, map[string]string{"ideas": "1,3", "voters": p.bob + "," + p.carl, "deadline": "1h"}); err != nil || errs != nil {
		t.Fatalf("submit: %v %v", errs, err)
	}
	session := p.message(p.product, "Priority poker run by ann on 2 ideas", "#1 Dark mode", "#3 Search", "Voters: bob, carl", "voting closes")
	p.card(session, 3, "Waiting for: bob, carl")
}

func TestPokerCardRedrawSurvivesRateLimits(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1 with " + mention(p.bob, "bob") + " " + mention(p.carl, "carl"))
	card := p.card(session, 1, "Waiting for: bob, carl")
	p.emu.RateLimit("chat.update", 2, time.Second)
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")
	p.card(session, 1, "Voted: bob · Waiting for: carl") // delayed by the 429s, not lost
	if n := p.emu.TooEarly(); n != 0 {
		t.Errorf("%d chat.update calls ignored Retry-After", n)
	}
}

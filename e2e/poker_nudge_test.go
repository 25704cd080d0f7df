package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/slackemu"
)

// Nudge DMs exactly the named voters who still owe votes, listing their
// cards and no one's votes; once an hour at most; only for whoever runs
// the session or the owners. A session open to anyone has no Nudge.
func TestNudgeReachesWhoOwesVotes(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	session := p.begin(fmt.Sprintf("#1 #2 with %s %s %s", mention(p.bob, "bob"), mention(p.carl, "carl"), mention(p.dan, "dan")))
	if !strings.Contains(strings.Join(session.Buttons, " "), "Nudge End session") {
		t.Errorf("session buttons %v", session.Buttons)
	}
	one, two := p.card(session, 1, "Nobody has voted yet"), p.card(session, 2, "Nobody has voted yet")
	for _, card := range []slackemu.Message{one, two} { // bob has voted on everything
		p.vote(p.bob, card, "Value", "8")
		p.vote(p.bob, card, "Effort", "3")
	}
	p.vote(p.carl, one, "Value", "13") // half done: still owes

	invited := len(p.emu.DMs(p.carl))
	p.click(p.bob, session, "Nudge")
	p.ephemeral(p.bob, p.product, "Only ann (who runs this session) or a workspace admin can nudge its voters.")
	p.click(p.ann, session, "Nudge")
	p.ephemeral(p.ann, p.product, "Nudged by direct message, with the cards still missing their votes: carl and dan.")
	for _, u := range []string{p.carl, p.dan} {
		m := p.dm(u, "In #product, ann reminds you of priority poker: your votes are still missing on #1 Dark mode and #2 Export.")
		if strings.Contains(m.Text, "13") || strings.Contains(m.Text, "8") {
			t.Errorf("a nudge shows votes: %q", m.Text)
		}
	}
	if n := p.told(p.bob, "reminds you"); n != 0 {
		t.Errorf("bob, who voted on every card, was nudged %d times", n)
	}

	// Within the hour: no second nudge.
	p.click(p.ann, session, "Nudge")
	p.ephemeral(p.ann, p.product, "This session's voters were nudged less than an hour ago; the next nudge is possible")
	p.clock.Advance(time.Hour)
	p.vote(p.dan, one, "Value", "5")
	p.vote(p.dan, one, "Effort", "5")
	p.click(p.ann, session, "Nudge")
	p.ephemeral(p.ann, p.product, "Nudged by direct message, with the cards still missing their votes: carl and dan.")
	p.dm(p.dan, "your votes are still missing on #2 Export.")
	if got := len(p.emu.DMs(p.carl)) - invited; got != 2 {
		t.Errorf("carl got %d nudges, want 2", got)
	}

	p.slash(p.ann, p.product, "/poker", "nudge")
	p.ephemeral(p.ann, p.product, "This session's voters were nudged less than an hour ago")

	// Open to anyone: no one to nudge, no button, and the command says why.
	open := newPokerTable(t, "Dark mode")
	s := open.begin("#1")
	if strings.Contains(strings.Join(s.Buttons, " "), "Nudge") {
		t.Errorf("a session open to anyone offers Nudge: %v", s.Buttons)
	}
	open.slash(open.ann, open.product, "/poker", "nudge")
	open.ephemeral(open.ann, open.product, "This session is open to anyone in the channel, so there is no one to nudge. Name the voters when you start one: /poker #3 with @a @b.")
}

// The facilitator hears once when every card is revealed, and once when
// the session ends on its own (an owner decided the last card).
func TestFacilitatorIsTold(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.dan, "dan"))
	session := p.begin(fmt.Sprintf("#1 #2 with %s %s", mention(p.bob, "bob"), mention(p.carl, "carl")))
	cards := []slackemu.Message{p.card(session, 1, "Nobody has voted yet"), p.card(session, 2, "Nobody has voted yet")}
	for i, card := range cards {
		for _, u := range []string{p.bob, p.carl} {
			p.vote(u, card, "Value", "8")
			p.vote(u, card, "Effort", "3")
		}
		if i == 0 && p.told(p.ann, "is revealed") != 0 {
			t.Error("ann was told before every card was revealed")
		}
	}
	p.dm(p.ann, "In #product, every card of your priority poker session is revealed: #1 and #2 wait for your decision (accept, re-vote or skip). Open the session.")
	p.click(p.dan, p.card(session, 1, "Would score"), "Accept")
	p.click(p.dan, p.card(session, 2, "Would score"), "Skip")
	p.dm(p.ann, "In #product, your priority poker session on #1 and #2 has ended: every card is decided. See the results.")
	for _, text := range []string{"is revealed", "has ended"} {
		if n := p.told(p.ann, text); n != 1 {
			t.Errorf("ann was told %q %d times", text, n)
		}
	}
	for _, m := range p.emu.DMs(p.ann) {
		if strings.Contains(m.Text, " 8") || strings.Contains(m.Text, "median") {
			t.Errorf("a DM to the facilitator shows votes: %q", m.Text)
		}
	}
}

// Reminders go out three quarters into the voting time, inside each
// voter's working hours (their zone from users.info): in Berlin the next
// 09:00, in Los Angeles at once (its 09:00 comes after the deadline).
// Two replicas send each once; whoever has voted gets none.
func TestRemindersInTwoZones(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	la, _ := time.LoadLocation("America/Los_Angeles")
	mia := p.emu.AddUser("mia", slackemu.UserOptions{TZ: "Europe/Berlin"})
	lena := p.emu.AddUser("lena", slackemu.UserOptions{TZ: "America/Los_Angeles"})
	now := p.clock.Now().In(berlin)
	ten := time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, berlin)
	if !ten.After(now) {
		ten = ten.AddDate(0, 0, 1)
	}
	p.clock.Advance(ten.Sub(now)) // a session started at 10:00 in Berlin
	p.startReplica()
	session := p.begin(fmt.Sprintf("#1 with %s %s %s for 24h", mention(mia, "mia"), mention(lena, "lena"), mention(p.dan, "dan")))
	card := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.dan, card, "Value", "5")
	p.vote(p.dan, card, "Effort", "2")
	start, deadline := p.clock.Now(), p.clock.Now().Add(24*time.Hour)
	forLena, forMia := poker.RemindAt(start, deadline, la), poker.RemindAt(start, deadline, berlin)
	if forLena.After(forMia) || forMia.In(berlin).Hour() != 9 {
		t.Fatalf("the plan: lena %v, mia %v", forLena, forMia)
	}
	reminder := "In #product, a reminder from priority poker: your votes are still missing on #1 Dark mode."

	p.clock.Advance(forLena.Sub(p.clock.Now()) + time.Second)
	p.dm(lena, reminder)
	if n := p.told(mia, "a reminder"); n != 0 {
		t.Errorf("mia was reminded at 04:00 her time")
	}
	p.delivered(p.ann, p.product)
	p.clock.Advance(forMia.Sub(p.clock.Now()) + time.Second)
	p.dm(mia, reminder)
	p.shutdown()
	for _, c := range []struct {
		who  string
		want int
	}{{lena, 1}, {mia, 1}, {p.dan, 0}} {
		if n := p.told(c.who, "a reminder"); n != c.want {
			t.Errorf("%s got %d reminders, want %d", c.who, n, c.want)
		}
	}
}

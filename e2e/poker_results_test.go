package e2e

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
)

// exported reads the CSV file user was last sent by /backlog export.
func (h *harness) exported(user string) [][]string {
	h.t.Helper()
	h.slash(user, h.product, "/backlog", "export")
	h.ephemeral(user, h.product, "as a CSV file in a direct message")
	var last slackemu.File
	for _, m := range h.emu.DMs(user) {
		if files := h.emu.Files(m.Channel); len(files) > 0 {
			last = files[len(files)-1]
		}
	}
	rows, err := csv.NewReader(strings.NewReader(string(last.Content))).ReadAll()
	if err != nil {
		h.t.Fatalf("the export is not valid CSV: %v", err)
	}
	return rows
}

// column is the value of a CSV column in a row, by the header's name.
func column(rows [][]string, row int, name string) string {
	for i, h := range rows[0] {
		if h == name {
			return rows[row][i]
		}
	}
	return "(no column " + name + ")"
}

// Votes 5 and 8 have the median 6.5, as people read the word, and Accept
// writes 6.5: the score, where-it-sits, listings, the CSV, the summary,
// the matrix and /backlog score all take the value between cards.
func TestPokerMedianIsTheMedian(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	session := p.begin("#1 with " + mention(p.bob, "bob") + " " + mention(p.carl, "carl"))
	card := p.card(session, 1, "Waiting for: bob, carl")
	p.vote(p.bob, card, "Value", "5")
	p.vote(p.bob, card, "Effort", "8")
	p.vote(p.carl, card, "Value", "8")
	p.vote(p.carl, card, "Effort", "13")
	revealed := p.card(session, 1, "Value: bob 5 · carl 8 → median 6.5 · spread 1 step", "Effort: bob 8 · carl 13 → median 10.5",
		"Would score 0.62 (value 6.5 ÷ effort 10.5)")
	p.click(p.ann, revealed, "Accept")
	p.card(session, 1, "Accepted: score 0.62 (value 6.5 ÷ effort 10.5). #1 now sits 1st of 1.")

	p.slash(p.carl, p.product, "/backlog", "#1")
	p.ephemeral(p.carl, p.product, "#1 Dark mode sits 1st of 1 in #product's backlog — score 0.62 (value 6.5 ÷ effort 10.5)")
	p.slash(p.carl, p.product, "/backlog", "")
	p.ephemeral(p.carl, p.product, "1. #1 Dark mode — score 0.62")
	rows := p.exported(p.carl)
	if v, e := column(rows, 1, "value"), column(rows, 1, "effort"); v != "6.5" || e != "10.5" {
		t.Errorf("the CSV has value %q and effort %q, want 6.5 and 10.5", v, e)
	}
	p.slash(p.ann, p.product, "/backlog", "score #2 value=6.5 effort=1.5")
	p.ephemeral(p.ann, p.product, "You scored #2 Export", "score 4.33 (value 6.5 ÷ effort 1.5)")
	p.slash(p.ann, p.product, "/backlog", "summary")
	p.message(p.product, "Backlog summary", "1. #2 Export — score 4.33", "2. #1 Dark mode — score 0.62")
	if err := p.emu.Wait(t.Context(), func() bool { return len(p.emu.Files(p.product)) == 1 }); err != nil {
		t.Fatal("no matrix with ideas scored between cards")
	}
	// What the matrix shows, for a screen reader: each point by number and title.
	if alt := p.emu.Files(p.product)[0].AltText; !strings.Contains(alt, "Fill-ins: #2 Export.") || !strings.Contains(alt, "Money pits: #1 Dark mode") {
		t.Errorf("the matrix's alt text is %q", alt)
	}
}

// A criterion nobody gave a number claims no agreement and offers no
// Accept; a criterion nobody voted on says so.
func TestPokerCriterionWithoutNumbers(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1")
	card := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.bob, card, "Value", "?")
	p.vote(p.carl, card, "Value", "?")
	p.click(p.ann, card, "Reveal")
	revealed := p.card(session, 1, "Value: bob ? · carl ? → no numbers yet", "Effort: no votes",
		"Revealed by ann.", "No numbers yet for Value, Effort: re-vote, or skip to leave #1 as it is.")
	if strings.Contains(revealed.Text, "agreement") || strings.Contains(revealed.Text, "Agreement") {
		t.Errorf("a card without numbers claims agreement:\n%s", revealed.Text)
	}
	if got := strings.Join(revealed.Buttons, " "); got != "[Re-vote] [Skip]" && got != "Re-vote Skip" {
		t.Errorf("buttons = %v, want Re-vote and Skip only", revealed.Buttons)
	}
}

// After End session no card has a live button, and each says what became
// of it; an unrevealed card keeps its votes hidden.
func TestPokerEndSessionClosesEveryCard(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export", "Search")
	p.slash(p.ann, p.product, "/backlog", "score #3 value=5 effort=2")
	session := p.begin("#1 #2 #3")
	one := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.bob, one, "Value", "8")
	p.vote(p.bob, one, "Effort", "3")
	p.click(p.ann, one, "Reveal")
	p.card(session, 1, "Value: bob 8", "Accept")
	two := p.card(session, 2, "Nobody has voted yet")
	p.vote(p.bob, two, "Value", "13")
	p.vote(p.carl, two, "Value", "1")
	p.vote(p.carl, two, "Effort", "2")
	p.card(session, 2, "Voted: carl")
	p.card(session, 3, "Nobody has voted yet")
	p.click(p.ann, session, "End session")

	p.message(p.product, "Priority poker run by ann on 3 ideas — ended",
		"#1 Dark mode — left unscored: revealed, but not decided before the end",
		"#2 Export — closed without reveal — 2 voted; left unscored",
		"#3 Search — closed without reveal — nobody voted; keeps its score 2.5")
	ended := map[int]string{
		1: "The session ended before a decision: #1 is left unscored.",
		2: "Closed without reveal — 2 voted. The votes stay hidden; #2 is left unscored.",
		3: "Closed without reveal — nobody voted. #3 keeps its score 2.5.",
	}
	for n, says := range ended {
		c := p.card(session, n, says)
		if len(c.Buttons) != 0 {
			t.Errorf("card #%d of an ended session has buttons %v:\n%s", n, c.Buttons, c.Text)
		}
	}
	if c := p.card(session, 2, "Closed without reveal"); strings.Contains(c.Text, "13") || strings.Contains(c.Text, "carl 1") {
		t.Errorf("an unrevealed card shows votes after the end:\n%s", c.Text)
	}
}

// One idea is on at most one open card: a second start, typed or from the
// summary's button, is shown the open card instead, and says whether the
// rest went ahead.
func TestPokerOneOpenCardPerIdea(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export", "Search")
	first := p.begin("#1")
	p.slash(p.bob, p.product, "/poker", "#1 #2")
	p.ephemeral(p.bob, p.product, "Priority poker is on for #2: 1 card in the thread. #1 is on an open card already (#1's card), so it is left out of this session.")
	p.slash(p.carl, p.product, "/poker", "#1")
	p.ephemeral(p.carl, p.product, "Nothing started: #1 is on an open card already (#1's card).")
	if n := len(p.emu.Messages(p.product)); n != 5 { // 3 idea cards, 2 sessions
		t.Errorf("#product has %d messages, want 3 idea cards and 2 sessions", n)
	}
	p.slash(p.carl, p.product, "/poker", "next 5")
	p.ephemeral(p.carl, p.product, "Priority poker is on: 1 card in the thread.")
	p.message(p.product, "Priority poker run by carl on 1 idea", "#3 Search")

	p.click(p.ann, first, "End session")
	p.message(p.product, "Priority poker run by ann on 1 idea — ended")
	p.slash(p.dan, p.product, "/poker", "#1")
	p.ephemeral(p.dan, p.product, "Priority poker is on: 1 card in the thread.")
}

// Start poker on these opens the poker form with the summary's ideas
// ticked: nobody is asked to vote until the clicker chooses voters and
// starts. A second click leaves out the ideas now on open cards, and says so.
func TestSummaryStartPokerTwice(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export", "Search")
	p.slash(p.ann, p.product, "/backlog", "summary")
	summary := p.message(p.product, "Backlog summary", "Start poker on these")
	before := len(p.emu.Messages(p.product))
	p.click(p.bob, summary, "Start poker on these")
	p.form(p.bob)
	if n := len(p.emu.Messages(p.product)); n != before {
		t.Errorf("%d new messages in #product after the click, want none before the form is sent", n-before)
	}
	p.submit(p.bob, map[string]string{"ideas": "1,2", "voters": p.carl})
	p.ephemeral(p.bob, p.product, "Priority poker is on: 2 cards in the thread.")
	p.click(p.carl, summary, "Start poker on these")
	form := p.form(p.carl)
	if !strings.Contains(form.Text, "#1 and #2 are left out: they are on an open card of a session already") || strings.Contains(form.Text, "#1 Dark mode") {
		t.Errorf("carl's form reads %q", form.Text)
	}
	p.submit(p.carl, nil)
	p.ephemeral(p.carl, p.product, "Priority poker is on: 1 card in the thread.")
	sessions := 0
	for _, m := range p.emu.Messages(p.product) {
		if m.Contains("Priority poker run by") {
			sessions++
		}
	}
	if sessions != 2 {
		t.Errorf("%d sessions from two clicks on one summary, want 2 (one an idea each can be on)", sessions)
	}
}

// The card and the voter's receipt say what revealed it.
func TestPokerSaysWhatRevealedTheCard(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	session := p.begin("#1 #2 quorum 2 for 30m")
	card := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")
	p.vote(p.carl, card, "Value", "5")
	p.vote(p.carl, card, "Effort", "3")
	p.ephemeral(p.carl, p.product, "You voted Value 5, Effort 3 on #1. The card was revealed when the quorum of 2 votes was reached.")
	p.card(session, 1, "Revealed when the quorum of 2 votes was reached.")
	p.clock.Advance(31 * time.Minute)
	p.card(session, 2, "Revealed when voting closed at its deadline.", "Effort: no votes")
}

// Skipping says what the idea keeps: its score, or none.
func TestPokerSkipSaysWhatIsKept(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	p.slash(p.ann, p.product, "/backlog", "score #2 value=5 effort=2")
	session := p.begin("#1 #2")
	p.click(p.ann, p.card(session, 1, "Nobody has voted yet"), "Skip")
	p.card(session, 1, "Skipped: #1 is left unscored.")
	p.click(p.ann, p.card(session, 2, "Nobody has voted yet"), "Skip")
	p.card(session, 2, "Skipped: #2 keeps its score 2.5.")
	p.message(p.product, "— ended", "#1 Dark mode — skipped, left unscored", "#2 Export — skipped, keeps its score 2.5")
}

// publishes counts the views.publish calls for user's Home.
func (h *harness) publishes(user string) int {
	n := 0
	for _, c := range h.emu.Calls("views.publish") {
		if c.Params["user_id"] == user {
			n++
		}
	}
	return n
}

// homeShows waits until user's Home, published without them opening it
// again, shows every part and none of without.
func (h *harness) homeShows(user string, parts []string, without ...string) {
	h.t.Helper()
	var home slackemu.View
	err := h.emu.Wait(h.t.Context(), func() bool {
		home, _ = h.emu.Home(user)
		for _, p := range parts {
			if !strings.Contains(home.Text, p) {
				return false
			}
		}
		for _, w := range without {
			if strings.Contains(home.Text, w) {
				return false
			}
		}
		return true
	})
	if err != nil {
		h.t.Fatalf("the Home never showed %q without %q:\n%s", parts, without, home.Text)
	}
}

// App Home follows what it shows — owed votes, the places of one's ideas —
// for those who opened it, coalesced, and never for those who did not.
func TestHomeFollowsWhatItShows(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export")
	for _, u := range []string{p.ann, p.bob} {
		if err := p.emu.OpenHome(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	p.homeShows(p.ann, []string{"#1 Dark mode — 1st of 2 awaiting scoring in #product"})
	p.homeShows(p.bob, []string{"You haven't submitted any ideas yet"})

	session := p.begin("#1 with " + mention(p.bob, "bob") + " " + mention(p.carl, "carl"))
	p.homeShows(p.bob, []string{"Votes you owe", "#1 Dark mode in #product"})
	card := p.card(session, 1, "Waiting for: bob, carl")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")
	p.homeShows(p.bob, []string{"You haven't submitted any ideas yet"}, "Votes you owe")
	p.vote(p.carl, card, "Value", "8")
	p.vote(p.carl, card, "Effort", "3")
	p.click(p.ann, p.card(session, 1, "Accept"), "Accept")
	p.homeShows(p.ann, []string{"#1 Dark mode — 1st of 1, score 2.67 in #product", "Top of #product (1 idea ranked)"})
	if n := p.publishes(p.carl); n != 0 {
		t.Errorf("carl never opened his Home, yet it was published %d times", n)
	}

	// A burst of changes costs about one publish per few seconds, and the
	// Home ends on the last of them.
	before := p.publishes(p.ann)
	for _, effort := range []string{"13", "8", "5", "3", "2", "1"} {
		p.slash(p.ann, p.product, "/backlog", "score #2 value=13 effort="+effort)
		p.ephemeral(p.ann, p.product, "effort "+effort+")")
	}
	p.homeShows(p.ann, []string{"1. #2 Export — score 13", "2. #1 Dark mode — score 2.67"})
	if n := p.publishes(p.ann) - before; n > 3 {
		t.Errorf("6 quick changes published ann's Home %d times; want them coalesced", n)
	}
}

// Quick clicks: the older receipt is slow to arrive, yet the voter's last
// receipt is the newest (Value and Effort), never the older "Still to vote".
func TestVoteReceiptsArriveInOrder(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1")
	card := p.card(session, 1, "Nobody has voted yet")
	p.emu.SlowNextReply(300 * time.Millisecond)
	if err := p.emu.ClickRow(t.Context(), p.bob, card, "Value", "5"); err != nil {
		t.Fatal(err)
	}
	if err := p.emu.ClickRow(t.Context(), p.bob, card, "Effort", "3"); err != nil {
		t.Fatal(err)
	}
	last := func() slackemu.Message {
		list := p.emu.Ephemerals(p.bob, p.product)
		if len(list) == 0 {
			return slackemu.Message{}
		}
		return list[len(list)-1]
	}
	if err := p.emu.Wait(t.Context(), func() bool { return last().Contains("You voted Value 5, Effort 3 on #1.") }); err != nil {
		t.Fatalf("no receipt of both votes; last: %q", last().Text)
	}
	// Let every reply the bot sends land: the card redraw comes after them.
	p.card(session, 1, "Voted: bob")
	p.shutdown()
	if got := last(); !got.Contains("You voted Value 5, Effort 3 on #1.") {
		t.Errorf("after the newest receipt bob read an older one: %q", got.Text)
	}
}

// An idea that leaves play while on an open card leaves the card too: the
// card closes (votes shown only if it was revealed), the idea is out of
// play, a stale Accept is refused before anything is written, and a
// session with nothing else undecided ends.
func TestPokerCardOfAnIdeaThatLeftPlay(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Night theme")
	session := p.begin("#2")
	card := p.card(session, 2, "Nobody has voted yet")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")
	p.click(p.ann, card, "Reveal")
	revealed := p.card(session, 2, "Would score 2.67", "Accept")
	p.slash(p.ann, p.product, "/backlog", "merge #2 into #1")
	p.ephemeral(p.ann, p.product, "You merged #2 Night theme into #1")
	now := p.card(session, 2, "Value: bob 8", "#2 is merged now, so it left this session.")
	if len(now.Buttons) != 0 {
		t.Errorf("the card of a merged idea offers %v", now.Buttons)
	}
	// It was the session's only card: the session ends, and #2 is out of play.
	p.message(p.product, "Priority poker run by ann on 1 idea — ended", "#2 Night theme — left the session: merged")
	// A click from before the redraw is refused and writes nothing.
	if err := p.emu.ClickForged(t.Context(), p.ann, revealed, "poker_accept", "1:2:1"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.ann, p.product, "#2 is merged now, so it takes no score.")
	if got := p.card(session, 2, "Revealed"); strings.Contains(got.Text, "Accepted") {
		t.Errorf("a merged idea's card was accepted:\n%s", got.Text)
	}

	// Declined before anyone revealed it: the votes stay hidden.
	p.idea(p.ann, p.product, "Tabs")
	second := p.begin("#3")
	card3 := p.card(second, 3, "Nobody has voted yet")
	p.vote(p.bob, card3, "Value", "13")
	p.slash(p.ann, p.product, "/backlog", "decline #3 out of scope")
	left := p.card(second, 3, "#3 is declined now, so it left this session.")
	if strings.Contains(left.Text, "13") || len(left.Buttons) != 0 {
		t.Errorf("a declined idea's unrevealed card shows votes or buttons:\n%s %v", left.Text, left.Buttons)
	}
}

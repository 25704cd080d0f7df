package e2e

import (
	"fmt"
	"testing"
)

// A revealed card predicts the place the backlog will give: a tie goes to
// the older idea, as in the ranking; and once another card is accepted,
// the other revealed cards say where they would sit now.
func TestPokerPredictsThePlaceTheBacklogGives(t *testing.T) {
	p := newPokerTable(t, "Dark mode", "Export", "SSO")
	p.slash(p.ann, p.product, "/backlog", "score #1 value=13 effort=8")
	p.ephemeral(p.ann, p.product, "#1")
	session := p.begin(fmt.Sprintf("#2 #3 with %s %s", mention(p.bob, "bob"), mention(p.carl, "carl")))
	two, three := p.card(session, 2), p.card(session, 3)
	for _, v := range []struct{ who, value, effort string }{{p.bob, "5", "3"}, {p.carl, "8", "5"}} {
		p.vote(v.who, two, "Value", v.value)
		p.vote(v.who, two, "Effort", v.effort)
		p.vote(v.who, three, "Value", "1")
		p.vote(v.who, three, "Effort", "8")
	}
	// 6.5 ÷ 4 ties #1's 13 ÷ 8, and #1 is older.
	revealed := p.card(session, 2, "Would score 1.63 (value 6.5 ÷ effort 4) and sit 2nd of 2.")
	p.card(session, 3, "and sit 2nd of 2.")
	p.click(p.ann, revealed, "Accept")
	p.card(session, 2, "Accepted: score 1.63 (value 6.5 ÷ effort 4). #2 now sits 2nd of 2.")
	p.card(session, 3, "Would score 0.13 (value 1 ÷ effort 8) and sit 3rd of 3.")
}

// A first score tells the idea's author and supporters, whether an owner
// typed it or priority poker's result was accepted.
func TestTheFirstScoreTellsTheSamePeopleEitherWay(t *testing.T) {
	p := newPokerTable(t)
	for _, title := range []string{"Dark mode", "Export"} {
		p.support(p.carl, p.idea(p.bob, p.product, title))
	}
	p.slash(p.ann, p.product, "/backlog", "score #1 value=8 effort=3")
	p.ephemeral(p.ann, p.product, "#1")
	for _, u := range []string{p.bob, p.carl} {
		p.dm(u, "In #product, ann scored #1 Dark mode.")
	}
	session := p.begin("#2 with " + mention(p.dan, "dan"))
	card := p.card(session, 2)
	p.vote(p.dan, card, "Value", "5")
	p.vote(p.dan, card, "Effort", "2")
	p.click(p.ann, p.card(session, 2, "Would score 2.5 "), "Accept")
	for _, u := range []string{p.bob, p.carl} {
		p.dm(u, "In #product, ann accepted priority poker's score for #2 Export.", "sits 2nd of 2")
	}
}

// A vote's receipt comes before what follows from it: the voter whose
// vote revealed the card reads that they voted, then why the team asks.
func TestAVotesReceiptComesFirst(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin(fmt.Sprintf("#1 with %s %s", mention(p.bob, "bob"), mention(p.carl, "carl")))
	card := p.card(session, 1)
	p.vote(p.bob, card, "Value", "13")
	p.vote(p.bob, card, "Effort", "13")
	p.vote(p.carl, card, "Value", "1")
	if err := p.emu.ClickRow(t.Context(), p.carl, card, "Effort", "1"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.carl, p.product, "Your Effort vote (1) on #1 was the lowest")
	receipt, ask := -1, -1
	for i, m := range p.emu.Ephemerals(p.carl, p.product) {
		switch {
		case m.Contains("You voted Value 1, Effort 1 on #1. The card was revealed"):
			receipt = i
		case m.Contains("Your Value vote (1) on #1 was the lowest") && ask < 0:
			ask = i
		}
	}
	if receipt < 0 || receipt > ask {
		t.Errorf("carl read the receipt at %d, the first question at %d: %v", receipt, ask, p.emu.Ephemerals(p.carl, p.product))
	}
}

// A voting card gives its idea's context, so voters do not vote on a
// title alone: a few lines of its description, who asked, and its links.
func TestVotingCardsGiveContext(t *testing.T) {
	p := newPokerTable(t)
	p.support(p.carl, p.idea(p.bob, p.product, "Dark mode | Night shifts read the dashboard in the dark.\nIt glares.\nThree hospitals asked.\nA fourth line no one needs."))
	p.slash(p.bob, p.product, "/backlog", "link #1 https://docs.example.com/dark-mode")
	p.ephemeral(p.bob, p.product, "#1 now links to")
	session := p.begin("#1 with " + mention(p.dan, "dan"))
	card := p.card(session, 1, "Night shifts read the dashboard in the dark.", "Three hospitals asked.…",
		"Submitted by bob · 2 people asked for it · Links: docs.example.com/dark-mode")
	if card.Contains("A fourth line") {
		t.Errorf("the card shows the whole description: %q", card.Text)
	}
}

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// An idea's story after a whole ritual: submitted, supported, poker with
// a re-vote, accepted, planned, shipped, linked; the re-voted round shows
// as revealed, and no vote shows that never was.
func TestHistoryAfterAFullRitual(t *testing.T) {
	p := newPokerTable(t)
	card := p.idea(p.bob, p.product, "Dark mode")
	p.support(p.carl, card)
	p.support(p.dan, card)
	p.support(p.dan, card) // and leaves again
	session := p.begin(fmt.Sprintf("#1 with %s %s", mention(p.carl, "carl"), mention(p.dan, "dan")))
	c := p.card(session, 1, "Nobody has voted yet")
	p.vote(p.carl, c, "Value", "13")
	p.vote(p.carl, c, "Effort", "1")
	p.vote(p.dan, c, "Value", "2")
	p.vote(p.dan, c, "Effort", "8")
	p.click(p.ann, p.card(session, 1, "→ median"), "Re-vote")
	c = p.card(session, 1, "round 2", "Nobody has voted yet")
	p.vote(p.carl, c, "Value", "8")
	p.vote(p.carl, c, "Effort", "3")
	p.vote(p.dan, c, "Value", "5")
	p.vote(p.dan, c, "Effort", "3")
	p.click(p.ann, p.card(session, 1, "Would score"), "Accept")
	p.card(session, 1, "Accepted")
	p.slash(p.ann, p.product, "/backlog", "status #1 planned")
	p.slash(p.ann, p.product, "/backlog", "link #1 https://tracker.example.com/PROJ-1")
	p.slash(p.ann, p.product, "/backlog", "status #1 shipped")
	p.ephemeral(p.ann, p.product, "shipped")

	p.slash(p.carl, p.product, "/backlog", "history #1")
	m := p.ephemeral(p.carl, p.product, "History of #1 Dark mode")
	want := []string{
		"submitted by bob with /idea",
		"carl supports it",
		"dan supports it",
		"dan no longer supports it",
		"scored 2.17 in priority poker run by ann",
		"round 1: Value: carl 13 · dan 2 → median 7.5, low agreement; Effort: carl 1 · dan 8 → median 4.5, low agreement",
		"round 2: Value: carl 8 · dan 5 → median 6.5, high agreement; Effort: carl 3 · dan 3 → median 3, high agreement",
		"ann moved it from scored to planned",
		"ann linked it to https://tracker.example.com/PROJ-1",
		"ann moved it from planned to shipped",
	}
	at := 0
	for _, w := range want {
		i := strings.Index(m.Text[at:], w)
		if i < 0 {
			t.Fatalf("the history lacks %q after what came before:\n%s", w, m.Text)
		}
		at += i + len(w)
	}
	p.slash(p.carl, p.product, "/backlog", "history #1 9")
	p.ephemeral(p.carl, p.product, "Nothing on this page.")
	p.slash(p.carl, p.product, "/backlog", "history #7")
	p.ephemeral(p.carl, p.product, "There is no idea #7 in this channel's backlog.")
}

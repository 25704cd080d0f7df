package main

import (
	"fmt"
	"testing"

	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/slackemu"
)

// Redis goes away during a poker session and comes back (with AOF): what
// people did meanwhile gets a clear answer, the bot recovers by itself, and
// nothing Redis had acknowledged is lost.
func TestRedisOutageDuringASession(t *testing.T) {
	h := newHarnessWith(t, slackemu.Options{}, redistest.AOF())
	p := &pokerTable{harness: h, carl: h.emu.AddUser("carl", slackemu.UserOptions{}), dan: h.emu.AddUser("dan", slackemu.UserOptions{})}
	p.idea(p.ann, p.product, "Dark mode")
	session := p.begin(fmt.Sprintf("#1 with %s %s", mention(p.bob, "bob"), mention(p.carl, "carl")))
	card := p.card(session, 1, "Waiting for: bob, carl")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")

	p.redis.Stop()
	p.slash(p.ann, p.product, "/idea", "Lost in the outage?")
	p.ephemeral(p.ann, p.product, "priobot can't reach its database, so nothing was saved. Please try again in a moment.")
	if err := p.emu.ClickRow(t.Context(), p.carl, card, "Value", "5"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.carl, p.product, "can't reach its database")

	p.redis.Restart(t)
	p.waitReady()
	p.vote(p.carl, card, "Value", "5")
	p.vote(p.carl, card, "Effort", "2")
	p.card(session, 1, "Value: bob 8 · carl 5", "Effort: bob 3 · carl 2") // bob's votes survived
	p.slash(p.ann, p.product, "/idea", "After the outage")
	p.message(p.product, "#2 After the outage") // numbering went on where it was
}

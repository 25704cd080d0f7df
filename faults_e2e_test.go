package main

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// A 429 on views.publish delays the home tab; it is not lost.
func TestHomeTabWaitsOutRateLimits(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.emu.RateLimit("views.publish", 1, time.Second)
	if err := h.emu.OpenHome(t.Context(), h.ann); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.Wait(t.Context(), func() bool { v, ok := h.emu.Home(h.ann); return ok && strings.Contains(v.Text, "#1 Dark mode") }); err != nil {
		t.Fatal("the home tab never came after a 429")
	}
	if n := h.emu.TooEarly(); n != 0 {
		t.Errorf("%d calls ignored Retry-After", n)
	}
}

// Every envelope arrives twice: each action still has one effect.
func TestDuplicateDeliveriesHaveOneEffect(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.emu.Duplicate(true)
	card := h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, "Backlog of #product: 1 awaiting scoring") // one idea, not two
	h.click(h.bob, card, "Me too")
	h.ephemeral(h.bob, h.product, "You support #1 now (1 supporter)")
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode is 1st of 1") // still supported: the toggle ran once
	if m := h.message(h.product, "#1 Dark mode"); !m.Contains("1 supporter") {
		t.Errorf("card %q lost its supporter to a duplicate click", m.Text)
	}
	if n := len(h.emu.Messages(h.product)); n != 1 {
		t.Errorf("%d messages in the channel, want the one idea card", n)
	}
}

// The socket drops again and again during a burst of votes: envelopes the
// bot had not acked are delivered again, and every vote counts once.
func TestSocketDropsDuringAVoteBurst(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1")
	card := p.card(session, 1, "Nobody has voted yet")
	voters := p.crowd(30)
	var wg sync.WaitGroup
	var clicks atomic.Int32
	for _, v := range voters {
		wg.Go(func() {
			for _, row := range []string{"Value", "Effort"} {
				if err := p.emu.ClickRow(t.Context(), v, card, row, "5"); err != nil {
					t.Error(err)
				}
				if clicks.Add(1)%20 == 0 { // every 20th click, the network fails
					p.emu.DropConnections()
				}
			}
		})
	}
	wg.Wait()
	if got := p.emu.Timeouts(); len(got) != 0 {
		t.Errorf("%d clicks were lost to dropped sockets", len(got))
	}
	p.click(p.ann, card, "Reveal")
	revealed := p.card(session, 1, "→ median 5")
	vote := regexp.MustCompile(`v\d\d 5`)
	for _, line := range strings.Split(revealed.Text, "\n") {
		if (strings.HasPrefix(line, "Value:") || strings.HasPrefix(line, "Effort:")) && len(vote.FindAllString(line, -1)) != len(voters) {
			t.Errorf("%d votes, want %d:\n%s", len(vote.FindAllString(line, -1)), len(voters), line)
		}
	}
	t.Logf("%d envelopes redelivered after a dropped socket", p.emu.Redelivered())
}

package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
)

// Two workspaces on one bot: nothing of one ever shows in the other.
func TestWorkspacesAreIsolated(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	other := h.emu.AddTeam()
	eve := h.emu.AddUser("eve", slackemu.UserOptions{Team: other})
	theirs := h.emu.AddChannel("product", slackemu.ChannelOptions{Team: other})

	h.idea(h.ann, h.product, "Secret roadmap item | acquisition plans")
	h.slash(h.ann, h.product, "/backlog", "score #1 value=13 effort=1")
	h.idea(eve, theirs, "Their own idea")
	h.ephemeral(eve, theirs, "#1 Their own idea is in #product's backlog") // numbering is per workspace

	for _, text := range []string{"", "#1", "mine", "search secret", "search roadmap"} {
		h.slash(eve, theirs, "/backlog", text)
	}
	h.slash(eve, theirs, "/backlog", "export")
	h.slash(eve, theirs, "/backlog", "summary")
	h.message(theirs, "Backlog summary")
	if err := h.emu.OpenHome(t.Context(), eve); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.Wait(t.Context(), func() bool { _, ok := h.emu.Home(eve); return ok }); err != nil {
		t.Fatal("no home tab for eve")
	}
	home, _ := h.emu.Home(eve)
	seen := []string{home.Text}
	for _, m := range h.emu.All() {
		if m.For == eve || m.Channel == theirs {
			seen = append(seen, m.Text)
		}
	}
	for _, m := range h.emu.DMs(eve) {
		seen = append(seen, m.Text)
	}
	for _, f := range h.emu.Files(theirs) {
		seen = append(seen, string(f.Content))
	}
	for _, text := range seen {
		if strings.Contains(text, "Secret roadmap item") || strings.Contains(text, "acquisition plans") {
			t.Errorf("the other workspace saw: %q", text)
		}
	}
	// A forged click naming the first workspace's idea from the second finds nothing.
	fred := h.emu.AddUser("fred", slackemu.UserOptions{Team: other})
	card := h.message(theirs, "#1 Their own idea")
	if err := h.emu.ClickForged(t.Context(), fred, card, "idea_support", "1"); err != nil {
		t.Fatal(err)
	}
	h.ephemeral(fred, theirs, "You support #1") // their own #1, not ann's
	h.message(theirs, "#1 Their own idea", "1 supporter")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Secret roadmap item sits 1st of 1")
	if m := h.message(h.product, "#1 Secret roadmap item"); strings.Contains(m.Text, "supporter") {
		t.Errorf("a click in another workspace changed this card: %q", m.Text)
	}
}

// Three bot processes share one Redis; the emulator spreads envelopes
// over their sockets. Votes add up, a card reveals once, DMs go out once.
func TestThreeReplicas(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	p.startReplica()
	p.startReplica()
	if err := p.emu.WaitConnections(t.Context(), 3*sockets); err != nil {
		t.Fatal(err)
	}
	session := p.begin(fmt.Sprintf("#1 with %s %s %s", mention(p.bob, "bob"), mention(p.carl, "carl"), mention(p.dan, "dan")))
	card := p.card(session, 1, "Waiting for: bob, carl, dan")
	votes := map[string][2]string{p.bob: {"1", "3"}, p.carl: {"13", "3"}, p.dan: {"5", "3"}}
	for _, u := range []string{p.bob, p.carl, p.dan} {
		p.vote(u, card, "Value", votes[u][0])
		p.vote(u, card, "Effort", votes[u][1])
	}
	p.card(session, 1, "Value: bob 1 · carl 13 · dan 5", "Effort: bob 3 · carl 3 · dan 3")
	p.ephemeral(p.carl, p.product, "was the highest")
	// One reveal: each outlier was asked once, each voter invited once.
	count := func(user, text string) int {
		n := 0
		for _, m := range p.emu.Ephemerals(user, p.product) {
			if m.Contains(text) {
				n++
			}
		}
		return n
	}
	p.ephemeral(p.bob, p.product, "was the lowest")
	if a, b := count(p.carl, "was the highest"), count(p.bob, "was the lowest"); a != 1 || b != 1 {
		t.Errorf("reason requests: carl %d, bob %d; want one each (one reveal)", a, b)
	}
	for _, u := range []string{p.bob, p.carl, p.dan} {
		if n := len(p.emu.DMs(u)); n != 1 {
			t.Errorf("%s got %d invitations", u, n)
		}
	}
	// Envelopes go round the six sockets: every one carried acks, so each
	// of the three bots served its share.
	for i, n := range p.emu.AcksPerConnection() {
		if n == 0 {
			t.Errorf("socket %d carried no ack: %v", i+1, p.emu.AcksPerConnection())
		}
	}
}

// A crowd presses Me too at once, then the idea ships: the card ends up
// counting all of them after a few redraws, the person who shipped it is
// answered at once, and every supporter gets one direct message, through
// Slack rate-limiting the DMs.
func TestShippingToACrowdOfSupporters(t *testing.T) {
	p := newPokerTable(t)
	card := p.idea(p.ann, p.product, "Dark mode")
	crowd := p.crowd(60)
	var wg sync.WaitGroup
	for _, u := range crowd {
		wg.Go(func() { p.click(u, card, "Me too") })
	}
	wg.Wait()
	p.message(p.product, "#1 Dark mode", "60 supporters")
	if redraws := p.updates(card); redraws > 10 {
		t.Errorf("60 clicks redrew the card %d times; redraws should coalesce to about one a second", redraws)
	}
	p.emu.RateLimit("conversations.open", 2, time.Second)
	p.emu.RateLimit("chat.postMessage", 1, time.Second)
	p.slash(p.bob, p.product, "/backlog", "status #1 shipped")
	p.ephemeral(p.bob, p.product, "You moved #1 Dark mode from awaiting scoring to shipped", "I'm letting 61 people know by direct message.")
	for _, u := range append(crowd, p.ann) {
		p.dm(u, "In #product, bob moved #1 Dark mode from awaiting scoring to shipped.")
	}
	for _, u := range append(crowd, p.ann) {
		if n := len(p.emu.DMs(u)); n != 1 {
			t.Errorf("%s got %d direct messages, want 1", u, n)
		}
	}
	if n := p.emu.TooEarly(); n != 0 {
		t.Errorf("%d calls came before Slack's Retry-After ran out", n)
	}
}

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/slackemu"
)

// openHome opens user's Home and waits until it shows parts.
func (h *harness) openHome(user string, parts ...string) slackemu.View {
	h.t.Helper()
	if err := h.emu.OpenHome(h.t.Context(), user); err != nil {
		h.t.Fatal(err)
	}
	h.homeShows(user, parts)
	v, _ := h.emu.Home(user)
	return v
}

// The Home is a dashboard for whoever looks: a voter sees the votes they
// owe, each with a way to its card; an author their ideas and the top of
// their backlogs; an owner the backlogs they manage, with what awaits
// scoring, the next summary, what went wrong and Settings; and the full
// help is a button away.
func TestTheHomeIsADashboard(t *testing.T) {
	p := newPokerTable(t)
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	p.ephemeral(p.ann, p.product, "owner")
	p.idea(p.ann, p.product, "Dark mode")
	p.idea(p.carl, p.product, "Export")
	p.slash(p.ann, p.product, "/backlog", "score #1 value=8 effort=3")
	p.ephemeral(p.ann, p.product, "#1")
	p.idea(p.ann, p.product, "Search")
	p.begin("#3 with " + mention(p.bob, "bob"))
	gh := p.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	p.slash(p.ann, p.product, "/backlog", "github connect acme/app")
	p.githubSays(p.ann, p.product, "Last poll")
	gh.Revoke()
	p.githubSays(p.ann, p.product, "The sync is paused")

	voter := p.openHome(p.bob, "Votes you owe", "#3 Search in #product", "[Open the card]", "You haven't submitted any ideas yet")
	if strings.Contains(voter.Text, "Backlogs you manage") {
		t.Errorf("bob manages no backlog, yet his Home says:\n%s", voter.Text)
	}
	author := p.openHome(p.carl, "Your ideas", "#2 Export — 1st of 2 awaiting scoring in #product", "Top of #product (1 idea ranked)")
	if strings.Contains(author.Text, "Backlogs you manage") || strings.Contains(author.Text, "Votes you owe") {
		t.Errorf("carl's Home says:\n%s", author.Text)
	}
	p.openHome(p.ann, "Backlogs you manage", "Top of #product (1 idea ranked)\n1. #1 Dark mode — score 2.67",
		"Awaiting scoring (2, oldest first)\n#2 Export\n#3 Search", "No weekly summary: Settings schedules one.",
		"The GitHub sync with acme/app is paused", "[Start poker on these] [Settings]", "[All commands]")

	if err := p.emu.ClickHome(t.Context(), p.ann, "Settings"); err != nil {
		t.Fatal(err)
	}
	if form := p.form(p.ann); !strings.Contains(form.Text, "Settings of #product's backlog") {
		t.Errorf("Settings opened %q", form.Text)
	}
	p.emu.CloseModal(p.ann)
	if err := p.emu.ClickHome(t.Context(), p.ann, "Start poker on these"); err != nil {
		t.Fatal(err)
	}
	p.form(p.ann)
	p.submit(p.ann, map[string]string{"voters": p.dan})
	p.message(p.product, "Priority poker run by ann on 1 idea", "#2 Export")
	if err := p.emu.ClickHome(t.Context(), p.ann, "All commands"); err != nil {
		t.Fatal(err)
	}
	if help := p.form(p.ann); !strings.Contains(help.Text, "/backlog settings") || !strings.Contains(help.Text, "/poker nudge") {
		t.Errorf("All commands shows %q", help.Text)
	}
}

// The Home stays within Slack's limits for a busy person: 50 votes owed,
// 200 ideas of their own, 10 backlogs managed; each list is cut with
// where to see the rest.
func TestABusyHomeStaysWithinSlacksLimits(t *testing.T) {
	p := newPokerTable(t)
	channels := []string{p.product}
	for i := 1; i < 10; i++ {
		channels = append(channels, p.emu.AddChannel(fmt.Sprintf("team-%d", i), slackemu.ChannelOptions{}))
	}
	for i := 0; i < 200; i++ {
		p.slash(p.ann, channels[i%10], "/idea", fmt.Sprintf("Idea %03d", i))
	}
	if err := p.emu.Wait(t.Context(), func() bool { return len(p.emu.Messages(channels[9])) == 20 }); err != nil {
		t.Fatal("the 200 ideas were not all posted")
	}
	for c := 0; c < 5; c++ { // 50 cards owed by bob: 10 in each of 5 backlogs
		var refs []string
		for i := 0; i < 10; i++ {
			refs = append(refs, fmt.Sprintf("#%d", i*10+c+1))
		}
		p.slash(p.ann, channels[c], "/poker", strings.Join(refs, " ")+" with "+mention(p.bob, "bob"))
		p.ephemeral(p.ann, channels[c], "Priority poker is on: 10 cards")
	}
	p.openHome(p.bob, "Votes you owe", "…and 35 more: each session's thread has them.")
	p.openHome(p.ann, "Your ideas", "…and 185 older: /backlog mine lists them all", "Backlogs you manage", "#team-9")
	for _, c := range p.emu.Calls("views.publish") { // the emulator refuses what Slack would
		if c.Error != "" {
			t.Errorf("a Home was refused: %s", c.Error)
		}
	}
}

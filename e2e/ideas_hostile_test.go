package e2e

import (
	"strings"
	"testing"
	"unicode"

	"github.com/priobot/priobot/slackemu"
)

// Hostile input gets a clear private answer, or is shown harmlessly; it
// never pings, forges a link, breaks a layout or changes what it should not.
func TestHostileInput(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	long := strings.Repeat("ä", 4000)
	tests := []struct {
		name, command, text string
		answer              string // in the private answer
	}{
		{"mrkdwn injection", "/idea", "<!channel> <@U123> <https://evil.test|click> <!subteam^S1>", "#2 <!channel> <@U123> <https://evil.test|click> <!subteam^S1> is in #product's backlog"},
		{"4,000 characters", "/idea", long, "That title is 4000 characters long"},
		{"4,000-character search", "/backlog", "search " + long, "No idea in this channel's backlog matches"},
		{"4,000-character reason", "/backlog", "decline #1 " + long, "Keep the reason to 500 characters"},
		{"control characters", "/idea", "Ring\x07 the\x1b[31m bell\x00 | desc\x08", "#3 Ring the [31m bell is in #product's backlog"},
		{"right-to-left override", "/idea", "\u202Eelif.exe", "#4 elif.exe is in #product's backlog"},
		{"emoji", "/idea", "🚀 Faster launch 👩‍👩‍👧", "#5 🚀 Faster launch 👩‍👩‍👧 is in #product's backlog"},
		{"huge idea number", "/backlog", "status #99999999999999999999 planned", "far larger than any idea number"},
		{"negative idea number", "/backlog", "merge #-1 into #1", "is not an idea number"},
		{"owner injection", "/backlog", "owners add <!channel>", "is not a person"},
		{"unknown subcommand with markup", "/backlog", "<!here>", "I don't know /backlog <!here>"},
	}
	for _, tt := range tests {
		before := len(h.emu.Ephemerals(h.ann, h.product))
		h.slash(h.ann, h.product, tt.command, tt.text)
		if err := h.emu.Wait(t.Context(), func() bool { return len(h.emu.Ephemerals(h.ann, h.product)) > before }); err != nil {
			t.Fatalf("%s: no answer", tt.name)
		}
		got := h.emu.Ephemerals(h.ann, h.product)
		m := got[len(got)-1]
		if !m.Contains(tt.answer) {
			t.Errorf("%s: answer %q, want it to contain %q", tt.name, m.Text, tt.answer)
		}
		if len(m.Mentions) != 0 {
			t.Errorf("%s: the answer pings %v", tt.name, m.Mentions)
		}
	}
	for _, m := range h.emu.Messages(h.product) {
		if len(m.Mentions) != 0 {
			t.Errorf("channel message %q pings %v", m.Text, m.Mentions)
		}
		for _, r := range m.Text {
			if (unicode.IsControl(r) && r != '\n') || (r >= 0x202A && r <= 0x202E) {
				t.Errorf("channel message %q carries control character %U", m.Text, r)
			}
		}
	}
	// Forged buttons: numbers that are not there, or not numbers.
	card := h.message(h.product, "#1 Dark mode")
	for value, answer := range map[string]string{"999999": "There is no idea #999999 in this channel's backlog", "1; DROP": "is not an idea number", "": "Name an idea by its number"} {
		if err := h.emu.ClickForged(t.Context(), h.bob, card, "idea_support", value); err != nil {
			t.Fatal(err)
		}
		h.ephemeral(h.bob, h.product, answer)
	}
	h.slash(h.ann, h.product, "/backlog", "owners add <@"+h.ann+">")
	if err := h.emu.ClickForged(t.Context(), h.bob, card, "idea_merge", "2>1"); err != nil {
		t.Fatal(err)
	}
	h.ephemeral(h.bob, h.product, "Only this backlog's owners")
}

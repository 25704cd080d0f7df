package e2e

import (
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

func TestIdeaIsNumberedPostedAndListed(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/idea", "Dark mode | for late-night work")
	card := h.message(h.product, "#1 Dark mode", "for late-night work", "Submitted by ann", "awaiting scoring")
	if card.User != slackemu.BotUserID || card.Fallback != "Idea #1: Dark mode (awaiting scoring)" {
		t.Errorf("card by %s with fallback %q; want the bot's, with a plain-text fallback", card.User, card.Fallback)
	}
	if len(card.Mentions) != 0 {
		t.Errorf("the card pings %v; submitting an idea should ping nobody", card.Mentions)
	}
	h.ephemeral(h.ann, h.product, "#1 Dark mode is in #product's backlog", "1st in the queue")

	h.slash(h.bob, h.product, "/idea", "Export to CSV")
	h.ephemeral(h.bob, h.product, "#2 Export to CSV", "2nd in the queue")
	h.slash(h.bob, h.design, "/idea", "Bigger buttons")
	h.message(h.design, "#3 Bigger buttons") // numbers are per team, backlogs per channel

	h.slash(h.ann, h.product, "/backlog", "")
	list := h.ephemeral(h.ann, h.product, "Backlog of #product: 2 awaiting scoring", "#1 Dark mode", "#2 Export to CSV")
	if strings.Contains(list.Text, "Bigger buttons") {
		t.Errorf("#product's backlog lists #design's idea:\n%s", list.Text)
	}
	if len(h.emu.Messages(h.product)) != 2 {
		t.Errorf("the listing should be private; #product has %d messages", len(h.emu.Messages(h.product)))
	}
}

func TestHelpListsEveryForm(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/idea", "help")
	h.ephemeral(h.ann, h.product, "/idea <title> | <description>", "/idea help")
	h.slash(h.ann, h.product, "/backlog", "HELP")
	h.ephemeral(h.ann, h.product, "/backlog —", "/backlog help —")
	if got := h.emu.Messages(h.product); len(got) != 0 {
		t.Errorf("help was posted to the channel: %v", got)
	}
}

func TestHostileTitleShowsLiterallyAndPingsNobody(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	hostile := "<!channel> <@U123> <https://evil.test|click> @here & co"
	h.slash(h.ann, h.product, "/idea", hostile)
	card := h.message(h.product, "#1 "+hostile)
	if len(card.Mentions) != 0 {
		t.Errorf("a hostile title pinged %v", card.Mentions)
	}
	conf := h.ephemeral(h.ann, h.product, "#1 "+hostile)
	h.slash(h.ann, h.product, "/backlog", "")
	list := h.ephemeral(h.ann, h.product, "Backlog of", hostile)
	for _, m := range []slackemu.Message{conf, list} {
		if len(m.Mentions) != 0 {
			t.Errorf("%q pings %v", m.Text, m.Mentions)
		}
	}
}

func TestBadInputIsAnsweredPrivatelyAndChangesNothing(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	tests := []struct{ command, text, answer string }{
		{"/idea", "   | only a description", "needs a title"},
		{"/idea", strings.Repeat("x", 151), "151 characters"},
		{"/idea", "ok | " + strings.Repeat("d", 2001), "2001 characters"},
		{"/backlog", "frobnicate", "I don't know /backlog frobnicate"},
		{"/nope", "", "I don't know /nope"},
	}
	for _, tt := range tests {
		h.slash(h.ann, h.product, tt.command, tt.text)
		h.ephemeral(h.ann, h.product, tt.answer)
	}
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, "backlog is empty")
	if got := h.emu.Messages(h.product); len(got) != 0 {
		t.Errorf("bad input posted in the channel: %v", got[0].Text)
	}
	h.slash(h.ann, h.product, "/idea", "First real one")
	h.message(h.product, "#1 First real one") // refused input used up no number
}

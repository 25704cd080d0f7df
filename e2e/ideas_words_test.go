package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// A merged idea's story is told in whole sentences, each with its subject:
// to whoever asks, to the merger and in the DMs.
func TestMergedIdeaIsToldInWholeSentences(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	carol := h.emu.AddUser("carol", slackemu.UserOptions{})
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.bob, h.product, "Night theme")
	h.slash(carol, h.product, "/backlog", "merge #2 into #1")
	story := "#2 Night theme was merged into #1 Dark mode by carol on "
	next := ". #1 is 1st of 1 awaiting scoring in #product's backlog."
	h.ephemeral(carol, h.product, "You merged #2 Night theme into #1; its supporters now support #1.", story, next)
	h.dm(h.bob, "In #product, carol merged #2 Night theme into #1; its supporters now support #1.\n", story, next)
	h.slash(h.ann, h.product, "/backlog", "#2")
	h.ephemeral(h.ann, h.product, story, next)

	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=2")
	h.slash(h.ann, h.product, "/backlog", "#2")
	h.ephemeral(h.ann, h.product, story, ". #1 sits 1st of 1 in #product's backlog — score 4 (value 8 ÷ effort 2)")
}

func TestMergeIntoAMissingIdeaNamesIt(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "merge #1 into #99")
	h.ephemeral(h.ann, h.product, "There is no idea #99 in this channel's backlog.")
	h.slash(h.ann, h.product, "/backlog", "merge #98 into #1")
	h.ephemeral(h.ann, h.product, "There is no idea #98 in this channel's backlog.")
}

// An idea planned or in progress before anyone scored it is out of the
// queue awaiting scoring, and described so, without contradiction.
func TestPlannedIdeaWithoutAScore(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.ann, h.product, "Export")
	h.slash(h.ann, h.product, "/backlog", "status #1 in-progress")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode from awaiting scoring to in progress.",
		"#1 Dark mode is in progress without a score, so it is not in #product's ranking.")
	h.slash(h.bob, h.product, "/backlog", "#2")
	h.ephemeral(h.bob, h.product, "#2 Export is 1st of 1 awaiting scoring in #product's backlog.")
	h.slash(h.bob, h.product, "/backlog", "")
	list := h.ephemeral(h.bob, h.product, "Backlog of #product: 1 awaiting scoring · 1 in progress", "Awaiting scoring (1, oldest first)\n#2 Export",
		"In the works, not scored (1)\n#1 Dark mode — in progress")
	if strings.Count(list.Text, "Dark mode") != 1 {
		t.Errorf("an idea in progress is listed twice, or as awaiting scoring:\n%s", list.Text)
	}
	h.slash(h.ann, h.product, "/backlog", "mine")
	h.ephemeral(h.ann, h.product, "#1 Dark mode — in progress without a score in #product")
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=2")
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode is in progress and sits 1st of 1 in #product's backlog — score 4")
	rows := h.exported(h.bob)
	if s1, s2 := column(rows, 1, "status"), column(rows, 2, "status"); s1 != "in progress" || s2 != "awaiting scoring" {
		t.Errorf("the CSV says statuses %q and %q; the UI says in progress and awaiting scoring", s1, s2)
	}
}

// Every list that is cut says how many more there are and how to see them.
func TestCutListsSayWhatIsLeft(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for i := range 23 {
		h.slash(h.ann, h.product, "/idea", fmt.Sprintf("Idea %02d", i+1))
	}
	h.message(h.product, "#23 Idea 23")
	h.slash(h.ann, h.product, "/backlog", "mine")
	first := h.ephemeral(h.ann, h.product, "Your ideas, 1–20 of 23, newest first", "#23 Idea 23", "#4 Idea 04",
		"…and 3 older: /backlog mine 2 shows the next 3.")
	if first.Contains("#3 Idea 03") {
		t.Errorf("page 1 shows more than 20:\n%s", first.Text)
	}
	h.slash(h.ann, h.product, "/backlog", "mine 2")
	second := h.ephemeral(h.ann, h.product, "Your ideas, 21–23 of 23, newest first", "#3 Idea 03", "#1 Idea 01")
	if second.Contains("older") {
		t.Errorf("the last page promises more:\n%s", second.Text)
	}
	h.slash(h.ann, h.product, "/backlog", "mine 3")
	h.ephemeral(h.ann, h.product, "You have 23 ideas, so there is no page 3.")
	h.slash(h.ann, h.product, "/backlog", "mine two")
	h.ephemeral(h.ann, h.product, "Say which page of your ideas, like /backlog mine 2")

	for i := range 7 {
		h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("score #%d value=8 effort=2", i+1))
	}
	if err := h.emu.OpenHome(t.Context(), h.ann); err != nil {
		t.Fatal(err)
	}
	var home slackemu.View
	if err := h.emu.Wait(t.Context(), func() bool { home, _ = h.emu.Home(h.ann); return strings.Contains(home.Text, "How to use") }); err != nil {
		t.Fatal("no home tab")
	}
	for _, want := range []string{"…and 8 older: /backlog mine lists them all, 20 at a time.", "Top of #product (7 ideas ranked)",
		"…and 2 more: /backlog in #product lists them all."} {
		if !strings.Contains(home.Text, want) {
			t.Errorf("home lacks %q:\n%s", want, home.Text)
		}
	}
}

// A title needs visible characters, typed or in the form.
func TestInvisibleTitlesAreRefused(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for _, title := range []string{"\u200b\u200c\u200d", "\ufeff", "\u202e", "\u2066\u2069 \u3164"} {
		h.slash(h.ann, h.product, "/idea", title+" | a description")
		h.ephemeral(h.ann, h.product, "An idea needs a title with visible characters")
	}
	h.slash(h.ann, h.product, "/idea", "")
	if err := h.emu.Wait(t.Context(), func() bool { _, ok := h.emu.Modal(h.ann); return ok }); err != nil {
		t.Fatal("/idea alone opened no form")
	}
	errs, err := h.emu.Submit(t.Context(), h.ann, map[string]string{"title": "\u200b\u2060", "description": "why"})
	if err != nil || !strings.Contains(errs["title"], "needs a title with visible characters") {
		t.Fatalf("an invisible title in the form: errors %v, %v", errs, err)
	}
	if got := h.emu.Messages(h.product); len(got) != 0 {
		t.Errorf("an invisible title made a card: %q", got[0].Text)
	}
}

// Placeholders in hints show as typed (<title>), not swallowed by Slack as links.
func TestPlaceholdersShowAsTyped(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, "Submit the first idea with /idea <title>.")
	h.slash(h.ann, h.product, "/backlog", "mine")
	h.ephemeral(h.ann, h.product, "Try /idea <title> in a channel.")
	h.slash(h.ann, h.product, "/backlog", "framework")
	h.ephemeral(h.ann, h.product, "Switch with /backlog framework <name>:")
	h.slash(h.ann, h.product, "/backlog", "decline #1")
	h.ephemeral(h.ann, h.product, "/backlog decline #1 <reason>")
	if err := h.emu.OpenHome(t.Context(), h.ann); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.Wait(t.Context(), func() bool {
		home, _ := h.emu.Home(h.ann)
		return strings.Contains(home.Text, "type /idea <title> in a channel")
	}); err != nil {
		home, _ := h.emu.Home(h.ann)
		t.Errorf("home:\n%s", home.Text)
	}
}

// Echoed input is shortened and shown as typed; switching frameworks posts
// one short line.
func TestFrameworkAnswersAreShort(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	long := strings.Repeat("moscow\u200b", 570)
	h.slash(h.ann, h.product, "/backlog", "framework "+long)
	answer := h.ephemeral(h.ann, h.product, "There is no framework “moscow\u200bmoscow")
	if len(answer.Text) > 200 || strings.Contains(answer.Text, `\u200b`) || !strings.Contains(answer.Text, "…”") {
		t.Errorf("the answer echoes %d characters of input (escaped: %v):\n%.300s", len(answer.Text), strings.Contains(answer.Text, `\u200b`), answer.Text)
	}
	h.slash(h.ann, h.product, "/backlog", "framework rice")
	h.slash(h.ann, h.product, "/backlog", "framework value-effort")
	back := h.message(h.product, "ann switched this backlog to Value vs effort (value, effort) and re-ranked it")
	for _, m := range h.emu.Messages(h.product) {
		if strings.Contains(m.Text, "switched") && (len(m.Text) > 250 || strings.Contains(m.Text, "higher is better")) {
			t.Errorf("a framework switch posted a wall of %d characters:\n%s", len(m.Text), m.Text)
		}
	}
	if back.Contains("value for value") {
		t.Errorf("switching back reads %q", back.Text)
	}
}

// An idea scored this week that a framework switch sent back to the queue
// is not shown with a score of 0.
func TestSummaryAfterAFrameworkSwitch(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=2")
	h.slash(h.ann, h.product, "/backlog", "framework rice")
	h.message(h.product, "switched this backlog to RICE")
	h.slash(h.ann, h.product, "/backlog", "summary")
	summary := h.message(h.product, "Backlog summary", "Scored this week\n#1 Dark mode — awaiting scoring again: the framework changed since")
	if summary.Contains("score 0") {
		t.Errorf("the summary shows a score of 0:\n%s", summary.Text)
	}
}

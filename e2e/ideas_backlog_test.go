package e2e

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// click presses a button as user and fails the test if the bot did not ack.
func (h *harness) click(user string, m slackemu.Message, label string) {
	h.t.Helper()
	if err := h.emu.Click(h.t.Context(), user, m, label); err != nil {
		h.t.Fatalf("click %q: %v", label, err)
	}
}

// support presses Me too on a card as user and waits for the confirmation:
// a click is acked before it is handled.
func (h *harness) support(user string, card slackemu.Message) {
	h.t.Helper()
	h.click(user, card, "Me too")
	h.ephemeral(user, card.Channel, "You support #")
}

// dm waits for a direct message to user containing parts.
func (h *harness) dm(user string, parts ...string) slackemu.Message {
	h.t.Helper()
	return h.waitMessage(func() []slackemu.Message { return h.emu.DMs(user) }, parts)
}

// idea submits an idea as user in channel and returns its card.
func (h *harness) idea(user, channel, text string) slackemu.Message {
	h.t.Helper()
	h.slash(user, channel, "/idea", text)
	title, _, _ := strings.Cut(text, "|")
	return h.message(channel, strings.TrimSpace(title))
}

func TestMeTooAndWhereButtons(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	card := h.idea(h.ann, h.product, "Dark mode")
	h.click(h.bob, card, "Me too")
	h.ephemeral(h.bob, h.product, "You support #1 now (1 supporter)")
	h.message(h.product, "#1 Dark mode", "1 supporter")
	h.click(h.ann, card, "Me too")
	h.ephemeral(h.ann, h.product, "You submitted #1, so it is yours already: Me too is for the others who want it. It has 1 supporter besides you.")
	h.message(h.product, "#1 Dark mode", "1 supporter") // the card counts the same
	h.click(h.bob, card, "Me too")
	h.ephemeral(h.bob, h.product, "You no longer support #1")
	// Redraws are coalesced: the card shows the withdrawal within a second.
	var now slackemu.Message
	if err := h.emu.Wait(t.Context(), func() bool {
		now, _ = slackemu.Last(h.emu.Messages(h.product), "#1 Dark mode")
		return !strings.Contains(now.Text, "supporter")
	}); err != nil {
		t.Errorf("card still counts a withdrawn supporter:\n%s", now.Text)
	}
	h.click(h.bob, card, "Where does it sit?")
	h.ephemeral(h.bob, h.product, "#1 Dark mode is 1st of 1 awaiting scoring in #product's backlog.")
}

func TestIdeaForm(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/idea", "")
	if err := h.emu.Wait(t.Context(), func() bool { _, ok := h.emu.Modal(h.ann); return ok }); err != nil {
		t.Fatal("/idea alone opened no form")
	}
	errs, err := h.emu.Submit(t.Context(), h.ann, map[string]string{"title": "  ", "description": "why"})
	if err != nil || !strings.Contains(errs["title"], "needs a title") {
		t.Fatalf("empty title: errors %v, %v", errs, err)
	}
	if errs, err := h.emu.Submit(t.Context(), h.ann, map[string]string{"title": "Offline mode", "description": "for trains & <planes>"}); err != nil || errs != nil {
		t.Fatalf("submit: %v %v", errs, err)
	}
	h.message(h.product, "#1 Offline mode", "for trains & <planes>")
	h.ephemeral(h.ann, h.product, "#1 Offline mode is in #product's backlog")
}

func TestLookalikeOffersAMerge(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode for the editor")
	h.idea(h.bob, h.product, "Editor dark mode")
	prompt := h.ephemeral(h.bob, h.product, "It looks like #1 Dark mode for the editor")
	h.click(h.bob, prompt, "Merge into #1")
	h.ephemeral(h.bob, h.product, "You merged #2 Editor dark mode into #1")
	h.message(h.product, "#2 Editor dark mode", "merged into #1")
	h.message(h.product, "#1 Dark mode for the editor", "1 supporter") // bob's support moved
	h.dm(h.ann, "bob merged #2 Editor dark mode into #1")

	h.idea(h.ann, h.product, "Editor in dark mode")
	prompt = h.ephemeral(h.ann, h.product, "It looks like #1")
	h.click(h.ann, prompt, "Keep mine")
	h.ephemeral(h.ann, h.product, "Kept #3 as its own idea.")
}

func TestScoringRanksAndExplains(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for _, title := range []string{"Dark mode", "Export", "Search", "Tags"} {
		h.idea(h.ann, h.product, title)
	}
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=3")
	h.ephemeral(h.ann, h.product, "You scored #1 Dark mode")
	h.slash(h.ann, h.product, "/backlog", "score #2 value=13 effort=2")
	h.slash(h.ann, h.product, "/backlog", "score #3 value=13 effort=3")
	h.slash(h.ann, h.product, "/backlog", "score #4 value=5")
	h.ephemeral(h.ann, h.product, "Saved. #4 still needs effort before it is ranked.")
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode sits 3rd of 3 in #product's backlog — score 2.67 (value 8 ÷ effort 3), scored on", "by ann; above it: #2, #3.")
	h.slash(h.bob, h.product, "/backlog", "4")
	h.ephemeral(h.bob, h.product, "#4 Tags is 1st of 1 awaiting scoring")
	h.message(h.product, "#2 Export", "score 6.5")

	h.slash(h.ann, h.product, "/backlog", "score #1 value=20 effort=3")
	h.ephemeral(h.ann, h.product, `Value takes a number from 1 to 13 (the cards are 1 2 3 5 8 13), not “20”.`)
	h.slash(h.ann, h.product, "/backlog", "")
	list := h.ephemeral(h.ann, h.product, "Backlog of #product: 1 awaiting scoring · 3 scored", "Ranked by score (3: every idea in play with a score, planned and in progress included)")
	if !strings.Contains(list.Text, "1. #2 Export — score 6.5") || !strings.Contains(list.Text, "3. #1 Dark mode — score 2.67") || !strings.Contains(list.Text, "#4 Tags") {
		t.Errorf("listing:\n%s", list.Text)
	}
}

func TestStatusChangesAreExplainedToAuthorAndSupporters(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	carl := h.emu.AddUser("carl", slackemu.UserOptions{})
	card := h.idea(h.ann, h.product, "Dark mode")
	h.support(carl, card)
	h.slash(h.bob, h.product, "/backlog", "status #1 planned")
	h.ephemeral(h.bob, h.product, "You moved #1 Dark mode from awaiting scoring to planned", "I'm letting 2 people know by direct message.")
	for _, u := range []string{h.ann, carl} {
		h.dm(u, "In #product, bob moved #1 Dark mode from awaiting scoring to planned.\n#1 Dark mode is planned without a score, so it is not in #product's ranking.")
	}
	if len(h.emu.DMs(h.bob)) != 0 {
		t.Error("the person who made the change got a DM about it")
	}
	h.message(h.product, "#1 Dark mode", "planned")

	h.slash(h.bob, h.product, "/backlog", "decline #1")
	h.ephemeral(h.bob, h.product, "Say why, so its author and supporters know")
	h.slash(h.bob, h.product, "/backlog", "decline #1 <!channel> not this <year>")
	dm := h.dm(h.ann, "bob declined #1 Dark mode", "declined by bob on", "“<!channel> not this <year>”")
	if len(dm.Mentions) != 0 {
		t.Errorf("a decline reason pinged %v", dm.Mentions)
	}
	card = h.message(h.product, "#1 Dark mode", "declined")
	if strings.Contains(strings.Join(card.Buttons, ","), "Me too") {
		t.Error("a declined idea's card still offers Me too")
	}
	h.slash(h.bob, h.product, "/backlog", "status #1 shipped")
	h.ephemeral(h.bob, h.product, "#1 is declined, so it can't be shipped")
	h.slash(carl, h.product, "/backlog", "#1")
	h.ephemeral(carl, h.product, "#1 Dark mode was declined by bob on", "not this")

	h.slash(h.bob, h.product, "/backlog", "reopen #1")
	h.dm(carl, "bob reopened #1 Dark mode (it was declined)")
	h.slash(h.bob, h.product, "/backlog", "status #1 shipped")
	h.dm(h.ann, "bob moved #1 Dark mode from awaiting scoring to shipped", "shipped on")
}

func TestMergeCommandMovesSupport(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	carl := h.emu.AddUser("carl", slackemu.UserOptions{})
	h.idea(h.ann, h.product, "Dark mode")
	dup := h.idea(h.bob, h.product, "Night theme")
	h.support(carl, dup)
	h.slash(h.ann, h.product, "/backlog", "merge #2 into #1")
	h.ephemeral(h.ann, h.product, "You merged #2 Night theme into #1")
	h.dm(carl, "ann merged #2 Night theme into #1", "was merged into #1 Dark mode by ann")
	h.dm(h.bob, "ann merged #2 Night theme into #1")
	h.slash(h.ann, h.product, "/backlog", "merge #1 into #2")
	h.ephemeral(h.ann, h.product, "#2 is merged, so it can't be merged")
	h.message(h.product, "#1 Dark mode", "2 supporters")
}

func TestFrameworkSwitch(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=2")
	h.slash(h.ann, h.product, "/backlog", "framework")
	h.ephemeral(h.ann, h.product, "This backlog scores with value-effort", "rice RICE: score = reach × impact × confidence ÷ effort")
	h.slash(h.ann, h.product, "/backlog", "framework moscow")
	h.ephemeral(h.ann, h.product, `There is no framework “moscow”`)
	h.slash(h.ann, h.product, "/backlog", "framework rice")
	h.message(h.product, "ann switched this backlog to RICE (reach, impact, confidence, effort) and re-ranked it by the values ideas already had: 1 idea is awaiting scoring. /backlog framework shows the scales.")
	h.slash(h.ann, h.product, "/backlog", "score #1 reach=13 impact=2 confidence=80% effort=2")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "score 10.4 (reach 13 × impact 2 × confidence 80% ÷ effort 2)")
	h.slash(h.ann, h.product, "/backlog", "framework value-effort")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "score 4 (value 8 ÷ effort 2)") // the old values count again
}

func TestOwnersAndRefusals(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	boss := h.emu.AddUser("boss", slackemu.UserOptions{Admin: true})
	h.idea(h.bob, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "owners")
	h.ephemeral(h.ann, h.product, "no owners, so anyone in the channel may manage it")
	h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("owners add <@%s|ann>", h.ann))
	h.ephemeral(h.ann, h.product, "owners are now @ann")
	for _, cmd := range []string{"status #1 planned", "decline #1 no", "score #1 value=8 effort=2", "framework ice", "owners add <@" + h.bob + ">", "merge #1 into #1"} {
		h.slash(h.bob, h.product, "/backlog", cmd)
	}
	refusals := 0
	for _, m := range h.emu.Ephemerals(h.bob, h.product) {
		if m.Contains("Only this backlog's owners (and workspace admins) can ") {
			refusals++
		}
	}
	for _, what := range []string{"move #1 to planned.", "decline #1.", "score #1.", "switch its framework.", "change its owners."} {
		h.ephemeral(h.bob, h.product, "Only this backlog's owners (and workspace admins) can "+what+" /backlog owners shows who they are.")
	}
	if refusals != 5 {
		t.Errorf("%d refusals for 5 owner-only commands by a non-owner:\n%v", refusals, h.emu.Ephemerals(h.bob, h.product))
	}
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode is 1st of 1 awaiting scoring") // nothing changed
	h.slash(boss, h.product, "/backlog", "status #1 planned")
	h.ephemeral(boss, h.product, "You moved #1 Dark mode from awaiting scoring to planned") // a workspace admin may
	h.slash(h.ann, h.product, "/backlog", "owners remove <@"+h.ann+">")
	h.ephemeral(h.ann, h.product, "no owners now")
}

func TestBadIdeaReferences(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for ref, answer := range map[string]string{
		"#0": "there is no #0", "#-1": "is not an idea number", "#99999999999999999999": "far larger than any idea number",
		"#abc": "is not an idea number", "#7": "There is no idea #7 in this channel's backlog", "#<!here>": "is not an idea number",
	} {
		h.slash(h.ann, h.product, "/backlog", ref)
		m := h.ephemeral(h.ann, h.product, answer)
		if len(m.Mentions) != 0 {
			t.Errorf("answer to %q pings %v", ref, m.Mentions)
		}
	}
}

func TestListingPages(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for i := 1; i <= 12; i++ {
		h.slash(h.ann, h.product, "/idea", fmt.Sprintf("Idea %02d", i))
		h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("score #%d value=%d effort=1", i, []int{1, 2, 3, 5, 8, 13}[i%6]))
	}
	h.slash(h.bob, h.product, "/backlog", "")
	page := h.ephemeral(h.bob, h.product, "Backlog of #product: 12 scored", "1. #5 Idea 05 — score 13", "10. ")
	if strings.Contains(page.Text, "11. ") || strings.Join(page.Buttons, ",") != "Next" {
		t.Fatalf("first page:\n%s\nbuttons %v", page.Text, page.Buttons)
	}
	h.click(h.bob, page, "Next")
	next := h.ephemeral(h.bob, h.product, "11. #6 Idea 06 — score 1", "12. #12 Idea 12 — score 1")
	if strings.Join(next.Buttons, ",") != "Previous" || next.TS != page.TS {
		t.Errorf("second page should replace the first, with Previous: %+v", next)
	}
}

func TestMineSearchAndExport(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode | easier on the eyes at night")
	h.idea(h.ann, h.design, "Bigger buttons")
	h.idea(h.bob, h.product, `Export, with "quotes"`)
	h.slash(h.ann, h.product, "/backlog", "mine")
	mine := h.ephemeral(h.ann, h.product, "Your ideas", "#2 Bigger buttons — 1st of 1 awaiting scoring in #design", "#1 Dark mode — 1st of 2 awaiting scoring in #product")
	if strings.Contains(mine.Text, "Export") {
		t.Errorf("mine lists bob's idea:\n%s", mine.Text)
	}
	h.slash(h.bob, h.product, "/backlog", "search NIGHT")
	h.ephemeral(h.bob, h.product, "1 idea matching “night”", "#1 Dark mode — awaiting scoring")
	h.slash(h.bob, h.product, "/backlog", "search buttons")
	h.ephemeral(h.bob, h.product, "No idea in this channel's backlog matches “buttons”")

	h.slash(h.bob, h.product, "/backlog", "export")
	h.ephemeral(h.bob, h.product, "I've sent you 2 ideas as a CSV file in a direct message.")
	var files []slackemu.File
	for _, m := range h.emu.DMs(h.bob) {
		for range m.Files {
			files = append(files, h.emu.Files(m.Channel)...)
		}
	}
	if len(files) != 1 || !strings.HasPrefix(files[0].Name, "backlog-product-") {
		t.Fatalf("files in bob's DM: %+v", files)
	}
	rows, err := csv.NewReader(strings.NewReader(string(files[0].Content))).ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v", err)
	}
	if len(rows) != 3 || rows[0][2] != "title" || rows[1][2] != "Dark mode" || rows[1][3] != "easier on the eyes at night" || rows[2][2] != `Export, with "quotes"` {
		t.Errorf("export rows: %q", rows)
	}
	if !strings.Contains(string(files[0].Content), "\r\n") {
		t.Error("RFC 4180 rows end in CRLF")
	}
}

func TestPrivateChannelIdeasStayThere(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	secret := h.emu.AddChannel("secret", slackemu.ChannelOptions{Private: true})
	card := h.idea(h.ann, secret, "Acquire a competitor")
	carl := h.emu.AddUser("carl", slackemu.UserOptions{})
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "There is no idea #1 in this channel's backlog")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Acquire a competitor is 1st of 1 awaiting scoring") // the author may
	h.support(carl, card)
	h.slash(carl, h.product, "/backlog", "#1")
	h.ephemeral(carl, h.product, "#1 Acquire a competitor") // and so may a supporter
	h.slash(h.bob, h.product, "/backlog", "search competitor")
	h.ephemeral(h.bob, h.product, "No idea in this channel's backlog matches")

	// A public channel's ideas can be looked up from anywhere.
	h.idea(h.bob, h.product, "Dark mode")
	h.slash(carl, h.design, "/backlog", "#2")
	h.ephemeral(carl, h.design, "#2 Dark mode is 1st of 1 awaiting scoring in #product's backlog")
}

func TestAppHomeShowsMyIdeasAndTopOfBacklogs(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.bob, h.product, "Export")
	h.slash(h.ann, h.product, "/backlog", "score #2 value=8 effort=2")
	if err := h.emu.OpenHome(t.Context(), h.ann); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.Wait(t.Context(), func() bool { _, ok := h.emu.Home(h.ann); return ok }); err != nil {
		t.Fatal("no home tab")
	}
	home, _ := h.emu.Home(h.ann)
	for _, want := range []string{"Your ideas", "#1 Dark mode — 1st of 1 awaiting scoring in #product", "Top of #product (1 idea ranked)", "1. #2 Export — score 4", "How to use priobot", "[All commands]"} {
		if !strings.Contains(home.Text, want) {
			t.Errorf("home lacks %q:\n%s", want, home.Text)
		}
	}
}

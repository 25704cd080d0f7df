package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// shortcut picks "Add to backlog" on m as user and waits for the form.
func (h *harness) shortcut(user string, m slackemu.Message) slackemu.View {
	h.t.Helper()
	if err := h.emu.MessageShortcut(h.t.Context(), user, m, "Add to backlog"); err != nil {
		h.t.Fatal(err)
	}
	return h.form(user)
}

// form waits for the modal in front of user.
func (h *harness) form(user string) slackemu.View {
	h.t.Helper()
	var v slackemu.View
	if err := h.emu.Wait(h.t.Context(), func() bool { var ok bool; v, ok = h.emu.Modal(user); return ok }); err != nil {
		h.t.Fatal("no form opened")
	}
	return v
}

// submit presses the form's submit button as user and fails on errors.
func (h *harness) submit(user string, values map[string]string) {
	h.t.Helper()
	errs, err := h.emu.Submit(h.t.Context(), user, values)
	if err != nil || len(errs) > 0 {
		h.t.Fatalf("submit: %v %v", errs, err)
	}
}

// A customer's request in #support becomes an idea in #product's
// backlog in two clicks; whoever wrote it supports it, and the thread
// where it was asked hears of every move. A second add makes no second idea.
func TestMessageBecomesAnIdeaAndTheThreadHearsBack(t *testing.T) {
	p := newPokerTable(t)
	support := p.emu.AddChannel("support", slackemu.ChannelOptions{})
	dana := p.emu.AddUser("dana", slackemu.UserOptions{})
	asked, err := p.emu.Say(dana, support, "", "Dark mode please\nOur night shift can't read the screens. <@"+p.carl+"|carl> agrees.")
	if err != nil {
		t.Fatal(err)
	}
	p.shortcut(p.bob, asked)
	p.submit(p.bob, map[string]string{"backlog": p.product})

	card := p.message(p.product, "#1 Dark mode please", "Our night shift can't read the screens. @carl agrees.", "Submitted by bob", "1 supporter",
		"from dana's message in #support")
	if len(card.Mentions) != 0 {
		t.Errorf("the card pings %v", card.Mentions)
	}
	reply := p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, asked.TS) },
		[]string{"Added to #product's backlog as #1 Dark mode please — 1st awaiting scoring. Updates will follow here."})
	if len(reply.Mentions) != 0 {
		t.Errorf("the thread reply pings %v", reply.Mentions)
	}
	// Told where he acted: in #support.
	p.ephemeral(p.bob, support, "Thanks! #1 Dark mode please is in #product's backlog", "I said so in the message's thread; updates will follow there.")

	// carl adds the same message, naming ann as asking too.
	p.shortcut(p.carl, asked)
	p.submit(p.carl, map[string]string{"backlog": p.product, "requesters": dana + "," + p.ann})
	p.ephemeral(p.carl, support, "That message is already #1 in #product's backlog, so no second idea was made.",
		"You and the people you named support it now: 3 supporters.")
	if n := len(p.emu.Messages(p.product)); n != 1 {
		t.Errorf("%d messages in #product, want the one card", n)
	}

	// Every move reaches the thread, and the supporters by DM.
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	p.slash(p.ann, p.product, "/backlog", "status #1 planned")
	p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, asked.TS) }, []string{"#1 Dark mode please is now planned — ann"})
	p.dm(dana, "In #product, ann moved #1 Dark mode please from awaiting scoring to planned.")
	p.dm(p.carl, "In #product, ann moved #1 Dark mode please from awaiting scoring to planned.")
	p.slash(p.ann, p.product, "/backlog", "decline #1 Not this quarter")
	p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, asked.TS) }, []string{"#1 Dark mode please is now declined — ann: “Not this quarter”"})
	p.slash(p.ann, p.product, "/backlog", "reopen #1")
	p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, asked.TS) }, []string{"#1 Dark mode please is back in play, awaiting scoring — ann"})
	for _, m := range p.emu.Thread(support, asked.TS) {
		if len(m.Mentions) != 0 {
			t.Errorf("%q pings %v", m.Text, m.Mentions)
		}
	}
	p.slash(dana, p.product, "/backlog", "#1")
	p.ephemeral(dana, p.product, "from dana's message in #support")

	// Accepted in poker: the thread hears the new place.
	session := p.begin("#1 with " + mention(p.bob, "bob"))
	card = p.card(session, 1, "Nobody has voted yet")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")
	p.click(p.ann, p.card(session, 1, "Would score"), "Accept")
	p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, asked.TS) },
		[]string{"#1 Dark mode please was scored in priority poker: 2.67, now 1st of 1 in #product's backlog — ann"})

	// Merged: the merged idea's thread hears where it went.
	again, _ := p.emu.Say(p.dan, support, "", "Night theme?")
	p.shortcut(p.bob, again)
	p.submit(p.bob, map[string]string{"backlog": p.product})
	p.slash(p.ann, p.product, "/backlog", "merge #2 into #1")
	p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, again.TS) },
		[]string{"#2 Night theme? was merged into #1 Dark mode please — ann"})
}

// From a private channel priobot is not in: the form warns that the text
// will show in the backlog's channel; the idea is made, its author told
// the thread gets no updates, and the news go by DM.
func TestMessageFromWherePriobotCannotPost(t *testing.T) {
	p := newPokerTable(t)
	secret := p.emu.AddChannel("deals", slackemu.ChannelOptions{Private: true, NoBot: true})
	dana := p.emu.AddUser("dana", slackemu.UserOptions{})
	asked, _ := p.emu.Say(dana, secret, "", "SSO for the big customer")
	form := p.shortcut(p.bob, asked)
	if !strings.Contains(form.Text, "This message is in a private conversation. Added to a backlog in another channel, its title and description will be visible there.") {
		t.Errorf("the form says %q", form.Text)
	}
	p.submit(p.bob, map[string]string{"backlog": p.product})
	// priobot cannot post in #deals, where he acted: a DM tells him.
	p.dm(p.bob, "#1 SSO for the big customer is in #product's backlog",
		"I can't post in the conversation that message is in, so its thread won't get updates; its requesters hear by direct message.")
	p.slash(p.ann, p.product, "/backlog", "status #1 planned")
	p.dm(dana, "In #product, ann moved #1 SSO for the big customer from awaiting scoring to planned.")
	tries := 0
	for _, c := range p.emu.Calls("chat.postMessage") {
		if c.Params["channel"] == secret {
			tries++
		}
	}
	if tries != 1 {
		t.Errorf("%d posts tried in #deals, want only the first reply", tries)
	}

	// A private channel's backlog takes ideas only from its members.
	leads := p.emu.AddChannel("leads", slackemu.ChannelOptions{Private: true, Members: []string{p.ann}})
	p.shortcut(p.bob, asked)
	errs, err := p.emu.Submit(t.Context(), p.bob, map[string]string{"backlog": leads})
	if err != nil || errs["backlog"] != "That backlog is in a private channel you are not in (or I am not in). Choose one you are a member of." {
		t.Errorf("bob added to a private channel's backlog: %v %v", errs, err)
	}
	p.submit(p.bob, map[string]string{"backlog": p.product}) // the form stays open: he picks another
	p.dm(p.bob, "That message is already #1 in #product's backlog, so no second idea was made.")

	// A message of files only: the title must be typed.
	files, _ := p.emu.Say(dana, p.design, "", "")
	form = p.shortcut(p.bob, files)
	if !strings.Contains(form.Text, "This message has no text: give the idea a title.") {
		t.Errorf("the form says %q", form.Text)
	}
	errs, err = p.emu.Submit(t.Context(), p.bob, map[string]string{"backlog": p.product})
	if err != nil || errs["title"] != "Give the idea a title: what should people call it?" {
		t.Errorf("an empty title was taken: %v %v", errs, err)
	}
}

// The ⚡ menu's New idea: the same form, with a backlog picker and no source.
func TestGlobalShortcutNewIdea(t *testing.T) {
	p := newPokerTable(t)
	if err := p.emu.GlobalShortcut(t.Context(), p.bob, "New idea"); err != nil {
		t.Fatal(err)
	}
	p.form(p.bob)
	p.submit(p.bob, map[string]string{"title": "Export to CSV", "backlog": p.design, "requesters": p.dan})
	p.message(p.design, "#1 Export to CSV", "Submitted by bob", "1 supporter")
	p.ephemeral(p.bob, p.design, "Thanks! #1 Export to CSV is in #design's backlog")

	// A form whose metadata names someone else is refused.
	if err := p.emu.GlobalShortcut(t.Context(), p.carl, "New idea"); err != nil {
		t.Fatal(err)
	}
	p.form(p.carl)
	errs, err := p.emu.SubmitForged(t.Context(), p.carl, `{"t":"`+slackemu.DefaultTeam+`","u":"`+p.bob+`"}`,
		map[string]string{"title": "Forged", "backlog": p.design})
	if err != nil || errs["title"] == "" {
		t.Errorf("a forged form was taken: %v %v", errs, err)
	}
	if n := len(p.emu.Messages(p.design)); n != 1 {
		t.Errorf("%d messages in #design, want the one card", n)
	}

	// The Home tab's New idea button opens the same form.
	if err := p.emu.OpenHome(t.Context(), p.dan); err != nil {
		t.Fatal(err)
	}
	if err := p.emu.Wait(t.Context(), func() bool { h, ok := p.emu.Home(p.dan); return ok && strings.Contains(h.Text, "Add to backlog") }); err != nil {
		t.Fatal("no Home for dan")
	}
	if err := p.emu.ClickHome(t.Context(), p.dan, "New idea"); err != nil {
		t.Fatal(err)
	}
	p.form(p.dan)
	p.submit(p.dan, map[string]string{"title": "Keyboard shortcuts", "backlog": p.product})
	p.message(p.product, "#2 Keyboard shortcuts", "Submitted by dan")
}

// In a DM or a group DM there is no backlog: /idea opens the form with a
// backlog picker and what was typed; /backlog and /poker say where to go;
// and nothing asks Slack about the conversation (no im:read, mpim:read).
func TestCommandsOutsideAChannel(t *testing.T) {
	p := newPokerTable(t)
	im := p.emu.IM(p.bob)
	group := p.emu.AddChannel("mpdm-bob--carl-1", slackemu.ChannelOptions{Private: true})
	p.slash(p.bob, im, "/idea", "Dark mode | for the night shift")
	p.form(p.bob)
	p.submit(p.bob, map[string]string{"backlog": p.product})
	p.message(p.product, "#1 Dark mode", "for the night shift", "Submitted by bob")
	for _, c := range []string{im, group} {
		p.slash(p.bob, c, "/backlog", "")
		p.ephemeral(p.bob, c, "Backlogs live in channels: run /backlog in the channel whose backlog you mean. Here, /backlog mine lists your ideas")
		p.slash(p.bob, c, "/poker", "#1")
		p.ephemeral(p.bob, c, "Backlogs live in channels: run /poker in the channel whose backlog you mean, and the session runs in a thread there.")
		p.slash(p.bob, c, "/backlog", "status #1 planned")
	}
	p.slash(p.bob, im, "/backlog", "#1")
	p.ephemeral(p.bob, im, "#1 Dark mode is 1st of 1 awaiting scoring in #product's backlog.")
	p.slash(p.bob, group, "/backlog", "mine")
	p.ephemeral(p.bob, group, "#1 Dark mode")
	for _, c := range p.emu.Calls() {
		if c.Error == "missing_scope" {
			t.Errorf("%s needed a scope priobot does not ask for: %v", c.Method, c.Params)
		}
	}
	if strings.Contains(p.emu.Messages(p.product)[0].Text, "planned") {
		t.Error("a status change typed in a DM was made")
	}
}

// Links to where the work lives: the author or an owner adds them, at
// most five, https only; they show on the card and in where-it-sits.
func TestLinks(t *testing.T) {
	p := newPokerTable(t)
	p.idea(p.bob, p.product, "Dark mode")
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	p.slash(p.carl, p.product, "/backlog", "link #1 <https://tracker.example.com/browse/PROJ-12>")
	p.ephemeral(p.carl, p.product, "Only #1's author or this backlog's owners (and workspace admins) can change its links.")
	p.slash(p.bob, p.product, "/backlog", "link #1 <https://tracker.example.com/browse/PROJ-12>")
	p.ephemeral(p.bob, p.product, "#1 now links to https://tracker.example.com/browse/PROJ-12. The link shows on its card and in /backlog #1.")
	p.message(p.product, "#1 Dark mode", "Links: tracker.example.com/browse/PROJ-12")
	p.slash(p.ann, p.product, "/backlog", "link #1 https://tracker.example.com/browse/PROJ-12")
	p.ephemeral(p.ann, p.product, "#1 links to https://tracker.example.com/browse/PROJ-12 already.")
	for i := range 4 {
		p.slash(p.ann, p.product, "/backlog", fmt.Sprintf("link #1 https://docs.example.com/spec-%d", i))
	}
	p.slash(p.ann, p.product, "/backlog", "link #1 https://docs.example.com/more")
	p.ephemeral(p.ann, p.product, "#1 has 5 links already, the most an idea may have. /backlog unlink #1 <url> makes room.")
	p.slash(p.ann, p.product, "/backlog", "link #1 http://insecure.example.com/")
	p.ephemeral(p.ann, p.product, "Give an https:// URL as a link, not “http://insecure.example.com/”.")
	p.slash(p.bob, p.product, "/backlog", "unlink #1 https://docs.example.com/spec-0")
	p.ephemeral(p.bob, p.product, "#1 no longer links to https://docs.example.com/spec-0.")
	p.slash(p.dan, p.product, "/backlog", "#1")
	p.ephemeral(p.dan, p.product, "#1 Dark mode is 1st of 1 awaiting scoring", "Links: tracker.example.com/browse/PROJ-12 · docs.example.com/spec-1")
	p.message(p.product, "#1 Dark mode", "Links: tracker.example.com/browse/PROJ-12 · docs.example.com/spec-1 · docs.example.com/spec-2 · docs.example.com/spec-3")
}

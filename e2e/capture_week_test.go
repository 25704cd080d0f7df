package e2e

import (
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// A merged idea's requesters keep their thread: it follows the idea it
// went into, one line per move; the history says who moved with it.
func TestAMergedIdeasThreadFollowsWhereItWent(t *testing.T) {
	p := newPokerTable(t)
	support := p.emu.AddChannel("support", slackemu.ChannelOptions{})
	emi := p.emu.AddUser("emi", slackemu.UserOptions{})
	asked, err := p.emu.Say(emi, support, "", "SSO please\nOur IT wants Okta.")
	if err != nil {
		t.Fatal(err)
	}
	p.shortcut(p.bob, asked)
	p.submit(p.bob, map[string]string{"backlog": p.product})
	p.message(p.product, "#1 SSO please")
	p.idea(p.ann, p.product, "SSO with Okta")
	thread := func(parts ...string) {
		t.Helper()
		p.waitMessage(func() []slackemu.Message { return p.emu.Thread(support, asked.TS) }, parts)
	}
	p.slash(p.ann, p.product, "/backlog", "merge #1 into #2")
	p.ephemeral(p.ann, p.product, "#1")
	thread("#1 SSO please was merged into #2 SSO with Okta — ann")
	p.slash(p.ann, p.product, "/backlog", "status #2 planned")
	thread("#2 SSO with Okta is now planned — ann")
	p.dm(emi, "In #product, ann moved #2 SSO with Okta from awaiting scoring to planned.")
	p.slash(p.ann, p.product, "/backlog", "history #2")
	p.ephemeral(p.ann, p.product, "ann merged #1 into it; 2 supporters moved from #1")
}

// The form's answers go where the person acted: the confirmation and the
// look-alike hint (its Merge works from there) in the message's channel;
// and whoever opens the form on a message that is an idea already is told
// so as it opens, and joins its requesters.
func TestFormAnswersGoWhereThePersonIs(t *testing.T) {
	p := newPokerTable(t)
	support := p.emu.AddChannel("support", slackemu.ChannelOptions{})
	emi := p.emu.AddUser("emi", slackemu.UserOptions{})
	p.idea(p.ann, p.product, "Dark mode")
	asked, _ := p.emu.Say(emi, support, "", "Dark mode please\nThe screens glare at night.")
	p.shortcut(p.bob, asked)
	p.submit(p.bob, map[string]string{"backlog": p.product})
	hint := p.ephemeral(p.bob, support, "Thanks! #2 Dark mode please is in #product's backlog", "It looks like #1 Dark mode")
	for _, m := range p.emu.Ephemerals(p.bob, p.product) {
		t.Errorf("bob was answered in #product, where he was not: %q", m.Text)
	}
	form := p.shortcut(p.carl, asked)
	if !strings.Contains(form.Text, "This message is already #2 Dark mode please — 2nd of 2 awaiting scoring in #product.") ||
		!strings.Contains(form.Text, "adds you, and whoever you name below, as requesters") ||
		form.SubmitLabel != "Add me as requester" {
		t.Errorf("carl's form says %q, submit %q", form.Text, form.SubmitLabel)
	}
	p.submit(p.carl, nil)
	p.ephemeral(p.carl, support, "That message is already #2 in #product's backlog", "You and the people you named support it now: 2 supporters.")
	p.click(p.bob, hint, "Merge into #1")
	p.message(p.product, "#2 Dark mode please", "merged into #1")
}

// The form opens on where ideas go: the backlog the person last added to,
// else the message's channel when it holds a backlog, else the
// workspace's only backlog, else none chosen.
func TestTheFormOpensOnWhereIdeasGo(t *testing.T) {
	p := newPokerTable(t)
	support := p.emu.AddChannel("support", slackemu.ChannelOptions{})
	newIdea := func(user string, values map[string]string) map[string]string {
		t.Helper()
		if err := p.emu.GlobalShortcut(t.Context(), user, "New idea"); err != nil {
			t.Fatal(err)
		}
		p.form(user)
		errs, err := p.emu.Submit(t.Context(), user, values)
		if err != nil {
			t.Fatal(err)
		}
		return errs
	}
	if errs := newIdea(p.bob, map[string]string{"title": "Dark mode"}); errs["backlog"] == "" {
		t.Error("with no backlog anywhere, the form chose one")
	}
	p.submit(p.bob, map[string]string{"title": "Dark mode", "backlog": p.design})
	p.message(p.design, "#1 Dark mode")
	newIdea(p.carl, map[string]string{"title": "Export"}) // the only backlog
	p.message(p.design, "#2 Export")
	p.idea(p.ann, p.product, "SSO")
	newIdea(p.bob, map[string]string{"title": "Bigger buttons"}) // where he last added
	p.message(p.design, "#4 Bigger buttons")
	asked, _ := p.emu.Say(p.dan, support, "", "Audit log")
	p.shortcut(p.ann, asked)
	p.submit(p.ann, nil) // where she last added
	p.message(p.product, "#5 Audit log")
	inProduct, _ := p.emu.Say(p.bob, p.product, "", "Offline mode")
	p.shortcut(p.dan, inProduct)
	p.submit(p.dan, nil) // the message's channel holds a backlog
	p.message(p.product, "#6 Offline mode")
	again, _ := p.emu.Say(p.bob, support, "", "Keyboard shortcuts")
	p.shortcut(p.carl, again) // carl added to #design once: that is where he adds
	p.submit(p.carl, nil)
	p.message(p.design, "#7 Keyboard shortcuts")
	other, _ := p.emu.Say(p.bob, support, "", "Webhooks")
	fay := p.emu.AddUser("fay", slackemu.UserOptions{})
	p.shortcut(fay, other)
	if errs, _ := p.emu.Submit(t.Context(), fay, nil); errs["backlog"] == "" {
		t.Error("for a message where no backlog is, with two backlogs, the form chose one")
	}
}

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
)

// roadmapDesk is #product with four ideas and ann its owner.
func roadmapDesk(t *testing.T) *harness {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/backlog", "owners add "+mention(h.ann, "ann"))
	h.ephemeral(h.ann, h.product, "This backlog's owners are now @ann.")
	for _, title := range []string{"Dark mode", "SSO with Okta", "Export to CSV", "Audit log"} {
		h.idea(h.bob, h.product, title)
	}
	h.slash(h.ann, h.product, "/backlog", "score #2 value=13 effort=5")
	h.ephemeral(h.ann, h.product, "#2 SSO with Okta")
	return h
}

// Goals are outcomes owners name; ideas go under one goal at most; a goal
// ideas serve is not removed; a 13th is refused.
func TestGoals(t *testing.T) {
	h := roadmapDesk(t)
	h.slash(h.bob, h.product, "/backlog", "goal add Win enterprise deals")
	h.ephemeral(h.bob, h.product, "Only this backlog's owners (and workspace admins) can add goals.")
	h.slash(h.ann, h.product, "/backlog", "goal add Win enterprise deals | SSO, audit logs and admin controls")
	h.ephemeral(h.ann, h.product, "Added the goal Win enterprise deals.")
	h.slash(h.ann, h.product, "/backlog", "goal add win ENTERPRISE deals")
	h.ephemeral(h.ann, h.product, "This backlog has a goal “win ENTERPRISE deals” already")
	h.slash(h.ann, h.product, "/backlog", "goal add Retention")
	h.ephemeral(h.ann, h.product, "Added the goal Retention.")
	h.slash(h.ann, h.product, "/backlog", "goal #2 Win enterprise deals")
	h.ephemeral(h.ann, h.product, "#2 serves Win enterprise deals now.")
	h.slash(h.ann, h.product, "/backlog", "goal #4 win enterprise deals")
	h.ephemeral(h.ann, h.product, "#4 serves Win enterprise deals now.")
	h.slash(h.ann, h.product, "/backlog", "goal #1 Growth")
	h.ephemeral(h.ann, h.product, "This backlog has no goal “Growth”; its goals are Win enterprise deals and Retention.")
	h.slash(h.ann, h.product, "/backlog", "goal remove Win enterprise deals")
	h.ephemeral(h.ann, h.product, "“Win enterprise deals” serves #2, #4; move them to another goal (/backlog goal #2 <goal> or none) first. Nothing was removed.")
	h.slash(h.ann, h.product, "/backlog", "goal rename Retention = Keep customers | Fewer churned accounts")
	h.ephemeral(h.ann, h.product, "Renamed the goal Retention to Keep customers")
	for i := 3; i <= 12; i++ {
		h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("goal add Goal %d", i))
		h.ephemeral(h.ann, h.product, fmt.Sprintf("Added the goal Goal %d.", i))
	}
	h.slash(h.ann, h.product, "/backlog", "goal add Goal 13")
	h.ephemeral(h.ann, h.product, "A backlog has at most 12 goals; remove one first")
	h.slash(h.ann, h.product, "/backlog", "goal #4 none")
	h.ephemeral(h.ann, h.product, "#4 serves no goal now.")
	h.slash(h.ann, h.product, "/backlog", "goals")
	h.ephemeral(h.ann, h.product, "Goals of #product's backlog", "• Win enterprise deals: 0 · 0 · 0, 0 shipped — SSO, audit logs and admin controls",
		"• Keep customers: 0 · 0 · 0, 0 shipped — Fewer churned accounts")
}

// Placing ideas: Now and Next plan them, Later keeps them ranked, in
// progress stays in Now, closed ideas stay off; the views show it, and
// sharing posts it with its picture.
func TestTheRoadmap(t *testing.T) {
	h := roadmapDesk(t)
	h.slash(h.ann, h.product, "/backlog", "goal add Win enterprise deals")
	h.ephemeral(h.ann, h.product, "Added the goal")
	h.slash(h.ann, h.product, "/backlog", "goal #2 Win enterprise deals")
	h.ephemeral(h.ann, h.product, "#2 serves Win enterprise deals now.")
	h.slash(h.ann, h.product, "/backlog", "goal #4 Win enterprise deals")
	h.ephemeral(h.ann, h.product, "#4 serves Win enterprise deals now.")

	h.slash(h.bob, h.product, "/backlog", "roadmap #2 now")
	h.ephemeral(h.bob, h.product, "Only this backlog's owners (and workspace admins) can place ideas on the roadmap.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #2 now")
	h.ephemeral(h.ann, h.product, "#2 SSO with Okta is on the roadmap in Now; it is planned.")
	h.dm(h.bob, "In #product, ann moved #2 SSO with Okta from scored to planned.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #4 next")
	h.ephemeral(h.ann, h.product, "#4 Audit log is on the roadmap in Next; it is planned.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #1 later")
	h.ephemeral(h.ann, h.product, "#1 Dark mode is on the roadmap in Later; it is awaiting scoring.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #4 later")
	h.ephemeral(h.ann, h.product, "#4 Audit log moved from Next to Later; it is awaiting scoring.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #4 next")
	h.ephemeral(h.ann, h.product, "#4 Audit log moved from Later to Next; it is planned.")
	h.slash(h.ann, h.product, "/backlog", "status #2 in-progress")
	h.ephemeral(h.ann, h.product, "#2")
	h.slash(h.ann, h.product, "/backlog", "roadmap #2 later")
	h.ephemeral(h.ann, h.product, "#2 is in progress, so it stays in Now until it ships")
	h.slash(h.ann, h.product, "/backlog", "decline #3 Out of scope this year")
	h.ephemeral(h.ann, h.product, "declined")
	h.slash(h.ann, h.product, "/backlog", "roadmap #3 later")
	h.ephemeral(h.ann, h.product, "#3 is declined; only open ideas go on the roadmap.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #1 soon")
	h.ephemeral(h.ann, h.product, "“soon” is not a lane: say now, next, later or off")

	h.slash(h.bob, h.product, "/roadmap", "")
	team := h.ephemeral(h.bob, h.product, "Roadmap of #product — Now 1 · Next 1 · Later 1")
	for _, want := range []string{"Now (1)\n• #2 SSO with Okta · Win enterprise deals · score 2.6 · in progress",
		"Next (1)\n• #4 Audit log · Win enterprise deals · planned", "Later (1)\n• #1 Dark mode · awaiting scoring"} {
		if !team.Contains(want) {
			t.Errorf("the team view lacks %q:\n%s", want, team.Text)
		}
	}
	h.slash(h.bob, h.product, "/roadmap", "exec")
	exec := h.ephemeral(h.bob, h.product, "Roadmap of #product by goal")
	for _, want := range []string{"Win enterprise deals\nNow 1: SSO with Okta\nNext 1: Audit log\nLater 0\nShipped in the last 90 days: 0",
		"No goal\nNow 0\nNext 0\nLater 1: Dark mode"} {
		if !exec.Contains(want) {
			t.Errorf("the exec view lacks %q:\n%s", want, exec.Text)
		}
	}
	if exec.Contains("score") || exec.Contains("bob") || exec.Contains("ann") {
		t.Errorf("the exec view shows scores or names:\n%s", exec.Text)
	}
	h.slash(h.bob, h.product, "/roadmap", "share")
	h.ephemeral(h.bob, h.product, "Only this backlog's owners (and workspace admins) can share its roadmap.")
	h.slash(h.ann, h.product, "/roadmap", "share exec")
	shared := h.message(h.product, "ann shared #product's roadmap (exec view).", "Win enterprise deals")
	var picture slackemu.File
	if err := h.emu.Wait(h.t.Context(), func() bool {
		for _, f := range h.emu.Files(h.product) {
			if f.Name == "roadmap.png" {
				picture = f
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal("no roadmap picture")
	}
	if !strings.Contains(picture.AltText, "Now, 1: #2 SSO with Okta (Win enterprise deals).") {
		t.Errorf("alt text: %s", picture.AltText)
	}
	inThread := false
	for _, c := range h.emu.Calls("files.completeUploadExternal") {
		inThread = inThread || c.Params["thread_ts"] == shared.TS
	}
	if !inThread {
		t.Error("the picture is not in the shared roadmap's thread")
	}

	h.openHome(h.ann, "Backlogs you manage", "Roadmap: Now 1 · Next 1 · Later 1 — now: #2 SSO with Okta (/roadmap there)")

	h.slash(h.ann, h.product, "/backlog", "status #2 shipped")
	h.ephemeral(h.ann, h.product, "shipped")
	h.slash(h.ann, h.product, "/roadmap", "")
	h.ephemeral(h.ann, h.product, "Now 0 · Next 1 · Later 1 · shipped in the last 30 days 1", "Done in the last 30 days: #2 SSO with Okta")
}

// An idea's lane and goal show where it sits, in its history, the CSV and
// the webhooks' events.
func TestTheRoadmapReachesEverySurface(t *testing.T) {
	h := roadmapDesk(t)
	rx := newReceiver(t)
	h.addWebhook(h.ann, h.product, rx.url())
	h.slash(h.ann, h.product, "/backlog", "goal add Win enterprise deals")
	h.ephemeral(h.ann, h.product, "Added the goal")
	h.slash(h.ann, h.product, "/backlog", "goal #4 Win enterprise deals")
	h.ephemeral(h.ann, h.product, "#4 serves Win enterprise deals now.")
	h.slash(h.ann, h.product, "/backlog", "roadmap #4 later")
	h.ephemeral(h.ann, h.product, "#4 Audit log is on the roadmap in Later")
	h.slash(h.ann, h.product, "/backlog", "roadmap #4 next")
	h.ephemeral(h.ann, h.product, "#4 Audit log moved from Later to Next")

	h.message(h.product, "#4 Audit log", "Next on the roadmap · goal: Win enterprise deals")
	h.slash(h.ann, h.product, "/backlog", "goal #4 Win enterprise deals") // as it is: no second history entry
	h.ephemeral(h.ann, h.product, "#4 serves Win enterprise deals now.")
	h.slash(h.ann, h.product, "/backlog", "link #4 https://jira.example.com/PROJ-12")
	h.ephemeral(h.ann, h.product, "jira.example.com/PROJ-12")
	h.slash(h.bob, h.product, "/roadmap", "")
	h.ephemeral(h.bob, h.product, "• #4 Audit log · Win enterprise deals · planned · Links: jira.example.com/PROJ-12")
	h.slash(h.bob, h.product, "/backlog", "#4")
	h.ephemeral(h.bob, h.product, "#4 Audit log is planned", "On the roadmap in Next, for the goal Win enterprise deals.")
	h.slash(h.bob, h.product, "/backlog", "history #4")
	history := h.ephemeral(h.bob, h.product, "History of #4 Audit log", "ann put it under the goal Win enterprise deals", "ann put it on the roadmap in Later",
		"ann moved it from awaiting scoring to planned", "ann moved it from Later to Next on the roadmap")
	if n := strings.Count(history.Text, "goal Win enterprise deals"); n != 1 {
		t.Errorf("the history tells the goal %d times:\n%s", n, history.Text)
	}
	rows := h.exported(h.ann)
	found := false
	for i, row := range rows[1:] {
		if column(rows, i+1, "number") == "4" {
			found = true
			if lane, goal := column(rows, i+1, "lane"), column(rows, i+1, "goal"); lane != "next" || goal != "Win enterprise deals" {
				t.Errorf("#4's lane and goal in the CSV: %q %q (%v)", lane, goal, row)
			}
		}
	}
	if !found {
		t.Error("#4 is not in the CSV")
	}
	rx.wait("the roadmap move", func(got []hookRequest) bool {
		for _, q := range got {
			e := q.Event
			if e.Data.Change != nil && e.Data.Change.Field == "roadmap" && e.Data.Change.From == "later" && e.Data.Change.To == "next" &&
				e.Data.Idea != nil && e.Data.Idea.Lane != nil && *e.Data.Idea.Lane == "next" && e.Data.Idea.Goal != nil && *e.Data.Idea.Goal == "Win enterprise deals" {
				return true
			}
		}
		return false
	})
	rx.wait("the goal", func(got []hookRequest) bool {
		for _, q := range got {
			if c := q.Event.Data.Change; c != nil && c.Field == "goal" && c.To == "Win enterprise deals" {
				return true
			}
		}
		return false
	})
}

// The weekly summary says how the roadmap moved since the last one, with
// its picture in the thread; the first summary has nothing to compare
// with, and a week without moves says nothing of it.
func TestTheSummarySaysHowTheRoadmapMoved(t *testing.T) {
	h := roadmapDesk(t)
	h.slash(h.ann, h.product, "/backlog", "roadmap #2 next")
	h.ephemeral(h.ann, h.product, "#2 SSO with Okta is on the roadmap in Next")
	h.slash(h.ann, h.product, "/backlog", "roadmap #3 next")
	h.ephemeral(h.ann, h.product, "#3 Export to CSV is on the roadmap in Next")
	day, due := h.tomorrow(10, 0)
	h.slash(h.ann, h.product, "/backlog", "schedule "+day+" 10:00 UTC")
	h.message(h.product, "ann scheduled")
	h.advanceTo(due.Add(time.Minute))
	first := h.message(h.product, "Weekly backlog summary")
	if first.Contains("Roadmap since the last summary") {
		t.Errorf("the first summary tells roadmap moves:\n%s", first.Text)
	}
	h.waitNextRun(h.product, due.Add(7*24*time.Hour))
	pictures := len(h.emu.Calls("files.completeUploadExternal"))
	h.slash(h.ann, h.product, "/backlog", "roadmap #2 now")
	h.ephemeral(h.ann, h.product, "#2 SSO with Okta moved from Next to Now")
	h.slash(h.ann, h.product, "/backlog", "roadmap #1 later")
	h.ephemeral(h.ann, h.product, "#1 Dark mode is on the roadmap in Later")
	h.slash(h.ann, h.product, "/backlog", "status #3 shipped")
	h.ephemeral(h.ann, h.product, "shipped")
	h.advanceTo(due.Add(7*24*time.Hour + time.Minute))
	if err := h.emu.Wait(t.Context(), func() bool { return len(h.summaries(h.product)) == 2 }); err != nil {
		t.Fatal("no second weekly summary")
	}
	second := h.message(h.product, "Weekly backlog summary", "Roadmap since the last summary\n#2 SSO with Okta Next → Now\n#1 Dark mode added to Later\n#3 Export to CSV shipped")
	var files []string
	if err := h.emu.Wait(t.Context(), func() bool {
		files = nil
		for _, c := range h.emu.Calls("files.completeUploadExternal")[pictures:] {
			if c.Params["thread_ts"] == second.TS {
				files = append(files, c.Params["files"])
			}
		}
		return len(files) == 2
	}); err != nil || !strings.Contains(strings.Join(files, " "), "Roadmap") {
		t.Errorf("the second summary's thread has %d pictures, want the matrix and the roadmap: %v", len(files), files)
	}
	h.waitNextRun(h.product, due.Add(14*24*time.Hour))
	h.advanceTo(due.Add(14*24*time.Hour + time.Minute))
	if err := h.emu.Wait(t.Context(), func() bool { return len(h.summaries(h.product)) == 3 }); err != nil {
		t.Fatal("no third weekly summary")
	}
	if third := h.summaries(h.product)[2]; third.Contains("Roadmap since the last summary") {
		t.Errorf("a week without moves tells roadmap moves:\n%s", third.Text)
	}
}

// 300 ideas on the roadmap stay within Slack's limits: each lane is cut
// with how many more there are and where to see them; hostile titles are
// inert in the text and the picture.
func TestABigRoadmapStaysWithinSlacksLimits(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	const ideas = 300
	for i := 1; i <= ideas; i++ {
		title := fmt.Sprintf("A roadmap idea with a long enough title, number %03d", i)
		if i == 3 {
			title = "<!channel> *loud* <https://evil.example|click> & <script>"
		}
		h.slash(h.ann, h.product, "/idea", title)
	}
	if err := h.emu.Wait(t.Context(), func() bool { return len(h.emu.Messages(h.product)) == ideas }); err != nil {
		t.Fatal("the ideas were not all posted")
	}
	for i := 1; i <= ideas; i++ {
		lane := []string{"now", "next", "later"}[i%3]
		h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("roadmap #%d %s", i, lane))
	}
	if err := h.emu.Wait(t.Context(), func() bool {
		return len(h.emu.Ephemerals(h.ann, h.product)) >= 2*ideas
	}); err != nil {
		t.Fatal("not every idea was placed")
	}
	h.slash(h.ann, h.product, "/roadmap", "")
	team := h.ephemeral(h.ann, h.product, "Roadmap of #product — Now 100 · Next 100 · Later 100")
	for _, want := range []string{"more in Now: /backlog export lists every idea with its lane.", "more in Later"} {
		if !team.Contains(want) {
			t.Errorf("the team view lacks %q", want)
		}
	}
	if !team.Contains("#3 <!channel> ", "<https://evil.example|click> & <script>") || len(team.Mentions) != 0 {
		t.Errorf("a hostile title is not inert: mentions %v\n%s", team.Mentions, team.Text[:min(len(team.Text), 1500)])
	}
	h.slash(h.ann, h.product, "/roadmap", "exec")
	h.ephemeral(h.ann, h.product, "No goal\nNow 100:", "and 97 more")
	h.slash(h.ann, h.product, "/roadmap", "share")
	h.message(h.product, "ann shared #product's roadmap (team view).")
	if err := h.emu.Wait(t.Context(), func() bool {
		for _, f := range h.emu.Files(h.product) {
			if f.Name == "roadmap.png" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal("no roadmap picture")
	}
	for _, c := range h.emu.Calls() { // the emulator refuses what Slack would
		if c.Error == "invalid_blocks" || c.Error == "msg_too_long" {
			t.Errorf("%s was refused: %s", c.Method, c.Error)
		}
	}
}

// An idea made from a message tells its thread when it enters Now, and
// of a status change placing makes; not of a move that changes neither.
func TestTheThreadHearsWhenItsIdeaEntersNow(t *testing.T) {
	p := newPokerTable(t)
	support := p.emu.AddChannel("support", slackemu.ChannelOptions{})
	asked, err := p.emu.Say(p.carl, support, "", "Dark mode please")
	if err != nil {
		t.Fatal(err)
	}
	p.shortcut(p.bob, asked)
	p.submit(p.bob, map[string]string{"backlog": p.product})
	thread := func() []slackemu.Message { return p.emu.Thread(support, asked.TS) }
	p.waitMessage(thread, []string{"Added to #product's backlog as #1 Dark mode please"})
	p.slash(p.ann, p.product, "/backlog", "roadmap #1 later")
	p.ephemeral(p.ann, p.product, "#1 Dark mode please is on the roadmap in Later")
	p.slash(p.ann, p.product, "/backlog", "roadmap #1 next")
	p.ephemeral(p.ann, p.product, "#1 Dark mode please moved from Later to Next")
	p.waitMessage(thread, []string{"#1 Dark mode please is now planned — ann"})
	p.slash(p.ann, p.product, "/backlog", "roadmap #1 now")
	p.ephemeral(p.ann, p.product, "#1 Dark mode please moved from Next to Now")
	p.waitMessage(thread, []string{"#1 Dark mode please is now being worked on — ann"})
	for _, m := range thread() {
		if m.Contains("Later") {
			t.Errorf("the thread heard of Later: %q", m.Text)
		}
	}
	if n := len(thread()); n != 3 {
		t.Errorf("the thread has %d messages, want the idea's and two moves", n)
	}
}

// A private channel's roadmap is shown to its members only: an owner who
// is not in the channel does not see it on the Home, and /roadmap shows
// only the channel it is typed in.
func TestAPrivateRoadmapStaysInItsChannel(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	leads := h.emu.AddChannel("leads", slackemu.ChannelOptions{Private: true, Members: []string{h.ann}})
	h.slash(h.ann, leads, "/idea", "Acquire a competitor")
	h.message(leads, "#1 Acquire a competitor")
	h.slash(h.ann, leads, "/backlog", "owners add "+mention(h.ann, "ann")+" "+mention(h.bob, "bob"))
	h.ephemeral(h.ann, leads, "This backlog's owners are now")
	h.slash(h.ann, leads, "/backlog", "roadmap #1 now")
	h.ephemeral(h.ann, leads, "#1 Acquire a competitor is on the roadmap in Now")
	h.openHome(h.ann, "Roadmap: Now 1 · Next 0 · Later 0 — now: #1 Acquire a competitor")
	home := h.openHome(h.bob, "Backlogs you manage")
	if strings.Contains(home.Text, "Acquire a competitor") || strings.Contains(home.Text, "Roadmap:") {
		t.Errorf("bob, not in #leads, sees its roadmap on his Home:\n%s", home.Text)
	}
	h.slash(h.bob, h.product, "/roadmap", "")
	if m := h.ephemeral(h.bob, h.product, "roadmap is empty"); m.Contains("Acquire") {
		t.Errorf("#product's roadmap shows #leads' idea: %s", m.Text)
	}
}

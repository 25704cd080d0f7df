package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/slackemu"
)

// Issues closed or reopened on GitHub move their ideas, as a change in
// Slack would: the supporters hear of it, where-it-sits says who.
func TestIssueStatesMoveTheirIdeas(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	// One poll a minute on the bot's clock: each step below moves it on
	// once, so the poll that moved an idea is the last one when asked.
	h.shutdown()
	h.githubPoll = time.Minute
	h.start()
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.ephemeral(h.ann, h.product, "Connected #product's backlog to acme/app")
	h.githubSays(h.ann, h.product, "Last poll")
	done := gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	dropped := gh.OpenIssue("acme/app", "octocat", "Fax export", "", "priobot")
	h.clock.Advance(time.Minute)
	h.support(h.bob, h.message(h.product, "#1 Dark mode", "Imported from acme/app#1"))
	h.support(h.bob, h.message(h.product, "#2 Fax export", "Imported from acme/app#2"))

	gh.CloseIssue("acme/app", done, "completed", "octocat")
	h.clock.Advance(time.Minute)
	h.message(h.emu.IM(h.bob), "#1 Dark mode", "shipped", "octocat on GitHub")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Dark mode shipped on", "marked by octocat on GitHub")

	gh.CloseIssue("acme/app", dropped, "not_planned", "hubot")
	h.clock.Advance(time.Minute)
	h.message(h.emu.IM(h.bob), "#2 Fax export", "declined", "closed as not planned in acme/app#2")
	h.slash(h.ann, h.product, "/backlog", "#2")
	h.ephemeral(h.ann, h.product, "#2 Fax export was declined by hubot on GitHub", "“closed as not planned in acme/app#2”")

	gh.Reopen("acme/app", dropped)
	h.clock.Advance(time.Minute)
	h.message(h.emu.IM(h.bob), "someone on GitHub reopened #2 Fax export (it was declined)")
	h.slash(h.ann, h.product, "/backlog", "#2")
	h.ephemeral(h.ann, h.product, "#2 Fax export", "awaiting scoring")
	h.githubSays(h.ann, h.product, "idea moved")
}

// A status change in Slack reaches the linked issue through the outbox:
// shipped closes it as completed, declined as not planned with the
// reason, reopened reopens it; moves in play leave it alone, and a change
// that came from GitHub is not written back.
func TestStatusesReachTheirIssues(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.connected("acme/app")
	a := gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	b := gh.OpenIssue("acme/app", "octocat", "Fax export", "", "priobot")
	h.support(h.bob, h.message(h.product, "#1 Dark mode", "Imported from acme/app#1"))
	h.message(h.product, "#2 Fax export", "Imported from acme/app#2")
	issue := func(n int) githubemu.Issue { is, _ := gh.Issue("acme/app", n); return is }
	waitIssue := func(n int, what string, cond func(githubemu.Issue) bool) {
		t.Helper()
		if err := gh.Wait(soon(t), func() bool { return cond(issue(n)) }); err != nil {
			t.Fatalf("acme/app#%d never %s: %+v", n, what, issue(n))
		}
	}
	edits := h.issueEdits

	h.slash(h.ann, h.product, "/backlog", "status #1 planned")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode")
	h.slash(h.ann, h.product, "/backlog", "status #1 shipped")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode from planned to shipped")
	waitIssue(a, "closed as completed", func(is githubemu.Issue) bool { return is.State == "closed" && is.StateReason == "completed" })
	if n := edits(); n != 1 {
		t.Errorf("%d edits of issues for planned then shipped, want 1 (planned leaves the issue open)", n)
	}

	h.slash(h.ann, h.product, "/backlog", "decline #2 @channel not for our customers")
	h.ephemeral(h.ann, h.product, "You declined #2 Fax export")
	declined := func(is githubemu.Issue) (string, bool) {
		for _, c := range is.Comments {
			if strings.HasPrefix(c.Body, "Declined in priobot") {
				return c.Body, true
			}
		}
		return "", false
	}
	waitIssue(b, "closed as not planned with the reason", func(is githubemu.Issue) bool {
		_, said := declined(is)
		return is.State == "closed" && is.StateReason == "not_planned" && said
	})
	if body, _ := declined(issue(b)); body != "Declined in priobot by ann: “@\u200bchannel not for our customers”" {
		t.Errorf("the decline's comment reads %q", body)
	}

	h.slash(h.ann, h.product, "/backlog", "reopen #2")
	h.ephemeral(h.ann, h.product, "You reopened #2 Fax export")
	waitIssue(b, "reopened", func(is githubemu.Issue) bool { return is.State == "open" })

	// Reopened on GitHub: the idea comes back, and nothing is written back.
	before := edits()
	gh.Reopen("acme/app", a)
	h.message(h.emu.IM(h.bob), "someone on GitHub reopened #1 Dark mode")
	h.ticking(3)
	if n := edits(); n != before {
		t.Errorf("a change from GitHub was written back: %d edits", n-before)
	}
	h.slash(h.ann, h.product, "/backlog", "outbox")
	h.ephemeral(h.ann, h.product, "0 messages waiting to be delivered")
}

// `/backlog link` to an issue of the connected repository ties the idea
// to it: the issue's state applies at once, and from then on they move
// together; unlinking unties them. Another repository's issue is a link.
func TestLinkTiesAnIdeaToItsIssue(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.connected("acme/app")
	open := gh.OpenIssue("acme/app", "octocat", "Dark theme for the dashboard", "")
	done := gh.OpenIssue("acme/app", "octocat", "CSV export", "")
	gh.CloseIssue("acme/app", done, "completed", "octocat")
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.ann, h.product, "Export")
	h.idea(h.ann, h.product, "Night theme")
	patches := h.issueEdits

	h.slash(h.ann, h.product, "/backlog", "link #1 https://github.test/acme/app/issues/1")
	h.ephemeral(h.ann, h.product, "#1 now links to https://github.test/acme/app/issues/1", "It follows acme/app#1 now",
		"GitHub owns its title now: it is “Dark theme for the dashboard”, as the issue's.")
	h.slash(h.ann, h.product, "/backlog", "link #2 https://github.test/acme/app/issues/2")
	h.ephemeral(h.ann, h.product, "It follows acme/app#2 now", "acme/app#2 is closed as completed, so #2 moved with it.")
	h.slash(h.ann, h.product, "/backlog", "#2")
	h.ephemeral(h.ann, h.product, "#2 CSV export shipped on", "marked by octocat on GitHub")
	h.slash(h.ann, h.product, "/backlog", "link #3 https://github.test/acme/app/issues/1")
	h.ephemeral(h.ann, h.product, "#3 now links to", "acme/app#1 is linked to #1 already: an issue follows one idea.")
	h.slash(h.ann, h.product, "/backlog", "link #3 https://github.com/other/repo/issues/1")
	if m := h.ephemeral(h.ann, h.product, "#3 now links to https://github.com/other/repo/issues/1"); strings.Contains(m.Text, "follows") {
		t.Errorf("another repository's issue tied #3: %q", m.Text)
	}

	// The tied issue is not labelled: its changes sync all the same.
	gh.CloseIssue("acme/app", open, "not_planned", "octocat")
	h.message(h.emu.IM(h.ann), "octocat on GitHub declined #1 Dark theme for the dashboard", "closed as not planned in acme/app#1")
	h.slash(h.ann, h.product, "/backlog", "reopen #1")
	h.ephemeral(h.ann, h.product, "You reopened #1 Dark theme for the dashboard")
	if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue("acme/app", open); return is.State == "open" }); err != nil {
		t.Fatal("acme/app#1 was not reopened")
	}

	// An edit of the title on GitHub renames the idea.
	gh.Rename("acme/app", open, "Dark theme everywhere")
	h.message(h.product, "#1 Dark theme everywhere")
	h.slash(h.ann, h.product, "/backlog", "history #1")
	h.ephemeral(h.ann, h.product, "renamed on GitHub (acme/app#1) from “Dark theme for the dashboard”")

	h.slash(h.ann, h.product, "/backlog", "unlink #1 https://github.test/acme/app/issues/1")
	h.ephemeral(h.ann, h.product, "#1 no longer links to", "It no longer follows acme/app#1.")
	before := patches()
	h.slash(h.ann, h.product, "/backlog", "decline #1 not this year")
	h.ephemeral(h.ann, h.product, "You declined #1 Dark theme everywhere")
	h.delivered(h.ann, h.product)
	if n := patches(); n != before {
		t.Errorf("an untied idea still wrote to its old issue (%d edits)", n-before)
	}
}

// Three bots poll one repository: one poll at a time (a lease), so the
// first import is announced once and each issue makes one idea.
func TestReplicasImportOnce(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.startReplica()
	h.startReplica()
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	for i := range 30 {
		gh.OpenIssue("acme/app", "octocat", fmt.Sprintf("Request %02d", i+1), "", "priobot")
	}
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.message(h.product, "Imported 30 issues labelled priobot from acme/app: #1–#30.")
	h.ticking(6)
	if n := len(h.emu.Messages(h.product)); n != 1 {
		t.Errorf("%d messages in #product, want the one import message", n)
	}
	h.slash(h.bob, h.product, "/backlog", "")
	h.ephemeral(h.bob, h.product, "30 awaiting scoring")
}

// After a restart the cursor in Redis carries on where the last poll
// stopped: what changed meanwhile is read once, nothing is made twice.
func TestARestartCarriesOnWhereThePollStopped(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	for i := range 3 {
		gh.OpenIssue("acme/app", "octocat", fmt.Sprintf("Request %02d", i+1), "", "priobot")
	}
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.message(h.product, "Imported 3 issues labelled priobot from acme/app: #1–#3.")
	h.githubSays(h.ann, h.product, "nothing changed")
	h.shutdown()
	gh.OpenIssue("acme/app", "octocat", "While priobot was away", "", "priobot")
	gh.CloseIssue("acme/app", 3, "completed", "octocat")
	h.start()
	h.message(h.product, "#4 While priobot was away", "Imported from acme/app#4")
	h.githubSays(h.ann, h.product, "nothing changed")
	h.slash(h.bob, h.product, "/backlog", "#3")
	h.ephemeral(h.bob, h.product, "#3 Request 03 shipped on", "marked by octocat on GitHub")
	h.slash(h.bob, h.product, "/backlog", "")
	h.ephemeral(h.bob, h.product, "3 awaiting scoring")
	if n := len(h.emu.Messages(h.product)); n != 2 {
		t.Errorf("%d messages in #product, want the import and #4's card", n)
	}
}

// Each tied issue carries one priobot comment saying where its idea sits,
// edited in place when the idea changes (at most once a minute), never a
// new one per change, and its own edits do not come back as changes.
func TestTheIssueCommentSaysWhereTheIdeaSits(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.connected("acme/app")
	gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	card := h.message(h.product, "#1 Dark mode", "Imported from acme/app#1")
	comment := func() (githubemu.Comment, int) {
		is, _ := gh.Issue("acme/app", 1)
		if len(is.Comments) == 0 {
			return githubemu.Comment{}, 0
		}
		return is.Comments[len(is.Comments)-1], len(is.Comments)
	}
	waitComment := func(parts ...string) githubemu.Comment {
		t.Helper()
		err := gh.Wait(soon(t), func() bool {
			c, _ := comment()
			for _, p := range parts {
				if !strings.Contains(c.Body, p) {
					return false
				}
			}
			return true
		})
		if err != nil {
			c, _ := comment()
			t.Fatalf("the issue's comment never said %q; it says:\n%s", parts, c.Body)
		}
		c, _ := comment()
		return c
	}
	first := waitComment("**priobot** · `#1` Dark mode is 1st of 1 awaiting scoring in #product's backlog.", "0 supporters in Slack.", "_As of")

	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=3")
	h.ephemeral(h.ann, h.product, "You scored #1 Dark mode.")
	h.support(h.bob, card)
	h.clock.Advance(time.Minute) // the comment is edited at most once a minute
	edited := waitComment("`#1` Dark mode sits 1st of 1 in #product's backlog — score 2.67: value 8 ÷ effort 3.", "1 supporter in Slack.")
	if _, n := comment(); n != 1 || edited.ID != first.ID {
		t.Errorf("%d comments (ids %d, %d); want the one, edited in place", n, first.ID, edited.ID)
	}
	edits := func() int {
		return len(h.githubCalls(func(c githubemu.Call) bool {
			return c.Method == http.MethodPatch && strings.Contains(c.Path, "/issues/comments/")
		}))
	}
	before := edits()
	h.clock.Advance(time.Minute)
	h.ticking(4)
	if n := edits(); n != before {
		t.Errorf("the comment was edited %d more times with nothing changed: its own edit came back as a change", n-before)
	}
	if n := len(h.emu.Messages(h.emu.IM(h.bob))); n != 0 {
		t.Errorf("bob got %d DMs; nothing moved", n)
	}
}

// When an idea and its issue change at once (between two polls), GitHub's
// state wins: priobot does not write over it, the idea follows the issue,
// and the owners are told privately.
func TestBothSidesChangedGitHubWins(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.shutdown()
	h.githubPoll = time.Hour // the first poll only: the test makes the second wait
	h.start()
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	h.slash(h.ann, h.product, "/backlog", "owners add <@"+h.ann+">")
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.message(h.product, "#1 Dark mode", "Imported from acme/app#1")

	gh.CloseIssue("acme/app", 1, "not_planned", "octocat")
	h.slash(h.ann, h.product, "/backlog", "status #1 shipped")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode")
	h.message(h.emu.IM(h.ann), "#1 Dark mode changed on both sides at once: ann made it shipped in #product while octocat left acme/app#1 closed as not planned on GitHub.",
		"GitHub's state wins")
	if is, _ := gh.Issue("acme/app", 1); is.StateReason != "not_planned" {
		t.Errorf("GitHub's close was written over: %s (%s)", is.State, is.StateReason)
	}
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode was declined by octocat on GitHub", "closed as not planned in acme/app#1")
}

// A poll between a change in Slack and its write to GitHub does not undo
// the change: the issue's state did not change on GitHub.
func TestAPollDoesNotUndoAChangeOnItsWay(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.message(h.product, "#1 Dark mode", "Imported from acme/app#1")
	// priobot's comment is written first: the next write to fail is the close.
	if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue("acme/app", 1); return len(is.Comments) == 1 }); err != nil {
		t.Fatal("no priobot comment on the issue")
	}
	gh.FailWrites(http.StatusBadGateway)
	h.slash(h.ann, h.product, "/backlog", "status #1 shipped")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode")
	if err := gh.Wait(soon(t), func() bool {
		for _, c := range gh.Calls() {
			if c.Method == http.MethodPatch && c.Status == http.StatusBadGateway {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal("priobot never tried to close the issue")
	}
	h.ticking(4)
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode shipped on")
	h.clock.Advance(time.Minute) // the outbox's retry falls due
	if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue("acme/app", 1); return is.StateReason == "completed" }); err != nil {
		t.Fatal("the retry never closed the issue")
	}
}

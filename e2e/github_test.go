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

// githubLists counts the issue-list requests GitHub answered, those
// answered 304, and those that counted against its rate limit.
func (h *harness) githubLists() (all, notModified, counted int) {
	for _, c := range h.github.Calls() {
		if !strings.HasSuffix(c.Path, "/issues") {
			continue
		}
		all++
		if c.Status == http.StatusNotModified {
			notModified++
		}
		if c.Counted {
			counted++
		}
	}
	return all, notModified, counted
}

// repoLists counts the issue-list requests about one repository.
func (h *harness) repoLists(repo string) int {
	n := 0
	for _, c := range h.github.Calls() {
		if strings.HasSuffix(c.Path, "/repos/"+repo+"/issues") {
			n++
		}
	}
	return n
}

// ticking connects #design to another repository and waits for n of its
// polls: proof that the scheduler went round while something else did not.
func (h *harness) ticking(n int) {
	h.t.Helper()
	h.github.AddRepo("acme/web", githubemu.RepoOptions{})
	h.slash(h.ann, h.design, "/backlog", "github connect acme/web")
	h.ephemeral(h.ann, h.design, "Connected #design's backlog to acme/web")
	if err := h.github.Wait(h.t.Context(), func() bool { return h.repoLists("acme/web") >= n }); err != nil {
		h.t.Fatalf("acme/web was not polled %d times", n)
	}
}

// githubSays asks `/backlog github`, as an owner would, until the answer
// holds parts: GitHub answers before priobot writes down what it said.
func (h *harness) githubSays(user, channel string, parts ...string) {
	h.t.Helper()
	for range 100 {
		before := len(h.emu.Ephemerals(user, channel))
		h.slash(user, channel, "/backlog", "github")
		if err := h.emu.Wait(h.t.Context(), func() bool { return len(h.emu.Ephemerals(user, channel)) > before }); err != nil {
			h.t.Fatal("no answer to /backlog github")
		}
		list := h.emu.Ephemerals(user, channel)
		if list[len(list)-1].Contains(parts...) {
			return
		}
	}
	h.t.Fatalf("/backlog github never said %q", parts)
}

// waitGitHub waits until GitHub has answered at least n more issue lists.
func (h *harness) waitGitHub(n int) {
	h.t.Helper()
	before, _, _ := h.githubLists()
	if err := h.github.Wait(h.t.Context(), func() bool { all, _, _ := h.githubLists(); return all >= before+n }); err != nil {
		h.t.Fatalf("priobot did not poll GitHub %d more times", n)
	}
}

// A repository with labelled issues is connected: its open labelled
// issues become ideas in one message, a later label makes a card, and an
// idle repository costs nothing against GitHub's rate limit.
func TestConnectImportsALabelledRepository(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	for i := range 37 {
		gh.OpenIssue("acme/app", []string{"octocat", "hubot"}[i%2], fmt.Sprintf("Request %02d", i+1), "Customers ask for it.", "priobot", "enhancement")
	}
	unlabelled := gh.OpenIssue("acme/app", "octocat", "Internal refactor", "")
	gh.OpenPullRequest("acme/app", "octocat", "Add dark mode", "priobot")
	closed := gh.OpenIssue("acme/app", "octocat", "Old request", "", "priobot")
	gh.CloseIssue("acme/app", closed, "completed", "octocat")

	h.slash(h.ann, h.product, "/backlog", "owners add <@"+h.ann+">")
	h.ephemeral(h.ann, h.product, "owners are now")
	h.slash(h.bob, h.product, "/backlog", "github connect acme/app")
	h.ephemeral(h.bob, h.product, "Only this backlog's owners (and workspace admins) can connect it to GitHub.")
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.ephemeral(h.ann, h.product, "Connected #product's backlog to acme/app. Open issues labelled priobot there become ideas here")
	h.message(h.product, "Imported 37 issues labelled priobot from acme/app: #1–#37.")
	if n := len(h.emu.Messages(h.product)); n != 1 {
		t.Errorf("%d messages in #product after the first import, want the one", n)
	}

	h.slash(h.bob, h.product, "/backlog", "")
	h.ephemeral(h.bob, h.product, "37 awaiting scoring")
	h.slash(h.bob, h.product, "/backlog", "#5")
	h.ephemeral(h.bob, h.product, "#5 Request 05", "It was imported from acme/app#5 by octocat.")

	gh.Label("acme/app", unlabelled, "priobot")
	card := h.message(h.product, "#38 Internal refactor", "Imported from acme/app#38 by octocat", "awaiting scoring")
	if len(card.Mentions) != 0 {
		t.Errorf("the card pings %v", card.Mentions)
	}

	h.waitGitHub(5)
	_, notModified, _ := h.githubLists()
	before, _, counted := h.githubLists()
	h.waitGitHub(5)
	after, notModified2, counted2 := h.githubLists()
	if notModified2-notModified < after-before-1 || counted2 != counted {
		t.Errorf("%d idle polls: %d answered 304, %d counted against the rate limit; want every one but at most one 304 and none counted",
			after-before, notModified2-notModified, counted2-counted)
	}
	h.slash(h.bob, h.product, "/backlog", "github")
	h.ephemeral(h.bob, h.product, "#product's backlog is connected to acme/app, label priobot, by @ann", "38 ideas are linked to its issues.",
		"Last poll", "nothing changed")

	h.slash(h.ann, h.product, "/backlog", "github disconnect")
	h.ephemeral(h.ann, h.product, "Disconnected #product's backlog from acme/app", "The ideas made from its issues stay")
	lists := h.repoLists("acme/app")
	gh.OpenIssue("acme/app", "octocat", "After the disconnect", "", "priobot")
	h.ticking(3)
	if n := h.repoLists("acme/app"); n > lists+1 { // one poll may have been under way
		t.Errorf("acme/app was polled %d times after the disconnect", n-lists)
	}
	h.slash(h.bob, h.product, "/backlog", "github")
	h.ephemeral(h.bob, h.product, "This backlog is not connected to GitHub.")
	h.slash(h.bob, h.product, "/backlog", "")
	h.ephemeral(h.bob, h.product, "38 awaiting scoring")
}

// GitHub refuses: an unknown repository is said at once; a revoked token
// pauses the sync and tells the owner once; connecting again resumes it.
// Hostile titles from GitHub ping nobody.
func TestGitHubRefusalsPauseTheSync(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/nope")
	h.ephemeral(h.ann, h.product, "GitHub refused acme/nope: the repository was not found (404)")
	h.slash(h.ann, h.product, "/backlog", "github connect not a repo")
	h.ephemeral(h.ann, h.product, "“not” is not a repository; name it as owner/repo")
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app lable ideas")
	h.ephemeral(h.ann, h.product, "After the repository, only label <name> may follow")

	h.slash(h.ann, h.product, "/backlog", "github connect acme/app label ideas")
	h.ephemeral(h.ann, h.product, "Connected #product's backlog to acme/app. Open issues labelled ideas")
	hostile := "<!channel> @here <https://evil.test|click> & co"
	gh.OpenIssue("acme/app", "mallory", hostile, "<!everyone>", "ideas")
	card := h.message(h.product, "#1 "+hostile, "Imported from acme/app#1 by mallory")
	if len(card.Mentions) != 0 {
		t.Errorf("a hostile issue title pinged %v", card.Mentions)
	}

	gh.Revoke()
	dm := h.message(h.emu.IM(h.ann), "priobot paused the sync of #product's backlog with acme/app: GitHub refused the token (401)",
		"/backlog github connect acme/app in #product resumes it")
	if strings.Contains(dm.Text, githubemu.Token) || strings.Contains(h.logs.String(), githubemu.Token) {
		t.Error("the GitHub token shows in a message or the logs")
	}
	h.slash(h.ann, h.product, "/backlog", "github")
	h.ephemeral(h.ann, h.product, "The sync is paused: GitHub refused the token (401)")
	lists := h.repoLists("acme/app")
	gh.Restore()
	gh.OpenIssue("acme/app", "octocat", "Offline mode", "", "ideas")
	h.ticking(3)
	if again := h.repoLists("acme/app"); again != lists {
		t.Errorf("a paused sync polled GitHub %d more times", again-lists)
	}
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, "1 awaiting scoring")
	if n := len(h.emu.Messages(h.emu.IM(h.ann))); n != 1 {
		t.Errorf("the owner got %d DMs about the pause, want 1", n)
	}

	h.slash(h.ann, h.product, "/backlog", "github connect acme/app label ideas")
	h.ephemeral(h.ann, h.product, "The sync with acme/app is on again (label ideas), from where it stopped")
	h.message(h.product, "#2 Offline mode", "Imported from acme/app#2 by octocat")
}

func TestGitHubWithoutAToken(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.shutdown()
	h.noGitHub = true
	h.start()
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.ephemeral(h.ann, h.product, "priobot has no GitHub token yet: whoever runs priobot sets GITHUB_TOKEN")
	h.slash(h.ann, h.product, "/backlog", "github")
	h.ephemeral(h.ann, h.product, "This backlog is not connected to GitHub, and priobot has no GitHub token yet")
}

// GitHub's rate limits hold the polls back until GitHub allows them, and
// the owners can read why.
func TestGitHubRateLimitsHoldThePollsBack(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.ephemeral(h.ann, h.product, "Connected #product's backlog to acme/app")
	h.waitGitHub(1)
	refused := func() []githubemu.Call {
		var out []githubemu.Call
		for _, c := range gh.Calls() {
			if c.Status == http.StatusForbidden {
				out = append(out, c)
			}
		}
		return out
	}

	// A secondary limit: the next poll waits out its Retry-After, then
	// the sync goes on.
	gh.SecondaryLimit(1)
	if err := gh.Wait(t.Context(), func() bool { return len(refused()) == 1 }); err != nil {
		t.Fatal("priobot never met the secondary limit")
	}
	h.waitGitHub(1)
	calls := gh.Calls()
	limitedAt, next := refused()[0].At, calls[len(calls)-1].At
	if gap := next.Sub(limitedAt); gap < time.Second {
		t.Errorf("the poll after a Retry-After of 1 s came %v later", gap)
	}
	gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	h.message(h.product, "#1 Dark mode", "Imported from acme/app#1 by octocat")

	// The hourly limit used up: nothing until its reset, and the owners
	// can read why.
	gh.UseUp(0)
	if err := gh.Wait(t.Context(), func() bool { return len(refused()) == 2 }); err != nil {
		t.Fatal("priobot never met the hourly limit")
	}
	h.githubSays(h.ann, h.product, "GitHub asked priobot to wait until", "its hourly rate limit is used up")
}

// Issues closed or reopened on GitHub move their ideas, as a change in
// Slack would: the supporters hear of it, where-it-sits says who.
func TestIssueStatesMoveTheirIdeas(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.ephemeral(h.ann, h.product, "Connected #product's backlog to acme/app")
	h.githubSays(h.ann, h.product, "Last poll")
	done := gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	dropped := gh.OpenIssue("acme/app", "octocat", "Fax export", "", "priobot")
	h.support(h.bob, h.message(h.product, "#1 Dark mode", "Imported from acme/app#1"))
	h.support(h.bob, h.message(h.product, "#2 Fax export", "Imported from acme/app#2"))

	gh.CloseIssue("acme/app", done, "completed", "octocat")
	h.message(h.emu.IM(h.bob), "#1 Dark mode", "shipped", "octocat on GitHub")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Dark mode shipped on", "marked by octocat on GitHub")

	gh.CloseIssue("acme/app", dropped, "not_planned", "hubot")
	h.message(h.emu.IM(h.bob), "#2 Fax export", "declined", "closed as not planned in acme/app#2")
	h.slash(h.ann, h.product, "/backlog", "#2")
	h.ephemeral(h.ann, h.product, "#2 Fax export was declined by hubot on GitHub", "“closed as not planned in acme/app#2”")

	gh.Reopen("acme/app", dropped)
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
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.githubSays(h.ann, h.product, "Last poll")
	a := gh.OpenIssue("acme/app", "octocat", "Dark mode", "", "priobot")
	b := gh.OpenIssue("acme/app", "octocat", "Fax export", "", "priobot")
	h.support(h.bob, h.message(h.product, "#1 Dark mode", "Imported from acme/app#1"))
	h.message(h.product, "#2 Fax export", "Imported from acme/app#2")
	issue := func(n int) githubemu.Issue { is, _ := gh.Issue("acme/app", n); return is }
	waitIssue := func(n int, what string, cond func(githubemu.Issue) bool) {
		t.Helper()
		if err := gh.Wait(t.Context(), func() bool { return cond(issue(n)) }); err != nil {
			t.Fatalf("acme/app#%d never %s: %+v", n, what, issue(n))
		}
	}
	edits := func() int {
		n := 0
		for _, c := range gh.Calls() {
			if c.Method == http.MethodPatch {
				n++
			}
		}
		return n
	}

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
	waitIssue(b, "closed as not planned with the reason", func(is githubemu.Issue) bool {
		return is.State == "closed" && is.StateReason == "not_planned" && len(is.Comments) == 1
	})
	if body := issue(b).Comments[0].Body; !strings.Contains(body, "Declined in priobot by ann: “@\u200bchannel not for our customers”") {
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
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.githubSays(h.ann, h.product, "Last poll")
	open := gh.OpenIssue("acme/app", "octocat", "Dark theme for the dashboard", "")
	done := gh.OpenIssue("acme/app", "octocat", "CSV export", "")
	gh.CloseIssue("acme/app", done, "completed", "octocat")
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.ann, h.product, "Export")
	h.idea(h.ann, h.product, "Night theme")
	patches := func() int {
		n := 0
		for _, c := range gh.Calls() {
			if c.Method == http.MethodPatch {
				n++
			}
		}
		return n
	}

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
	if err := gh.Wait(t.Context(), func() bool { is, _ := gh.Issue("acme/app", open); return is.State == "open" }); err != nil {
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
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.githubSays(h.ann, h.product, "Last poll")
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
		err := gh.Wait(t.Context(), func() bool {
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
		n := 0
		for _, c := range gh.Calls() {
			if c.Method == http.MethodPatch && strings.Contains(c.Path, "/issues/comments/") {
				n++
			}
		}
		return n
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

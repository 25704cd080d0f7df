package e2e

import (
	"context"
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

// soon is the test's context for waiting on GitHub: what priobot does
// there takes well under this, and a wait that fails says so quickly.
func soon(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// githubCalls lists the requests GitHub answered that match.
func (h *harness) githubCalls(match func(githubemu.Call) bool) []githubemu.Call {
	var out []githubemu.Call
	for _, c := range h.github.Calls() {
		if match(c) {
			out = append(out, c)
		}
	}
	return out
}

// issueEdits counts priobot's edits of issues' states (not of comments).
func (h *harness) issueEdits() int {
	return len(h.githubCalls(func(c githubemu.Call) bool {
		return c.Method == http.MethodPatch && !strings.Contains(c.Path, "/comments/")
	}))
}

// repoLists counts the issue-list requests about one repository.
func (h *harness) repoLists(repo string) int {
	return len(h.githubCalls(func(c githubemu.Call) bool { return strings.HasSuffix(c.Path, "/repos/"+repo+"/issues") }))
}

// ticking connects #design to another repository and waits for n of its
// polls: proof that the scheduler went round while something else did not.
func (h *harness) ticking(n int) {
	h.t.Helper()
	h.github.AddRepo("acme/web", githubemu.RepoOptions{})
	h.slash(h.ann, h.design, "/backlog", "github connect acme/web")
	h.ephemeral(h.ann, h.design, "Connected #design's backlog to acme/web")
	if err := h.github.Wait(soon(h.t), func() bool { return h.repoLists("acme/web") >= n }); err != nil {
		h.t.Fatalf("acme/web was not polled %d times", n)
	}
}

// connected adds repo to GitHub and connects #product's backlog to it as
// ann, once its first poll is done; it returns the GitHub.
func (h *harness) connected(repo string) *githubemu.Server {
	h.t.Helper()
	h.github.AddRepo(repo, githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github connect "+repo)
	h.githubSays(h.ann, h.product, "Last poll")
	return h.github
}

// githubSays asks `/backlog github`, as an owner would, until the answer
// holds parts: GitHub answers before priobot writes down what it said.
func (h *harness) githubSays(user, channel string, parts ...string) {
	h.t.Helper()
	h.backlogSays(user, channel, "github", parts...)
}

// backlogSays asks `/backlog text` until the answer holds parts.
func (h *harness) backlogSays(user, channel, text string, parts ...string) {
	h.t.Helper()
	for range 100 {
		before := len(h.emu.Ephemerals(user, channel))
		h.slash(user, channel, "/backlog", text)
		if err := h.emu.Wait(h.t.Context(), func() bool { return len(h.emu.Ephemerals(user, channel)) > before }); err != nil {
			h.t.Fatalf("no answer to /backlog %s", text)
		}
		list := h.emu.Ephemerals(user, channel)
		if list[len(list)-1].Contains(parts...) {
			return
		}
	}
	h.t.Fatalf("/backlog %s never said %q", text, parts)
}

// waitGitHub waits until GitHub has answered at least n more issue lists.
func (h *harness) waitGitHub(n int) {
	h.t.Helper()
	before, _, _ := h.githubLists()
	if err := h.github.Wait(soon(h.t), func() bool { all, _, _ := h.githubLists(); return all >= before+n }); err != nil {
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
		return h.githubCalls(func(c githubemu.Call) bool { return c.Status == http.StatusForbidden })
	}

	// A secondary limit: the next poll waits out its Retry-After, then
	// the sync goes on.
	gh.SecondaryLimit(1)
	if err := gh.Wait(soon(t), func() bool { return len(refused()) == 1 }); err != nil {
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
	if err := gh.Wait(soon(t), func() bool { return len(refused()) == 2 }); err != nil {
		t.Fatal("priobot never met the hourly limit")
	}
	h.githubSays(h.ann, h.product, "GitHub asked priobot to wait until", "its hourly rate limit is used up")
}

// priobot's comments are written by the outbox, not by the poll: a
// repository whose writes hang holds back neither the other repositories'
// polls nor its own.
func TestAHangingCommentHoldsBackNoPoll(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	for i, r := range []struct{ repo, channel, title string }{{"acme/app", h.product, "Dark mode"}, {"acme/web", h.design, "Fax export"}} {
		gh.AddRepo(r.repo, githubemu.RepoOptions{})
		gh.OpenIssue(r.repo, "octocat", r.title, "", "priobot")
		h.slash(h.ann, r.channel, "/backlog", "github connect "+r.repo)
		h.support(h.bob, h.message(r.channel, fmt.Sprintf("#%d %s", i+1, r.title), "Imported from "+r.repo+"#1"))
		if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue(r.repo, 1); return len(is.Comments) == 1 }); err != nil {
			t.Fatalf("priobot never commented on %s#1", r.repo)
		}
	}
	gh.Hold("acme/app")
	t.Cleanup(gh.Release)
	h.slash(h.ann, h.product, "/backlog", "status #1 planned")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode")
	h.clock.Advance(time.Minute) // the comment may be edited again
	if err := gh.Wait(soon(t), func() bool { return gh.Held() == 1 }); err != nil {
		t.Fatal("priobot never tried to edit its comment on acme/app#1")
	}
	gh.CloseIssue("acme/web", 1, "completed", "octocat")
	h.message(h.emu.IM(h.bob), "octocat on GitHub moved #2 Fax export", "shipped")
	// acme/app's own polls go on: the idea follows its issue.
	gh.CloseIssue("acme/app", 1, "not_planned", "octocat")
	h.backlogSays(h.ann, h.product, "#1", "#1 Dark mode was declined by octocat on GitHub")
}

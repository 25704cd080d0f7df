package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/slackemu"
)

// pushed waits for the issue a push opened on acme/app and returns it.
func (h *harness) pushed(title string) githubemu.Issue {
	h.t.Helper()
	var found githubemu.Issue
	err := h.github.Wait(soon(h.t), func() bool {
		for _, is := range h.github.Issues("acme/app") {
			if is.Title == title {
				found = is
				return true
			}
		}
		return false
	})
	if err != nil {
		h.t.Fatalf("no issue %q was opened on acme/app: %+v", title, h.github.Issues("acme/app"))
	}
	return found
}

// `/backlog github push #1` opens an issue for the idea (its author or an
// owner may), links them, and tells the pusher; the issue is not made an
// idea again, and from then on the two move together.
func TestPushOpensAnIssueForAnIdea(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	h.slash(h.ann, h.product, "/backlog", "github push #1")
	h.ephemeral(h.ann, h.product, "This backlog is not connected to GitHub.", "/backlog github connect owner/repo connects it")
	h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
	h.githubSays(h.ann, h.product, "Last poll")
	card := h.idea(h.ann, h.product, "Dark mode | @here the dashboard hurts at night")
	h.support(h.bob, card)

	h.slash(h.ann, h.product, "/backlog", "owners add <@"+h.ann+">")
	h.ephemeral(h.ann, h.product, "owner")
	h.slash(h.bob, h.product, "/backlog", "github push #1")
	h.ephemeral(h.bob, h.product, "Only #1's author or this backlog's owners (and workspace admins) can push it to GitHub.")
	h.slash(h.ann, h.product, "/backlog", "github push #9")
	h.ephemeral(h.ann, h.product, "#9")
	h.idea(h.bob, h.product, "Fax export")
	h.slash(h.ann, h.product, "/backlog", "decline #2 nobody faxes")
	h.ephemeral(h.ann, h.product, "You declined #2")
	h.slash(h.ann, h.product, "/backlog", "github push #2")
	h.ephemeral(h.ann, h.product, "#2 is declined, so there is nothing for GitHub to track. /backlog reopen #2 puts it back in play first.")

	h.slash(h.ann, h.product, "/backlog", "github push #1")
	h.ephemeral(h.ann, h.product, "Opening an issue for #1 on acme/app. I'll send you its link by direct message once GitHub has it")
	h.dm(h.ann, "#1 Dark mode is on GitHub now: acme/app#1.", "Closing the issue ships or declines #1")
	is := h.pushed("Dark mode")
	if !strings.Contains(is.Body, "@\u200bhere the dashboard hurts at night") || !strings.Contains(is.Body, "Pushed from priobot by ann") ||
		!strings.Contains(is.Body, "submitted by ann and awaiting scoring. 2 people asked for it.") || len(is.Labels) != 1 || is.Labels[0] != "priobot" {
		t.Errorf("the pushed issue reads %q, labels %q", is.Body, is.Labels)
	}
	h.message(h.product, "#1 Dark mode", "Links: acme/app#1")
	h.slash(h.ann, h.product, "/backlog", "github push #1")
	h.ephemeral(h.ann, h.product, "#1 follows acme/app#1 already")

	// The labelled issue is #1's, not a new idea; priobot comments on it.
	h.waitGitHub(2)
	if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue("acme/app", 1); return len(is.Comments) == 1 }); err != nil {
		t.Fatal("priobot never commented on the pushed issue")
	}
	for _, m := range h.emu.Messages(h.product) {
		if m.Contains("Imported from acme/app#1") {
			t.Errorf("the pushed issue was imported as a new idea: %q", m.Text)
		}
	}
	h.githubSays(h.ann, h.product, "1 idea is linked to one of its issues.")

	gh.CloseIssue("acme/app", is.Number, "completed", "octocat")
	h.message(h.emu.IM(h.bob), "octocat on GitHub moved #1 Dark mode", "shipped")
	h.slash(h.ann, h.product, "/backlog", "github push #1")
	h.ephemeral(h.ann, h.product, "#1 follows acme/app#1 already")
}

// A push whose answer is lost on the way back is retried, and the retry
// finds the issue the first try opened rather than opening another; the
// polls meanwhile know the issue for #1's and link it, not import it.
func TestARetriedPushOpensOneIssue(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.connected("acme/app")
	h.idea(h.ann, h.product, "Dark mode")

	gh.LoseAnswers(1)
	h.slash(h.ann, h.product, "/backlog", "github push #1")
	h.ephemeral(h.ann, h.product, "Opening an issue for #1")
	h.pushed("Dark mode")
	h.waitGitHub(2)
	h.message(h.product, "#1 Dark mode", "Links: acme/app#1")
	h.clock.Advance(time.Minute) // past the first retry's wait
	h.dm(h.ann, "#1 Dark mode is on GitHub now: acme/app#1.")
	creates := h.githubCalls(func(c githubemu.Call) bool {
		return c.Method == http.MethodPost && strings.HasSuffix(c.Path, "/issues")
	})
	if len(gh.Issues("acme/app")) != 1 || len(creates) != 1 {
		t.Errorf("%d issues on acme/app after %d creates, want one of each", len(gh.Issues("acme/app")), len(creates))
	}
	h.delivered(h.ann, h.product)
	for _, m := range h.emu.Messages(h.product) {
		if m.Contains("Imported from acme/app#1") {
			t.Errorf("the pushed issue was imported as a new idea: %q", m.Text)
		}
	}
}

// A push that GitHub keeps refusing is given up on and its pusher told.
func TestARefusedPushTellsThePusher(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.connected("acme/app")
	h.idea(h.ann, h.product, "Dark mode")
	gh.FailWrites(http.StatusForbidden)
	h.slash(h.ann, h.product, "/backlog", "github push #1")
	h.dm(h.ann, "I couldn't open an issue for #1 on GitHub: the token may not do this (403)", "/backlog github push #1 tries again.")
	h.delivered(h.ann, h.product)
	h.slash(h.ann, h.product, "/backlog", "outbox")
	h.ephemeral(h.ann, h.product, "to GitHub: opening an issue for #1 by ann on", "the token may not do this (403)")
}

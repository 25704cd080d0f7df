package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/slackemu"
)

// BenchmarkGitHubFirstImport connects a backlog to a repository of 1,000
// labelled issues: the time until the import is announced, the API
// requests it took, and the idle polls after it.
func BenchmarkGitHubFirstImport(b *testing.B) {
	for range b.N {
		h := newHarness(b, slackemu.Options{})
		// A repository's issues were opened over time, a second apart here.
		var mu sync.Mutex
		clock := time.Now().Add(-2 * time.Hour)
		opened := false // then the clock is the real one
		gh, err := githubemu.Start(githubemu.Options{Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			if opened {
				return time.Now()
			}
			return clock
		}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(gh.Close)
		h.shutdown()
		h.github = gh
		h.start()
		gh.AddRepo("acme/app", githubemu.RepoOptions{})
		for i := range 1000 {
			gh.OpenIssue("acme/app", "octocat", fmt.Sprintf("Request %04d", i+1), "Customers ask for it.", "priobot")
			mu.Lock()
			clock = clock.Add(time.Second)
			mu.Unlock()
		}
		mu.Lock()
		opened = true
		mu.Unlock()
		start := time.Now()
		h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
		h.message(h.product, "Imported 1000 issues labelled priobot from acme/app")
		took := time.Since(start)
		lists, _, counted := h.githubLists()
		b.ReportMetric(took.Seconds(), "s/import")
		b.ReportMetric(float64(lists), "list-requests")
		b.ReportMetric(float64(counted), "counted")

		// priobot's comments go on every issue, 20 a poll; then the
		// repository is idle: every poll is a 304, uncounted.
		commented := func() bool {
			for _, is := range gh.Issues("acme/app") {
				if len(is.Comments) == 0 {
					return false
				}
			}
			return true
		}
		if err := gh.Wait(soon(b), commented); err != nil {
			b.Fatal("not every issue got priobot's comment")
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/all-commented")
		h.waitGitHub(2) // the poll after the last comment reads those issues once more
		before, notModified, counted := h.githubLists()
		h.waitGitHub(20)
		after, notModified2, counted2 := h.githubLists()
		polls := after - before
		b.ReportMetric(float64(notModified2-notModified)/float64(polls), "idle-304-share")
		b.ReportMetric(float64(counted2-counted), "idle-counted")
		h.shutdown()
	}
}

// BenchmarkGitHubClosedAtOnce closes at once on GitHub 100 issues that
// ideas follow: the time until each idea's author has heard, and the API
// requests and Slack calls it took.
func BenchmarkGitHubClosedAtOnce(b *testing.B) {
	for range b.N {
		h := newHarness(b, slackemu.Options{})
		gh := h.github
		gh.AddRepo("acme/app", githubemu.RepoOptions{})
		h.slash(h.ann, h.product, "/backlog", "github connect acme/app")
		h.githubSays(h.ann, h.product, "Last poll")
		for n := 1; n <= 100; n++ {
			gh.OpenIssue("acme/app", "octocat", fmt.Sprintf("Request %03d", n), "")
			h.idea(h.ann, h.product, fmt.Sprintf("Request %03d", n))
			h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("link #%d https://github.test/acme/app/issues/%d", n, n))
			h.ephemeral(h.ann, h.product, fmt.Sprintf("It follows acme/app#%d now", n))
		}
		dm := h.emu.IM(h.ann)
		requests, posts := len(gh.Calls()), len(h.emu.Calls("chat.postMessage"))
		start := time.Now()
		for n := 1; n <= 100; n++ {
			gh.CloseIssue("acme/app", n, "completed", "octocat")
		}
		if err := h.emu.Wait(b.Context(), func() bool { return len(h.emu.Messages(dm)) >= 100 }); err != nil {
			b.Fatalf("%d of 100 DMs", len(h.emu.Messages(dm)))
		}
		took := time.Since(start)
		b.ReportMetric(took.Seconds(), "s/100-closed")
		lists, comments := 0, 0
		for _, c := range gh.Calls()[requests:] {
			switch {
			case strings.Contains(c.Path, "/comments"):
				comments++
			case c.Method == http.MethodGet && strings.HasSuffix(c.Path, "/issues"):
				lists++
			}
		}
		b.ReportMetric(float64(len(gh.Calls())-requests), "github-requests")
		b.ReportMetric(float64(lists), "github-lists")
		b.ReportMetric(float64(comments), "github-comment-writes")
		b.ReportMetric(float64(len(h.emu.Calls("chat.postMessage"))-posts), "slack-posts")
		h.shutdown()
	}
}

package github_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/tracker"
	"github.com/priobot/priobot/tracker/github"
)

func start(t *testing.T, o githubemu.Options) (*githubemu.Server, *github.Client) {
	t.Helper()
	emu, err := githubemu.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	emu.AddRepo("acme/app", githubemu.RepoOptions{})
	c, err := github.New(githubemu.Token, emu.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return emu, c
}

func counted(emu *githubemu.Server) (calls, charged int) {
	for _, c := range emu.Calls() {
		calls++
		if c.Counted {
			charged++
		}
	}
	return calls, charged
}

// A first import follows every page, skips pull requests and unlabelled
// issues; an idle poll then costs one request and nothing against the
// rate limit; a change comes back with the issue seen at the cursor's second.
func TestChangedPagesThenPollsForFree(t *testing.T) {
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	emu, c := start(t, githubemu.Options{Now: func() time.Time { return clock }})
	for i := range 250 {
		clock = clock.Add(time.Second)
		emu.OpenIssue("acme/app", "octocat", fmt.Sprintf("Issue %d", i+1), "", "priobot")
	}
	emu.OpenIssue("acme/app", "octocat", "Not for priobot", "")
	emu.OpenPullRequest("acme/app", "octocat", "A pull request", "priobot")
	ctx := t.Context()

	issues, cur, err := c.Changed(ctx, "acme/app", "priobot", tracker.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 250 || issues[0].Number != 1 || issues[249].Number != 250 {
		t.Fatalf("%d issues imported, want #1 to #250 oldest first", len(issues))
	}
	if calls, _ := counted(emu); calls != 3 {
		t.Errorf("%d requests for 251 listed, want 3 pages of 100", calls)
	}
	if cur.ETag != "" || !cur.Since.Equal(clock) {
		t.Errorf("cursor %+v after several pages, want no ETag and the newest change", cur)
	}
	issues, cur, _ = c.Changed(ctx, "acme/app", "priobot", cur)
	if len(issues) != 1 || cur.ETag == "" {
		t.Fatalf("the poll after: %d issues (the one at the cursor's second), cursor %+v", len(issues), cur)
	}
	before, charged := counted(emu)
	for range 5 {
		if issues, again, err := c.Changed(ctx, "acme/app", "priobot", cur); err != nil || len(issues) != 0 || again != cur {
			t.Fatalf("an idle poll: %d issues, %+v, %v", len(issues), again, err)
		}
	}
	if after, charged2 := counted(emu); after != before+5 || charged2 != charged {
		t.Errorf("5 idle polls made %d requests and %d counted against the rate limit, want 5 and 0", after-before, charged2-charged)
	}
	clock = clock.Add(time.Minute)
	emu.CloseIssue("acme/app", 7, "not_planned", "octocat")
	issues, _, _ = c.Changed(ctx, "acme/app", "priobot", cur)
	want := tracker.Issue{Repo: "acme/app", Number: 7, Title: "Issue 7", Author: "octocat", Reason: tracker.NotPlanned,
		ClosedBy: "octocat", Labels: []string{"priobot"}, URL: "https://github.test/acme/app/issues/7", Updated: clock}
	if len(issues) != 2 || issues[0].Number != 250 || !cmp.Equal(issues[1], want) {
		t.Errorf("after #7 closed as not planned: %+v, want #250 (at the cursor's second, seen before) and #7", issues)
	}
}

func TestWritesAndTheirRefusals(t *testing.T) {
	emu, c := start(t, githubemu.Options{})
	ctx := t.Context()
	repo, err := c.Repo(ctx, "ACME/app")
	if err != nil || repo.Name != "acme/app" || repo.URL != "https://github.test/acme/app" {
		t.Fatalf("Repo: %+v %v", repo, err)
	}
	is, err := c.Create(ctx, "acme/app", tracker.Draft{Title: "Dark mode", Body: "From #product", Labels: []string{"priobot"}})
	if err != nil || is.Number != 1 || !is.Open {
		t.Fatalf("Create: %+v %v", is, err)
	}
	if is, err = c.SetState(ctx, "acme/app", 1, false, tracker.Completed); err != nil || is.Open || is.Reason != tracker.Completed {
		t.Errorf("closed as completed: %+v %v", is, err)
	}
	if is, err = c.SetState(ctx, "acme/app", 1, true, ""); err != nil || !is.Open {
		t.Errorf("reopened: %+v %v", is, err)
	}
	id, err := c.Comment(ctx, "acme/app", 1, 0, "3rd of 27")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := c.Comment(ctx, "acme/app", 1, id, "2nd of 27"); err != nil || again != id {
		t.Errorf("edited in place: %d %v, want %d", again, err, id)
	}
	if got, _ := emu.Issue("acme/app", 1); len(got.Comments) != 1 || got.Comments[0].Body != "2nd of 27" {
		t.Errorf("comments %+v, want one, edited", got.Comments)
	}

	emu.SecondaryLimit(30)
	_, err = c.Create(ctx, "acme/app", tracker.Draft{Title: "Too fast"})
	var limited *tracker.RateLimited
	if !errors.As(err, &limited) || !limited.Secondary || time.Until(limited.Until) < 25*time.Second {
		t.Errorf("a secondary limit: %v, want to wait its Retry-After of 30 s", err)
	}

	emu2, c2 := start(t, githubemu.Options{})
	emu2.UseUp(0)
	if _, _, err := c2.Changed(ctx, "acme/app", "", tracker.Cursor{}); !errors.As(err, &limited) || limited.Secondary || limited.Until.IsZero() {
		t.Errorf("the hourly limit used up: %v", err)
	}
	emu2.AddRepo("acme/secret", githubemu.RepoOptions{Hidden: true})
	_, c3 := start(t, githubemu.Options{})
	if _, err := c3.Repo(ctx, "acme/secret"); !errors.Is(err, tracker.ErrNotFound) || !tracker.Pauses(err) {
		t.Errorf("a repository the token may not see: %v", err)
	}
	emu3, c4 := start(t, githubemu.Options{})
	emu3.Revoke()
	_, err = c4.Repo(ctx, "acme/app")
	if !errors.Is(err, tracker.ErrUnauthorized) || strings.Contains(err.Error(), githubemu.Token) {
		t.Errorf("a revoked token: %v", err)
	}
	emu3.Restore()
	emu3.Fail(http.StatusBadGateway)
	if _, err := c4.Repo(ctx, "acme/app"); err == nil || tracker.Pauses(err) || !strings.Contains(err.Error(), "502") {
		t.Errorf("a passing failure: %v, want one that does not pause the connection", err)
	}
}

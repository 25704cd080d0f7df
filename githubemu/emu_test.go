package githubemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v75/github"

	"github.com/priobot/priobot/githubemu"
)

// etagged sends If-None-Match when it has one: how a client makes a
// conditional request through go-github.
type etagged struct{ etag string }

func (e *etagged) RoundTrip(r *http.Request) (*http.Response, error) {
	if e.etag != "" {
		r = r.Clone(r.Context())
		r.Header.Set("If-None-Match", e.etag)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func start(t *testing.T, o githubemu.Options) (*githubemu.Server, *github.Client, *etagged) {
	t.Helper()
	emu, err := githubemu.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	return start2(t, emu)
}

// start2 is another client of the same emulator.
func start2(t *testing.T, emu *githubemu.Server) (*githubemu.Server, *github.Client, *etagged) {
	t.Helper()
	rt := &etagged{}
	gh, err := github.NewClient(&http.Client{Transport: rt}).WithAuthToken(githubemu.Token).WithEnterpriseURLs(emu.URL(), emu.URL())
	if err != nil {
		t.Fatal(err)
	}
	return emu, gh, rt
}

func numbers(issues []*github.Issue) []int {
	var out []int
	for _, is := range issues {
		out = append(out, is.GetNumber())
	}
	return out
}

func TestListFiltersSortsAndPaginatesAsGitHub(t *testing.T) {
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	emu, gh, _ := start(t, githubemu.Options{Now: func() time.Time { return clock }})
	emu.AddRepo("acme/app", githubemu.RepoOptions{})
	for i := range 250 {
		labels := []string{"bug"}
		if i%2 == 0 {
			labels = append(labels, "priobot")
		}
		emu.OpenIssue("acme/app", "octocat", fmt.Sprintf("Issue %d", i+1), "", labels...)
	}
	pr := emu.OpenPullRequest("acme/app", "octocat", "A pull request", "priobot")
	clock = clock.Add(time.Hour)
	emu.CommentOn("acme/app", 7, "hubot", "me too") // updated later than the rest
	emu.CloseIssue("acme/app", 9, "not_planned", "octocat")

	ctx := t.Context()
	var all []*github.Issue
	opts := &github.IssueListByRepoOptions{State: "all", Labels: []string{"priobot"}, Sort: "updated", Direction: "asc",
		ListOptions: github.ListOptions{PerPage: 100}}
	pages := 0
	for {
		page, resp, err := gh.Issues.ListByRepo(ctx, "acme", "app", opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page...)
		if resp.NextPage == 0 {
			break
		}
		opts.ListOptions.Page = resp.NextPage
	}
	if len(all) != 126 || pages != 2 {
		t.Fatalf("%d issues in %d pages, want 125 labelled issues and 1 pull request in 2 pages", len(all), pages)
	}
	if got := numbers(all[len(all)-2:]); !cmp.Equal(got, []int{7, 9}) {
		t.Errorf("the last updated are %v, want [7 9]", got)
	}
	if last := all[len(all)-1]; last.GetState() != "closed" || last.GetStateReason() != "not_planned" {
		t.Errorf("#9 is %s (%s)", last.GetState(), last.GetStateReason())
	}
	prs := 0
	for _, is := range all {
		if is.IsPullRequest() {
			prs++
			if is.GetNumber() != pr {
				t.Errorf("#%d is a pull request", is.GetNumber())
			}
		}
	}
	if prs != 1 {
		t.Errorf("%d pull requests in the list, want 1", prs)
	}

	since, _, err := gh.Issues.ListByRepo(ctx, "acme", "app", &github.IssueListByRepoOptions{State: "all", Since: clock, Sort: "updated", Direction: "asc"})
	if err != nil || !cmp.Equal(numbers(since), []int{7, 9}) {
		t.Errorf("since the hour: %v (%v), want [7 9]", numbers(since), err)
	}
	open, _, _ := gh.Issues.ListByRepo(ctx, "acme", "app", &github.IssueListByRepoOptions{Labels: []string{"PRIOBOT"}, ListOptions: github.ListOptions{PerPage: 3}})
	if !cmp.Equal(numbers(open), []int{251, 249, 247}) {
		t.Errorf("open, newest first, labels case-insensitive: %v", numbers(open))
	}
}

func TestNotModifiedCostsNothing(t *testing.T) {
	emu, gh, rt := start(t, githubemu.Options{})
	emu.AddRepo("acme/app", githubemu.RepoOptions{})
	emu.OpenIssue("acme/app", "octocat", "Dark mode", "")
	ctx := t.Context()
	opts := &github.IssueListByRepoOptions{State: "all"}
	_, first, err := gh.Issues.ListByRepo(ctx, "acme", "app", opts)
	if err != nil {
		t.Fatal(err)
	}
	rt.etag = first.Header.Get("ETag")
	_, again, err := gh.Issues.ListByRepo(ctx, "acme", "app", opts)
	if again == nil || again.StatusCode != http.StatusNotModified {
		t.Fatalf("the same list again with its ETag: %v, %v; want 304", again, err)
	}
	if again.Rate.Remaining != first.Rate.Remaining {
		t.Errorf("a 304 counted: %d remaining, then %d", first.Rate.Remaining, again.Rate.Remaining)
	}
	emu.Rename("acme/app", 1, "Dark theme")
	if list, resp, err := gh.Issues.ListByRepo(ctx, "acme", "app", opts); err != nil || resp.StatusCode != http.StatusOK || list[0].GetTitle() != "Dark theme" {
		t.Errorf("after a change: %v %v", resp, err)
	}
}

func TestWritesAsGitHubDoes(t *testing.T) {
	emu, gh, _ := start(t, githubemu.Options{})
	emu.AddRepo("acme/app", githubemu.RepoOptions{})
	ctx := t.Context()
	repo, _, err := gh.Repositories.Get(ctx, "acme", "app")
	if err != nil || repo.GetHTMLURL() != emu.HTMLURL("acme/app") {
		t.Fatalf("repository: %v %v", repo, err)
	}
	is, _, err := gh.Issues.Create(ctx, "acme", "app", &github.IssueRequest{Title: github.Ptr("Dark mode"), Body: github.Ptr("From priobot")})
	if err != nil || is.GetNumber() != 1 || is.GetUser().GetLogin() != githubemu.Login {
		t.Fatalf("create: %v %v", is, err)
	}
	_, _, err = gh.Issues.Create(ctx, "acme", "app", &github.IssueRequest{Body: github.Ptr("no title")})
	var ge *github.ErrorResponse
	if !errors.As(err, &ge) || ge.Response.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an issue without a title: %v, want 422", err)
	}
	is, _, err = gh.Issues.Edit(ctx, "acme", "app", 1, &github.IssueRequest{State: github.Ptr("closed"), StateReason: github.Ptr("not_planned")})
	if err != nil || is.GetState() != "closed" || is.GetStateReason() != "not_planned" {
		t.Errorf("closed as not planned: %v %v", is, err)
	}
	is, _, _ = gh.Issues.Edit(ctx, "acme", "app", 1, &github.IssueRequest{State: github.Ptr("open")})
	if is.GetState() != "open" || is.GetStateReason() != "reopened" {
		t.Errorf("reopened: %s %s", is.GetState(), is.GetStateReason())
	}
	c, _, err := gh.Issues.CreateComment(ctx, "acme", "app", 1, &github.IssueComment{Body: github.Ptr("3rd of 27")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.Issues.EditComment(ctx, "acme", "app", c.GetID(), &github.IssueComment{Body: github.Ptr("2nd of 27")}); err != nil {
		t.Fatal(err)
	}
	comments, _, _ := gh.Issues.ListComments(ctx, "acme", "app", 1, nil)
	if len(comments) != 1 || comments[0].GetBody() != "2nd of 27" {
		t.Errorf("comments: %v, want the one edited in place", comments)
	}
}

func TestRefusals(t *testing.T) {
	emu, gh, _ := start(t, githubemu.Options{RateLimit: 10})
	emu.AddRepo("acme/app", githubemu.RepoOptions{})
	emu.AddRepo("acme/secret", githubemu.RepoOptions{Private: true, Hidden: true})
	emu.AddRepo("acme/noissues", githubemu.RepoOptions{IssuesDisabled: true})
	ctx := t.Context()
	status := func(err error) int {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) {
			return ge.Response.StatusCode
		}
		return 0
	}
	if _, _, err := gh.Repositories.Get(ctx, "acme", "secret"); status(err) != http.StatusNotFound {
		t.Errorf("a repository the token may not see: %v, want 404", err)
	}
	if _, _, err := gh.Issues.ListByRepo(ctx, "acme", "noissues", nil); status(err) != http.StatusGone {
		t.Errorf("issues disabled: %v, want 410", err)
	}
	emu.SecondaryLimit(7)
	_, _, err := gh.Issues.ListByRepo(ctx, "acme", "app", nil)
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.GetRetryAfter() != 7*time.Second {
		t.Errorf("a secondary limit: %v, want go-github's AbuseRateLimitError with Retry-After 7 s", err)
	}
	emu.UseUp(0)
	// go-github itself waits out the secondary limit it saw: a new client asks.
	_, gh, _ = start2(t, emu)
	_, _, err = gh.Issues.ListByRepo(ctx, "acme", "app", nil)
	var limited *github.RateLimitError
	if !errors.As(err, &limited) || limited.Rate.Remaining != 0 || limited.Rate.Reset.IsZero() {
		t.Errorf("over the primary limit: %v, want go-github's RateLimitError with its reset", err)
	}
	emu.Revoke()
	_, fresh, _ := start2(t, emu)
	if _, _, err := fresh.Repositories.Get(ctx, "acme", "app"); status(err) != http.StatusUnauthorized || !strings.Contains(err.Error(), "Bad credentials") {
		t.Errorf("a revoked token: %v, want 401 Bad credentials", err)
	}
	calls := emu.Calls()
	if len(calls) == 0 || calls[len(calls)-1].Status != http.StatusUnauthorized {
		t.Errorf("calls recorded: %v", calls)
	}
}

// A lost answer: the write is done, the client hears 502.
func TestLostAnswers(t *testing.T) {
	emu, gh, _ := start(t, githubemu.Options{})
	emu.AddRepo("acme/app", githubemu.RepoOptions{})
	emu.LoseAnswers(1)
	title := "Dark mode"
	if _, _, err := gh.Issues.Create(t.Context(), "acme", "app", &github.IssueRequest{Title: &title}); !strings.Contains(fmt.Sprint(err), "502") {
		t.Errorf("a lost answer: %v, want 502", err)
	}
	if issues := emu.Issues("acme/app"); len(issues) != 1 || issues[0].Title != title {
		t.Errorf("the write behind the lost answer: %+v, want the issue opened", issues)
	}
	if _, _, err := gh.Issues.Create(t.Context(), "acme", "app", &github.IssueRequest{Title: &title}); err != nil {
		t.Errorf("the next write: %v", err)
	}
}

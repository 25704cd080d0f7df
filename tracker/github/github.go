// Package github is the tracker sync's adapter for GitHub Issues (and
// GitHub Enterprise Server), through go-github: it polls with conditional
// requests, follows pagination, skips pull requests, and turns GitHub's
// refusals and rate limits into the tracker package's errors. The token
// never appears in an error.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v75/github"

	"github.com/priobot/priobot/tracker"
)

// Client speaks to one GitHub API with one token.
type Client struct {
	api *gh.Client
	now func() time.Time
}

// New returns a client of the API at apiURL (https://api.github.com/, an
// Enterprise Server's https://HOST/api/v3/, or an emulator's).
func New(token, apiURL string, httpClient *http.Client) (*Client, error) {
	api := gh.NewClient(httpClient).WithAuthToken(token)
	if strings.TrimSuffix(apiURL, "/") != "https://api.github.com" {
		var err error
		if api, err = api.WithEnterpriseURLs(apiURL, apiURL); err != nil {
			return nil, fmt.Errorf("GITHUB_API_URL %q: %w", apiURL, err)
		}
	}
	return &Client{api: api, now: time.Now}, nil
}

var _ tracker.Tracker = (*Client)(nil)

func split(repo string) (string, string) {
	owner, name, _ := strings.Cut(repo, "/")
	return owner, name
}

// Repo checks the repository is reachable with the token.
func (c *Client) Repo(ctx context.Context, repo string) (tracker.Repo, error) {
	owner, name := split(repo)
	r, _, err := c.api.Repositories.Get(ctx, owner, name)
	if err != nil {
		return tracker.Repo{}, c.refusal(err)
	}
	if !r.GetHasIssues() {
		return tracker.Repo{}, tracker.ErrGone
	}
	return tracker.Repo{Name: r.GetFullName(), URL: r.GetHTMLURL()}, nil
}

// perPage is the most GitHub lists at once.
const perPage = 100

// Changed lists the labelled issues updated at or after the cursor's
// time, oldest change first, every page. The first page is asked for with
// the cursor's ETag: a 304 (which costs nothing against the rate limit)
// means nothing changed. The next cursor starts at the newest change seen
// (GitHub's times have second resolution, and since is inclusive, so the
// caller skips what it has seen by issue and update time); its ETag is
// kept only when the answer fit on one page, since a change can land on
// a later page while the first stays the same.
func (c *Client) Changed(ctx context.Context, repo, label string, cur tracker.Cursor) ([]tracker.Issue, tracker.Cursor, error) {
	owner, name := split(repo)
	q := url.Values{"state": {"all"}, "sort": {"updated"}, "direction": {"asc"}, "per_page": {fmt.Sprint(perPage)}}
	if label != "" {
		q.Set("labels", label)
	}
	if !cur.Since.IsZero() {
		q.Set("since", cur.Since.UTC().Format(time.RFC3339))
	}
	next := tracker.Cursor{Since: cur.Since}
	var out []tracker.Issue
	for page := 1; ; page++ {
		q.Set("page", fmt.Sprint(page))
		req, err := c.api.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues?%s", url.PathEscape(owner), url.PathEscape(name), q.Encode()), nil)
		if err != nil {
			return nil, cur, err
		}
		if page == 1 && cur.ETag != "" {
			req.Header.Set("If-None-Match", cur.ETag)
		}
		var list []*gh.Issue
		resp, err := c.api.Do(ctx, req, &list)
		if resp != nil && resp.StatusCode == http.StatusNotModified {
			return nil, cur, nil
		}
		if err != nil {
			return nil, cur, c.refusal(err)
		}
		for _, is := range list {
			i := convert(repo, is)
			if i.Updated.After(next.Since) {
				next.Since = i.Updated
			}
			if !i.Pull {
				out = append(out, i)
			}
		}
		if resp.NextPage == 0 {
			if page == 1 {
				next.ETag = resp.Header.Get("ETag")
			}
			return out, next, nil
		}
	}
}

// Issue reads one issue.
func (c *Client) Issue(ctx context.Context, repo string, number int) (tracker.Issue, error) {
	owner, name := split(repo)
	is, _, err := c.api.Issues.Get(ctx, owner, name, number)
	if err != nil {
		return tracker.Issue{}, c.refusal(err)
	}
	return convert(repo, is), nil
}

// Create opens an issue.
func (c *Client) Create(ctx context.Context, repo string, d tracker.Draft) (tracker.Issue, error) {
	owner, name := split(repo)
	req := &gh.IssueRequest{Title: &d.Title, Body: &d.Body}
	if len(d.Labels) > 0 {
		req.Labels = &d.Labels
	}
	is, _, err := c.api.Issues.Create(ctx, owner, name, req)
	if err != nil {
		return tracker.Issue{}, c.refusal(err)
	}
	return convert(repo, is), nil
}

// SetState opens or closes an issue, closed with a reason (completed or
// not_planned).
func (c *Client) SetState(ctx context.Context, repo string, number int, open bool, reason string) (tracker.Issue, error) {
	owner, name := split(repo)
	state := "closed"
	if open {
		state, reason = "open", ""
	}
	req := &gh.IssueRequest{State: &state}
	if reason != "" {
		req.StateReason = &reason
	}
	is, _, err := c.api.Issues.Edit(ctx, owner, name, number, req)
	if err != nil {
		return tracker.Issue{}, c.refusal(err)
	}
	return convert(repo, is), nil
}

// Comment writes priobot's comment: a new one when id is 0 or the old one
// was deleted, else the same one edited in place.
func (c *Client) Comment(ctx context.Context, repo string, number int, id int64, body string) (int64, error) {
	owner, name := split(repo)
	if id != 0 {
		cm, _, err := c.api.Issues.EditComment(ctx, owner, name, id, &gh.IssueComment{Body: &body})
		if err == nil {
			return cm.GetID(), nil
		}
		if err = c.refusal(err); !errors.Is(err, tracker.ErrNotFound) {
			return 0, err
		}
	}
	cm, _, err := c.api.Issues.CreateComment(ctx, owner, name, number, &gh.IssueComment{Body: &body})
	if err != nil {
		return 0, c.refusal(err)
	}
	return cm.GetID(), nil
}

func convert(repo string, is *gh.Issue) tracker.Issue {
	out := tracker.Issue{Repo: repo, Number: is.GetNumber(), Title: is.GetTitle(), Body: is.GetBody(),
		Author: is.GetUser().GetLogin(), Open: is.GetState() == "open", URL: is.GetHTMLURL(),
		Updated: is.GetUpdatedAt().Time, Pull: is.IsPullRequest(), ClosedBy: is.GetClosedBy().GetLogin()}
	if !out.Open {
		out.Reason = tracker.Completed // closing without a reason means completed
		if is.GetStateReason() == tracker.NotPlanned {
			out.Reason = tracker.NotPlanned
		}
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// refusal turns go-github's errors into the tracker's: rate limits with
// when to try again, refusals that pause the connection, and other
// failures with GitHub's status and message only.
func (c *Client) refusal(err error) error {
	var limited *gh.RateLimitError
	if errors.As(err, &limited) {
		return &tracker.RateLimited{Until: limited.Rate.Reset.Time}
	}
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &abuse) {
		wait := time.Minute // GitHub: without a Retry-After, wait at least a minute
		if abuse.RetryAfter != nil {
			wait = *abuse.RetryAfter
		}
		return &tracker.RateLimited{Until: c.now().Add(wait), Secondary: true}
	}
	var resp *gh.ErrorResponse
	if !errors.As(err, &resp) || resp.Response == nil {
		return fmt.Errorf("GitHub did not answer: %w", err)
	}
	switch resp.Response.StatusCode {
	case http.StatusUnauthorized:
		return tracker.ErrUnauthorized
	case http.StatusForbidden:
		return tracker.ErrForbidden
	case http.StatusNotFound:
		return tracker.ErrNotFound
	case http.StatusGone:
		return tracker.ErrGone
	case http.StatusTooManyRequests:
		if after := resp.Response.Header.Get("Retry-After"); after != "" {
			if d, err := time.ParseDuration(after + "s"); err == nil {
				return &tracker.RateLimited{Until: c.now().Add(d), Secondary: true}
			}
		}
		return &tracker.RateLimited{Until: c.now().Add(time.Minute), Secondary: true}
	}
	return fmt.Errorf("GitHub answered %d: %s", resp.Response.StatusCode, resp.Message)
}

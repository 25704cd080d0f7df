package githubemu

import (
	"context"
	"slices"
	"strings"
)

// Login is who the token belongs to: the author of what priobot writes.
const Login = "priobot-bot"

// OpenIssue opens an issue in a repository as author, with labels, and
// returns its number.
func (s *Server) OpenIssue(fullName, author, title, body string, labels ...string) int {
	return s.open(fullName, author, title, body, false, labels)
}

// OpenPullRequest opens a pull request: the issues list shows it too.
func (s *Server) OpenPullRequest(fullName, author, title string, labels ...string) int {
	return s.open(fullName, author, title, "", true, labels)
}

func (s *Server) open(fullName, author, title, body string, pr bool, labels []string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repoLocked(fullName)
	if err != nil {
		panic(err)
	}
	return s.openLocked(r, author, title, body, pr, labels).Number
}

func (s *Server) openLocked(r *repo, author, title, body string, pr bool, labels []string) *Issue {
	now := s.now()
	is := &Issue{Number: len(r.issues) + 1, Title: title, Body: body, State: "open", Labels: slices.Clone(labels),
		Author: author, PullRequest: pr, Created: now, Updated: now}
	r.issues = append(r.issues, is)
	s.touched()
	return is
}

// CloseIssue closes an issue as by would on GitHub, with a reason:
// completed or not_planned.
func (s *Server) CloseIssue(fullName string, n int, reason, by string) {
	s.edit(fullName, n, func(is *Issue) {
		is.State, is.StateReason, is.Closed, is.ClosedBy = "closed", reason, s.now(), by
	})
}

// Reopen reopens a closed issue.
func (s *Server) Reopen(fullName string, n int) {
	s.edit(fullName, n, func(is *Issue) { is.State, is.StateReason, is.Closed, is.ClosedBy = "open", "reopened", timeZero, "" })
}

// Rename changes an issue's title.
func (s *Server) Rename(fullName string, n int, title string) {
	s.edit(fullName, n, func(is *Issue) { is.Title = title })
}

// Label adds a label to an issue.
func (s *Server) Label(fullName string, n int, label string) {
	s.edit(fullName, n, func(is *Issue) {
		if !hasLabel(is.Labels, label) {
			is.Labels = append(is.Labels, label)
		}
	})
}

// CommentOn comments on an issue as author.
func (s *Server) CommentOn(fullName string, n int, author, body string) {
	s.edit(fullName, n, func(is *Issue) {
		s.commentID++
		is.Comments = append(is.Comments, Comment{ID: s.commentID, Author: author, Body: body, Created: s.now(), Updated: s.now()})
	})
}

func (s *Server) edit(fullName string, n int, change func(*Issue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repoLocked(fullName)
	if err != nil {
		panic(err)
	}
	is := r.issue(n)
	if is == nil {
		panic("githubemu: no issue " + fullName + "#" + itoa(n))
	}
	change(is)
	is.Updated = s.now()
	s.touched()
}

// Issue returns a copy of an issue, and whether it exists.
func (s *Server) Issue(fullName string, n int) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repoLocked(fullName)
	if err != nil || r.issue(n) == nil {
		return Issue{}, false
	}
	is := *r.issue(n)
	is.Labels, is.Comments = slices.Clone(is.Labels), slices.Clone(is.Comments)
	return is, true
}

// Issues returns copies of a repository's issues and pull requests, by number.
func (s *Server) Issues(fullName string) []Issue {
	s.mu.Lock()
	r, err := s.repoLocked(fullName)
	if err != nil {
		s.mu.Unlock()
		return nil
	}
	n := len(r.issues)
	s.mu.Unlock()
	out := make([]Issue, 0, n)
	for i := 1; i <= n; i++ {
		is, _ := s.Issue(fullName, i)
		out = append(out, is)
	}
	return out
}

// Wait blocks until cond holds (checked at every change) or ctx ends.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func hasLabel(labels []string, name string) bool {
	return slices.ContainsFunc(labels, func(l string) bool { return strings.EqualFold(l, name) })
}

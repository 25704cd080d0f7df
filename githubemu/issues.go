package githubemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The handlers of the REST subset: a repository, its issues and their
// comments, answered as GitHub answers them (see routes).

func (s *Server) getRepo(_ *http.Request, r *repo) answer {
	return ok(map[string]any{"id": r.id, "name": r.name, "full_name": r.owner + "/" + r.name, "private": r.private,
		"html_url": s.HTMLURL(r.owner + "/" + r.name), "has_issues": !r.noIssues, "owner": map[string]any{"login": r.owner}})
}

func (s *Server) issueJSON(r *repo, is *Issue) map[string]any {
	labels := make([]map[string]any, len(is.Labels))
	for i, l := range is.Labels {
		labels[i] = map[string]any{"name": l}
	}
	full := r.owner + "/" + r.name
	out := map[string]any{"id": r.id*1_000_000 + int64(is.Number), "number": is.Number, "title": is.Title, "body": is.Body,
		"state": is.State, "labels": labels, "user": map[string]any{"login": is.Author}, "comments": len(is.Comments),
		"html_url": s.HTMLURL(full) + "/issues/" + itoa(is.Number), "url": s.URL() + "repos/" + full + "/issues/" + itoa(is.Number),
		"created_at": is.Created.Format(time.RFC3339), "updated_at": is.Updated.Format(time.RFC3339)}
	if is.StateReason != "" {
		out["state_reason"] = is.StateReason
	}
	if !is.Closed.IsZero() {
		out["closed_at"] = is.Closed.Format(time.RFC3339)
		if is.ClosedBy != "" {
			out["closed_by"] = map[string]any{"login": is.ClosedBy}
		}
	}
	if is.PullRequest {
		out["pull_request"] = map[string]any{"url": s.URL() + "repos/" + full + "/pulls/" + itoa(is.Number)}
	}
	return out
}

// listIssues serves the issues list: state (open, closed, all), labels
// (all of them), since (updated at or after), sort (created, updated,
// comments), direction, per_page (at most 100) and page, with Link.
func (s *Server) listIssues(req *http.Request, r *repo) answer {
	q := req.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return fail(http.StatusUnprocessableEntity, "Validation Failed: since is not an ISO 8601 time")
		}
		since = t
	}
	var labels []string
	if v := q.Get("labels"); v != "" {
		labels = strings.Split(v, ",")
	}
	var list []*Issue
	for _, is := range r.issues {
		if (state != "all" && is.State != state) || is.Updated.Before(since) {
			continue
		}
		if !slices.ContainsFunc(labels, func(l string) bool { return !hasLabel(is.Labels, l) }) {
			list = append(list, is)
		}
	}
	key := func(is *Issue) int64 {
		switch q.Get("sort") {
		case "updated":
			return is.Updated.Unix()
		case "comments":
			return int64(len(is.Comments))
		}
		return is.Created.Unix()
	}
	slices.SortStableFunc(list, func(a, b *Issue) int {
		c := key(a) - key(b)
		if c == 0 {
			c = int64(a.Number - b.Number)
		}
		if q.Get("direction") != "asc" {
			c = -c
		}
		return int(max(-1, min(1, c)))
	})
	page, links := s.paginate(req, len(list))
	out := make([]map[string]any, 0, len(page))
	for _, i := range page {
		out = append(out, s.issueJSON(r, list[i]))
	}
	return answer{status: http.StatusOK, body: out, links: links}
}

// paginate picks a page of n items by per_page (default 30, at most 100)
// and page, and writes the Link header's next, last, first and prev.
func (s *Server) paginate(req *http.Request, n int) ([]int, string) {
	q := req.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	last := max(1, (n+per-1)/per)
	var idx []int
	for i := (page - 1) * per; i < min(n, page*per); i++ {
		idx = append(idx, i)
	}
	link := func(p int, rel string) string {
		q.Set("page", itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.base, req.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	return idx, strings.Join(links, ", ")
}

func (s *Server) issueOf(req *http.Request, r *repo) (*Issue, answer) {
	n, _ := strconv.Atoi(req.PathValue("number"))
	is := r.issue(n)
	if is == nil {
		return nil, fail(http.StatusNotFound, "Not Found")
	}
	return is, answer{}
}

func (s *Server) getIssue(req *http.Request, r *repo) answer {
	is, a := s.issueOf(req, r)
	if is == nil {
		return a
	}
	return ok(s.issueJSON(r, is))
}

// issueEdit is the body of a create or an edit.
type issueEdit struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
}

func readEdit(req *http.Request) (issueEdit, bool) {
	var e issueEdit
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(req.Body)
	return e, json.Unmarshal(buf.Bytes(), &e) == nil
}

func invalid(field, code string) answer {
	return answer{status: http.StatusUnprocessableEntity, body: map[string]any{"message": "Validation Failed",
		"errors": []map[string]any{{"resource": "Issue", "field": field, "code": code}}, "documentation_url": "https://docs.github.com/rest"}}
}

func (s *Server) createIssue(req *http.Request, r *repo) answer {
	e, good := readEdit(req)
	if !good {
		return fail(http.StatusBadRequest, "Problems parsing JSON")
	}
	if e.Title == nil || strings.TrimSpace(*e.Title) == "" {
		return invalid("title", "missing_field")
	}
	body, labels := "", []string(nil)
	if e.Body != nil {
		body = *e.Body
	}
	if e.Labels != nil {
		labels = *e.Labels
	}
	is := s.openLocked(r, Login, *e.Title, body, false, labels)
	return answer{status: http.StatusCreated, body: s.issueJSON(r, is)}
}

func (s *Server) editIssue(req *http.Request, r *repo) answer {
	is, a := s.issueOf(req, r)
	if is == nil {
		return a
	}
	e, good := readEdit(req)
	if !good {
		return fail(http.StatusBadRequest, "Problems parsing JSON")
	}
	if e.State != nil && *e.State != "open" && *e.State != "closed" {
		return invalid("state", "invalid")
	}
	if e.StateReason != nil && !slices.Contains([]string{"completed", "not_planned", "reopened"}, *e.StateReason) {
		return invalid("state_reason", "invalid")
	}
	if e.Title != nil {
		if strings.TrimSpace(*e.Title) == "" {
			return invalid("title", "missing_field")
		}
		is.Title = *e.Title
	}
	if e.Body != nil {
		is.Body = *e.Body
	}
	if e.Labels != nil {
		is.Labels = slices.Clone(*e.Labels)
	}
	switch {
	case e.State != nil && *e.State == "closed" && is.State == "open":
		is.State, is.StateReason, is.Closed, is.ClosedBy = "closed", "completed", s.now(), Login
		if e.StateReason != nil && *e.StateReason != "reopened" {
			is.StateReason = *e.StateReason
		}
	case e.State != nil && *e.State == "open" && is.State == "closed":
		is.State, is.StateReason, is.Closed, is.ClosedBy = "open", "reopened", timeZero, ""
	case e.StateReason != nil && is.State == "closed" && *e.StateReason != "reopened":
		is.StateReason = *e.StateReason
	}
	is.Updated = s.now()
	return ok(s.issueJSON(r, is))
}

func commentJSON(s *Server, r *repo, n int, c Comment) map[string]any {
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author},
		"html_url":   s.HTMLURL(r.owner+"/"+r.name) + "/issues/" + itoa(n) + "#issuecomment-" + strconv.FormatInt(c.ID, 10),
		"created_at": c.Created.Format(time.RFC3339), "updated_at": c.Updated.Format(time.RFC3339)}
}

func (s *Server) listComments(req *http.Request, r *repo) answer {
	is, a := s.issueOf(req, r)
	if is == nil {
		return a
	}
	page, links := s.paginate(req, len(is.Comments))
	out := make([]map[string]any, 0, len(page))
	for _, i := range page {
		out = append(out, commentJSON(s, r, is.Number, is.Comments[i]))
	}
	return answer{status: http.StatusOK, body: out, links: links}
}

func readComment(req *http.Request) (string, bool) {
	var c struct {
		Body *string `json:"body"`
	}
	if json.NewDecoder(req.Body).Decode(&c) != nil || c.Body == nil || *c.Body == "" {
		return "", false
	}
	return *c.Body, true
}

func (s *Server) createComment(req *http.Request, r *repo) answer {
	is, a := s.issueOf(req, r)
	if is == nil {
		return a
	}
	body, good := readComment(req)
	if !good {
		return invalid("body", "missing_field")
	}
	s.commentID++
	c := Comment{ID: s.commentID, Author: Login, Body: body, Created: s.now(), Updated: s.now()}
	is.Comments = append(is.Comments, c)
	is.Updated = s.now()
	return answer{status: http.StatusCreated, body: commentJSON(s, r, is.Number, c)}
}

func (s *Server) editComment(req *http.Request, r *repo) answer {
	id, _ := strconv.ParseInt(req.PathValue("id"), 10, 64)
	for _, is := range r.issues {
		for i := range is.Comments {
			if is.Comments[i].ID != id {
				continue
			}
			body, good := readComment(req)
			if !good {
				return invalid("body", "missing_field")
			}
			is.Comments[i].Body, is.Comments[i].Updated = body, s.now()
			is.Updated = s.now()
			return ok(commentJSON(s, r, is.Number, is.Comments[i]))
		}
	}
	return fail(http.StatusNotFound, "Not Found")
}

package githubemu

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

var timeZero time.Time

func itoa(n int) string { return strconv.Itoa(n) }

// routes serves the REST subset under /api/v3, as GitHub Enterprise
// Server lays it out (go-github's BaseURL points there).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	const repoPath = "/api/v3/repos/{owner}/{repo}"
	mux.HandleFunc("GET "+repoPath, s.api(s.getRepo))
	mux.HandleFunc("GET "+repoPath+"/issues", s.api(s.listIssues))
	mux.HandleFunc("POST "+repoPath+"/issues", s.api(s.createIssue))
	mux.HandleFunc("GET "+repoPath+"/issues/{number}", s.api(s.getIssue))
	mux.HandleFunc("PATCH "+repoPath+"/issues/{number}", s.api(s.editIssue))
	mux.HandleFunc("GET "+repoPath+"/issues/{number}/comments", s.api(s.listComments))
	mux.HandleFunc("POST "+repoPath+"/issues/{number}/comments", s.api(s.createComment))
	mux.HandleFunc("PATCH "+repoPath+"/issues/comments/{id}", s.api(s.editComment))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.api(func(*http.Request, *repo) answer { return fail(http.StatusNotFound, "Not Found") })(w, r)
	})
	return mux
}

// answer is what a handler says: a status and a JSON body, and the
// pagination links of a list.
type answer struct {
	status     int
	body       any
	links      string
	retryAfter int // seconds, for a secondary limit
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func fail(status int, message string) answer {
	return answer{status: status, body: map[string]any{"message": message, "documentation_url": "https://docs.github.com/rest",
		"status": strconv.Itoa(status)}}
}

// api wraps a handler with what every request meets: the token, the
// injected failures, the secondary and primary rate limits, the
// repository's visibility, ETags and the rate-limit headers.
func (s *Server) api(h func(*http.Request, *repo) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.rollLocked()
		a, counted := s.serveLocked(req, h)
		var body []byte
		if a.body != nil {
			body, _ = json.Marshal(a.body)
		}
		if a.status == http.StatusOK && req.Method == http.MethodGet {
			sum := sha256.Sum256(body)
			etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
			w.Header().Set("ETag", etag)
			if req.Header.Get("If-None-Match") == etag {
				a, body, counted = answer{status: http.StatusNotModified}, nil, false
			}
		}
		if counted {
			s.used++
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", itoa(s.opts.RateLimit))
		h.Set("X-RateLimit-Remaining", itoa(max(0, s.opts.RateLimit-s.used)))
		h.Set("X-RateLimit-Used", itoa(s.used))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		if a.links != "" {
			h.Set("Link", a.links)
		}
		if a.retryAfter > 0 {
			h.Set("Retry-After", itoa(a.retryAfter))
		}
		if body != nil {
			h.Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(body)
		s.calls = append(s.calls, Call{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Status: a.status, Counted: counted, At: time.Now()})
		s.touched()
	}
}

// serveLocked answers one request and says whether it counts against the
// primary limit; s.mu is held.
func (s *Server) serveLocked(req *http.Request, h func(*http.Request, *repo) answer) (answer, bool) {
	auth := req.Header.Get("Authorization")
	token, _ := strings.CutPrefix(auth, "Bearer ")
	if t, ok := strings.CutPrefix(auth, "token "); ok {
		token = t
	}
	if s.revoked || token != s.opts.Token {
		return fail(http.StatusUnauthorized, "Bad credentials"), false
	}
	if len(s.failures) > 0 {
		status := s.failures[0]
		s.failures = s.failures[1:]
		return fail(status, http.StatusText(status)), true
	}
	if len(s.secondary) > 0 {
		after := s.secondary[0]
		s.secondary = s.secondary[1:]
		a := fail(http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
		a.body.(map[string]any)["documentation_url"] = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
		a.retryAfter = after
		return a, false
	}
	if s.used >= s.opts.RateLimit {
		return fail(http.StatusForbidden, "API rate limit exceeded for user ID 1."), false
	}
	var r *repo
	if owner := req.PathValue("owner"); owner != "" {
		r = s.repos[strings.ToLower(owner+"/"+req.PathValue("repo"))]
		if r == nil || r.hidden {
			return fail(http.StatusNotFound, "Not Found"), true
		}
		if r.noIssues && strings.Contains(req.URL.Path, "/issues") {
			return fail(http.StatusGone, "Issues are disabled for this repo"), true
		}
	}
	return h(req, r), true
}

// rollLocked starts a new rate-limit hour when the last one ended.
func (s *Server) rollLocked() {
	if now := s.opts.Now(); !now.Before(s.reset) {
		s.used, s.reset = 0, now.Add(time.Hour).Truncate(time.Second)
	}
}

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

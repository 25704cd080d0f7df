package githubemu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
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
		s.heldBack(req)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.rollLocked()
		a, counted := s.serveLocked(req, h)
		if s.lose > 0 && req.Method != http.MethodGet && a.status < 300 {
			s.lose--
			a = fail(http.StatusBadGateway, "Bad Gateway")
		}
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
	if len(s.failWrite) > 0 && req.Method != http.MethodGet {
		status := s.failWrite[0]
		s.failWrite = s.failWrite[1:]
		return fail(status, http.StatusText(status)), true
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

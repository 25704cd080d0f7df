package e2e

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/webhook"
)

// trustTestCertificate has this process, and the priobot processes tests
// start, trust httptest's TLS certificate through SSL_CERT_FILE, as an
// on-prem operator trusts an internal CA.
func trustTestCertificate() {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	dir, err := os.MkdirTemp("", "priobot-ca")
	if err != nil {
		panic(err)
	}
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", file)
}

// receiver is another tool's webhook endpoint on loopback, over HTTPS: it
// keeps every request and answers with the status it is given.
type receiver struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	got     []hookRequest
	answer  int
	changed chan struct{}
}

// hookRequest is one request as the receiver saw it.
type hookRequest struct {
	Header http.Header
	Body   []byte
	Status int // what the receiver answered
	Event  webhook.Event
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{t: t, answer: http.StatusOK, changed: make(chan struct{})}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var e webhook.Event
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("a webhook body is not an event: %v\n%s", err, body)
		}
		r.mu.Lock()
		status := r.answer
		r.got = append(r.got, hookRequest{Header: req.Header.Clone(), Body: body, Status: status, Event: e})
		close(r.changed)
		r.changed = make(chan struct{})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// url is where the receiver listens.
func (r *receiver) url() string { return r.srv.URL + "/priobot" }

// respond sets the status of the answers to come.
func (r *receiver) respond(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = status
}

// requests is every request so far.
func (r *receiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.got...)
}

// delivered is the events the receiver took (answered 2xx), in order.
func (r *receiver) delivered() []hookRequest {
	var out []hookRequest
	for _, q := range r.requests() {
		if q.Status < 300 {
			out = append(out, q)
		}
	}
	return out
}

// wait waits until cond holds of the requests so far.
func (r *receiver) wait(what string, cond func([]hookRequest) bool) {
	r.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if cond(r.requests()) {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			r.t.Fatalf("the receiver never got %s; it got:\n%s", what, describe(r.requests()))
		}
	}
}

// describe lists requests as "idea.updated #1 status → 503".
func describe(reqs []hookRequest) string {
	var lines []string
	for _, q := range reqs {
		lines = append(lines, q.Event.Type+" "+ideaOf(q)+" "+changeOf(q)+" → "+http.StatusText(q.Status))
	}
	return strings.Join(lines, "\n")
}

func ideaOf(q hookRequest) string {
	if q.Event.Data.Idea == nil {
		return "-"
	}
	return fmt.Sprintf("#%d", q.Event.Data.Idea.Number)
}

func changeOf(q hookRequest) string {
	if c := q.Event.Data.Change; c != nil {
		return c.Field + ":" + c.From + "→" + c.To
	}
	return ""
}

var secretPattern = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)

// addWebhook registers url for #product's backlog as user and returns the
// signing secret the answer shows.
func (h *harness) addWebhook(user, channel, url string) string {
	h.t.Helper()
	h.slash(user, channel, "/backlog", "webhook add "+url)
	m := h.ephemeral(user, channel, "Added "+url, "Its signing secret, shown only this once:")
	secret := secretPattern.FindString(m.Text)
	if secret == "" {
		h.t.Fatalf("no secret in %q", m.Text)
	}
	return secret
}

// verify checks a request's signature with the Standard Webhooks library.
// The bot's clock may be ahead of the receiver's (tests skip time), so
// the timestamp is checked against that clock instead.
func verify(t testing.TB, secret string, q hookRequest, clock *fakeClock) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.VerifyIgnoringTimestamp(q.Body, q.Header); err != nil {
		t.Errorf("%s %s: signature: %v", q.Event.Type, ideaOf(q), err)
	}
	if clock == nil {
		if err := wh.Verify(q.Body, q.Header); err != nil {
			t.Errorf("%s %s: %v", q.Event.Type, ideaOf(q), err)
		}
	}
}

// story is what one idea's events told, in order: "idea.created",
// "idea.updated status:new→planned", …
func story(reqs []hookRequest, idea int64) []string {
	var out []string
	for _, q := range reqs {
		if q.Event.Data.Idea != nil && q.Event.Data.Idea.Number == idea {
			line := q.Event.Type
			if c := changeOf(q); c != "" {
				line += " " + c
			}
			out = append(out, line)
		}
	}
	return out
}

// The receiver is down while an idea moves; once it is back, every event
// arrives, in order per idea, signed, with the same webhook-id on each
// try. Votes leave only once revealed.
func TestWebhookEventsSurviveAnOutage(t *testing.T) {
	p := newPokerTable(t)
	rcv := newReceiver(t)
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	secret := p.addWebhook(p.ann, p.product, rcv.url())
	if strings.Contains(p.logs.String(), secret) {
		t.Error("the signing secret is in the logs")
	}

	rcv.respond(http.StatusServiceUnavailable)
	card := p.idea(p.bob, p.product, "Dark mode")
	rcv.wait("a first try", func(r []hookRequest) bool { return len(r) > 0 })
	p.slash(p.ann, p.product, "/backlog", "status #1 planned")
	p.support(p.carl, card)
	p.slash(p.ann, p.product, "/backlog", "score #1 value=8 effort=3")
	p.ephemeral(p.ann, p.product, "#1 Dark mode")
	p.idea(p.bob, p.product, "Export")
	rcv.wait("#2's first try", func(r []hookRequest) bool { return len(story(r, 2)) > 0 })
	p.slash(p.ann, p.product, "/backlog", "webhook")
	p.ephemeral(p.ann, p.product, rcv.url()+" — on, failing since", "I keep retrying, and turn it off after 3 days of failures.",
		"idea.created #2 · failed: answered 503 Service Unavailable", "idea.created #1 · failed: answered 503 Service Unavailable")
	if got := story(rcv.requests(), 1); len(got) != 1 {
		t.Errorf("#1's later events went before its first was delivered: %v", got)
	}

	rcv.respond(http.StatusOK)
	p.clock.Advance(5 * time.Second) // the first retry
	want1 := []string{"idea.created", "idea.updated status:new→planned", "idea.updated supporters:0→1", "idea.updated score:→2.6667"}
	rcv.wait("every event of #1 and #2", func([]hookRequest) bool {
		return len(story(rcv.delivered(), 1)) == len(want1) && len(story(rcv.delivered(), 2)) == 1
	})
	if diff := cmp.Diff(want1, story(rcv.delivered(), 1)); diff != "" {
		t.Errorf("#1's events, in order (-want +got):\n%s", diff)
	}
	tries := map[string]int{}
	for _, q := range rcv.requests() {
		tries[q.Header.Get("webhook-id")]++
		verify(t, secret, q, nil)
	}
	first := rcv.requests()[0]
	if tries[first.Header.Get("webhook-id")] != 2 || first.Status != http.StatusServiceUnavailable {
		t.Errorf("the first event was tried %d times under its webhook-id, want 2 (503, then 200)", tries[first.Header.Get("webhook-id")])
	}
	last := rcv.delivered()[len(rcv.delivered())-1].Event
	for _, q := range rcv.delivered() {
		if q.Event.Type == "idea.updated" && changeOf(q) == "score:→2.6667" {
			last = q.Event
		}
	}
	idea := last.Data.Idea
	if last.Data.Team != slackemu.DefaultTeam || last.Data.Channel != p.product || last.Data.Actor == nil || last.Data.Actor.Name != "ann" ||
		idea.Title != "Dark mode" || idea.Status != "planned" || idea.Score == nil || *idea.Score != 2.6667 || idea.Rank == nil || *idea.Rank != (webhook.Rank{List: "ranked", Place: 1, Of: 1}) || idea.Supporters != 1 ||
		idea.Criteria["value"] != 8 || idea.Criteria["effort"] != 3 || idea.Author.Name != "bob" || idea.Framework != "value-effort" {
		t.Errorf("the scoring event says %s", mustJSON(last))
	}

	// Hidden votes stay hidden; the reveal carries them.
	session := p.begin(fmt.Sprintf("#2 with %s %s", mention(p.bob, "bob"), mention(p.carl, "carl")))
	card2 := p.card(session, 2, "Nobody has voted yet")
	p.vote(p.bob, card2, "Value", "5")
	p.vote(p.bob, card2, "Effort", "2")
	p.vote(p.carl, card2, "Value", "8")
	sent := len(rcv.requests())
	p.vote(p.carl, card2, "Effort", "3")
	rcv.wait("poker.revealed", func(r []hookRequest) bool { return len(r) > sent })
	for _, q := range rcv.requests()[:sent] {
		if strings.Contains(string(q.Body), `"votes"`) || strings.HasPrefix(q.Event.Type, "poker.") {
			t.Errorf("a vote left before reveal: %s", q.Body)
		}
	}
	revealed := rcv.requests()[sent].Event
	if revealed.Type != "poker.revealed" || revealed.Data.Poker == nil || len(revealed.Data.Poker.Votes) != 4 ||
		*revealed.Data.Poker.Medians["value"] != 6.5 || revealed.Data.Poker.RevealedBy != "all" || revealed.Data.Actor != nil {
		t.Errorf("the reveal says %s", mustJSON(revealed))
	}
	p.click(p.ann, p.card(session, 2, "Would score"), "Accept")
	rcv.wait("poker.accepted", func(r []hookRequest) bool { return slices.Contains(story(r, 2), "poker.accepted") })
	want2 := []string{"idea.created", "poker.revealed", "idea.updated score:→2.6", "poker.accepted"}
	if diff := cmp.Diff(want2, story(rcv.delivered(), 2)); diff != "" {
		t.Errorf("#2's events, in order (-want +got):\n%s", diff)
	}

	// A merge tells of both ideas; a summary of the backlog.
	p.idea(p.dan, p.product, "Night theme")
	p.slash(p.ann, p.product, "/backlog", "merge #3 into #1")
	p.slash(p.ann, p.product, "/backlog", "summary")
	rcv.wait("summary.posted", func(r []hookRequest) bool { return r[len(r)-1].Event.Type == "summary.posted" })
	if got := story(rcv.delivered(), 3); !slices.Equal(got, []string{"idea.created", "idea.updated merge:new→merged"}) {
		t.Errorf("#3's events: %v", got)
	}
	if got := story(rcv.delivered(), 1); got[len(got)-1] != "idea.updated supporters:1→2" {
		t.Errorf("#1's last event: %v", got)
	}
	var summary struct {
		Top []struct {
			Rank, Number int
			Title        string
		}
		Counts    map[string]int
		Permalink string
	}
	if err := json.Unmarshal(rcv.requests()[len(rcv.requests())-1].Event.Data.Summary, &summary); err != nil || len(summary.Top) != 2 ||
		summary.Top[0].Title != "Dark mode" || summary.Counts["merged"] != 1 || summary.Permalink == "" {
		t.Errorf("summary.posted says %+v (%v)", summary, err)
	}

	// The receiver has the summary before priobot has written down the
	// attempt: the owner lists the webhooks once nothing waits to go out.
	p.delivered(p.ann, p.product)
	p.slash(p.ann, p.product, "/backlog", "webhook")
	p.ephemeral(p.ann, p.product, "Webhooks of #product's backlog (1 of at most 5):", rcv.url()+" — on.", "summary.posted · 200 in")
	p.slash(p.bob, p.product, "/backlog", "webhook")
	p.ephemeral(p.bob, p.product, "Only this backlog's owners (and workspace admins) can see its webhooks.")
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

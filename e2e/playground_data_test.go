package e2e

import (
	"bufio"
	"slices"

	"github.com/priobot/priobot/internal/playground"

	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/store"
)

// visitor reads and acts on a running playground through its page's API.
type visitor struct {
	t    *testing.T
	url  string
	who  map[string]string // name -> user id
	conv map[string]string // channel name -> id (as ava sees them)
}

func visit(t *testing.T, url string) *visitor {
	t.Helper()
	v := &visitor{t: t, url: url, who: map[string]string{}, conv: map[string]string{}}
	var ws struct {
		People        []struct{ ID, Name string }
		Start         string
		Conversations map[string][]struct{ ID, Name string }
	}
	v.get("/api/workspace", &ws)
	for _, p := range ws.People {
		v.who[p.Name] = p.ID
	}
	for _, c := range ws.Conversations[ws.Start] {
		v.conv[c.Name] = c.ID
	}
	return v
}

// dmOf names who's DM with priobot for read and waitFor ("emi/priobot").
func (v *visitor) dmOf(who string) string {
	v.t.Helper()
	var ws struct {
		Conversations map[string][]struct{ ID, Name string }
	}
	v.get("/api/workspace", &ws)
	for _, c := range ws.Conversations[v.who[who]] {
		if c.Name == "priobot" {
			v.conv[who+"/priobot"] = c.ID
		}
	}
	return who + "/priobot"
}

func (v *visitor) get(path string, out any) {
	v.t.Helper()
	resp, err := http.Get(v.url + path)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		v.t.Fatalf("GET %s: %v", path, err)
	}
}

var tags = regexp.MustCompile(`<[^>]+>`)

// read is what a person sees in a channel (or a thread), tags removed.
func (v *visitor) read(as, channel, thread string) []string {
	v.t.Helper()
	var view struct {
		Messages, Thread []struct{ HTML string }
	}
	v.get("/api/view?"+url.Values{"as": {v.who[as]}, "conv": {v.conv[channel]}, "thread": {thread}}.Encode(), &view)
	list := view.Messages
	if thread != "" {
		list = view.Thread
	}
	var out []string
	for _, m := range list {
		out = append(out, strings.Join(strings.Fields(tags.ReplaceAllString(m.HTML, " ")), " "))
	}
	return out
}

func (v *visitor) typeIn(as, channel, text string) {
	v.t.Helper()
	body, _ := json.Marshal(map[string]string{"as": v.who[as], "conv": v.conv[channel], "text": text})
	resp, err := http.Post(v.url+"/api/type", "application/json", strings.NewReader(string(body)))
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Error string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Error != "" {
		v.t.Fatalf("typing %q: %v %s", text, err, out.Error)
	}
}

// waitFor reads a conversation as the page does, again at each change the
// page is told of, until a message holds every part (for 20 s at most).
func (v *visitor) waitFor(as, channel string, parts ...string) string {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.t.Context(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, v.url+"/api/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewScanner(resp.Body)
	for {
		for _, m := range v.read(as, channel, "") {
			if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(m, p) }) {
				return m
			}
		}
		if !events.Scan() {
			v.t.Fatalf("no message with %q in #%s:\n%s", parts, channel, strings.Join(v.read(as, channel, ""), "\n"))
		}
	}
}

func containing(list []string, part string) (string, bool) {
	for _, s := range list {
		if strings.Contains(s, part) {
			return s, true
		}
	}
	return "", false
}

// TestPlaygroundHasAGitHub: the playground's emulated GitHub holds
// acme/app with labelled issues, so connecting #product imports them, and
// an idea pushed there comes back with its issue's link.
func TestPlaygroundHasAGitHub(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	page, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0"})
	v := visit(t, page)
	v.typeIn("ava", "product", "/backlog github connect acme/app")
	v.waitFor("ava", "product", "Imported 4 issues labelled priobot from acme/app", "#1–#4.")
	v.typeIn("ava", "product", "/backlog #2")
	v.waitFor("ava", "product", "#2 Bulk edit tags", "It was imported from acme/app#2", "by hubot.")
	v.typeIn("ava", "product", "/idea Dark mode")
	v.waitFor("ava", "product", "#5 Dark mode")
	v.typeIn("ava", "product", "/backlog github push #5")
	v.waitFor("ava", "priobot", "#5 Dark mode is on GitHub now: acme/app#6")
	v.waitFor("ava", "product", "#5 Dark mode", "Links: acme/app#6")
}

// TestPlaygroundHasPriorityRatings: ava asks @support-team and #design's
// members to rate two ideas; each gets the DM, the channel the progress.
func TestPlaygroundHasPriorityRatings(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	page, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0"})
	v := visit(t, page)
	v.typeIn("ava", "product", "/idea Dark mode")
	v.waitFor("ava", "product", "#1 Dark mode")
	v.typeIn("ava", "product", "/idea SSO with Okta")
	v.waitFor("ava", "product", "#2 SSO with Okta")
	v.typeIn("ava", "product", `/backlog ratings #1 #2 from @support-team #design for 1d ask "How much would your customers gain?"`)
	v.waitFor("ava", "product", "Asked 5 people by direct message to rate #1 and #2")
	v.waitFor("ava", "product", "ava asked 5 stakeholders to rate 2 ideas", "0 of 5 have rated.")
	v.waitFor("emi", v.dmOf("emi"), "ava asks you to rate 2 ideas from #product", "How much would your customers gain?", "Skip")
}

// TestPlaygroundDemoIsALivingBacklog: -demo's first screen, as ava.
func TestPlaygroundDemoIsALivingBacklog(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	page, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0", Demo: true})
	v := visit(t, page)
	product := v.read("ava", "product", "")
	cards := 0
	for _, m := range product {
		if regexp.MustCompile(`^#\d+ .* (Submitted|Imported) `).MatchString(m) {
			cards++
		}
	}
	if cards != 20 {
		t.Errorf("#product has %d idea cards, want 20:\n%s", cards, strings.Join(product, "\n"))
	}
	for _, want := range []string{"Dark mode", "in progress · score 2.67 · 3 supporters", "shipped", "planned", "declined", "Priority poker run by dev on 2 ideas"} {
		if _, ok := containing(product, want); !ok {
			t.Errorf("#product shows nothing with %q", want)
		}
	}
	v.typeIn("ava", "product", "/roadmap")
	v.waitFor("ava", "product", "Now 1 · Next 3 · Later 1", "#2 SSO with Okta · Win enterprise deals")
	var where []string
	v.typeIn("ava", "product", "/backlog #9")
	if where = v.read("ava", "product", ""); len(where) == 0 {
		t.Fatal("nothing in #product")
	}
	if m, ok := containing(where, "#9 Google Calendar two-way sync"); !ok || !strings.Contains(where[len(where)-1], "declined") || !strings.Contains(where[len(where)-1], "IT refuses") {
		t.Errorf("where #9 sits: %q (%q)", where[len(where)-1], m)
	}
	var session struct{ Messages []struct{ TS, HTML string } }
	v.get("/api/view?"+url.Values{"as": {v.who["ava"]}, "conv": {v.conv["product"]}}.Encode(), &session)
	for _, m := range session.Messages {
		if !strings.Contains(m.HTML, "run by dev") {
			continue
		}
		for _, n := range []string{"#6 ", "#10 "} {
			card, ok := containing(v.read("ava", "product", m.TS)[1:], n) // after the session's own message
			if !ok || !strings.Contains(card, "Voted: ben, cleo · Waiting for: ava") {
				t.Errorf("ava owes no vote on %s: %q", n, card)
			}
		}
		return
	}
	t.Error("no poker session in #product")
}

// TestPlaygroundKeepsItsDataWithDataDir: stopped and started again with
// -data, the workspace and the backlog go on where they were.
func TestPlaygroundKeepsItsDataWithDataDir(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	dir := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan string, 1)
	go func() {
		done <- playground.Run(ctx, playground.Options{Addr: "127.0.0.1:0", Data: dir}, &strings.Builder{}, func(u string) { ready <- u })
	}()
	v := visit(t, <-ready)
	v.typeIn("ben", "design", "/idea Bigger buttons | for touch screens")
	if _, ok := containing(v.read("ben", "design", ""), "#1 Bigger buttons"); !ok {
		t.Fatal("no card for #1")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	url, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0", Data: dir})
	v = visit(t, url)
	if _, ok := containing(v.read("cleo", "design", ""), "#1 Bigger buttons for touch screens"); !ok {
		t.Errorf("after a restart #design reads %q", v.read("cleo", "design", ""))
	}
	v.typeIn("cleo", "design", "/idea Softer colours")
	if _, ok := containing(v.read("cleo", "design", ""), "#2 Softer colours"); !ok {
		t.Errorf("the next idea is not #2: %q", v.read("cleo", "design", ""))
	}
}

// TestPlaygroundRefusesARedisWithOtherData: a REDIS_URL holding priobot
// data the playground did not write is refused, unless -force.
func TestPlaygroundRefusesARedisWithOtherData(t *testing.T) {
	r := redistest.Start(t)
	st, err := store.Open(t.Context(), r.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	idea := prio.Idea{Team: "T1", Channel: "C1", Title: "A real team's idea", Author: "U1", AuthorName: "ann", Created: time.Now()}
	if _, _, err := st.CreateIdea(t.Context(), idea); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REDIS_URL", r.URL())
	err = playground.Run(t.Context(), playground.Options{Addr: "127.0.0.1:0"}, &strings.Builder{}, func(string) { t.Error("the playground started") })
	if err == nil || !strings.Contains(err.Error(), "holds priobot data that the playground did not write") || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("the playground on a team's Redis: %v", err)
	}
	url, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0", Force: true})
	if v := visit(t, url); v.who["ava"] == "" {
		t.Error("with -force the playground has no ava")
	}
}

// TestPlaygroundListensOnLoopbackUnlessTold: -addr without a host stays
// on this machine; only a named interface opens it to others.
func TestPlaygroundListensOnLoopbackUnlessTold(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	for addr, want := range map[string]string{":0": "http://127.0.0.1:", "0.0.0.0:0": "http://0.0.0.0:"} {
		if page, _ := startPlayground(t, playground.Options{Addr: addr}); !strings.HasPrefix(page, want) {
			t.Errorf("-addr %s serves on %s, want %s…", addr, page, want)
		}
	}
}

package playground_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/slackemu/playground"
)

// page is the web client's side of the playground, with no app behind the
// emulator: the bot's messages are posted through the Web API directly.
type page struct {
	t   *testing.T
	emu *slackemu.Server
	api *slack.Client
	ws  playground.Workspace
	url string
}

func newPage(t *testing.T) *page {
	t.Helper()
	emu, err := slackemu.Start(slackemu.Options{Manifest: "features:\n  slash_commands:\n    - command: /idea\n"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	ws := playground.Seed(emu)
	srv := httptest.NewServer(playground.New(emu, ws.Ava).Handler())
	t.Cleanup(srv.Close)
	api := slack.New(slackemu.BotToken, slack.OptionAPIURL(emu.APIURL()))
	return &page{t: t, emu: emu, api: api, ws: ws, url: srv.URL}
}

func (p *page) get(path string, out any) {
	p.t.Helper()
	resp, err := http.Get(p.url + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		p.t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		p.t.Fatal(err)
	}
}

// post sends an action as the page does; it returns the status and answer.
func (p *page) post(path string, action map[string]any, header map[string]string) (int, map[string]any) {
	p.t.Helper()
	body, _ := json.Marshal(action)
	req, _ := http.NewRequest(http.MethodPost, p.url+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

type view struct {
	Messages []struct {
		TS, Author, HTML string
		Ephemeral        bool
	}
	Modal *struct{ Title string }
}

func (p *page) view(as, conv, since string) view {
	p.t.Helper()
	var v view
	p.get("/api/view?"+url.Values{"as": {as}, "conv": {conv}, "since": {since}}.Encode(), &v)
	return v
}

func texts(v view) []string {
	var out []string
	for _, m := range v.Messages {
		out = append(out, m.Author+": "+m.HTML)
	}
	return out
}

func TestEachPersonSeesTheirOwnView(t *testing.T) {
	p := newPage(t)
	if _, err := p.api.PostEphemeral(p.ws.Product, p.ws.Ben, slack.MsgOptionText("before the page opened", false)); err != nil {
		t.Fatal(err)
	}
	var ws struct{ Since, Start string }
	p.get("/api/workspace", &ws)
	if ws.Start != p.ws.Ava {
		t.Errorf("the page starts as %s, not ava", ws.Start)
	}
	if _, _, err := p.api.PostMessage(p.ws.Product, slack.MsgOptionText("*Dark mode* for <@"+p.ws.Cleo+">", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.api.PostEphemeral(p.ws.Product, p.ws.Ben, slack.MsgOptionText("Your vote is in", false)); err != nil {
		t.Fatal(err)
	}
	if got := texts(p.view(p.ws.Ben, p.ws.Product, ws.Since)); len(got) != 2 || !strings.Contains(got[0], "<b>Dark mode</b> for <span class=\"mention\">@cleo</span>") || !strings.Contains(got[1], "Your vote is in") {
		t.Errorf("ben sees %q", got)
	}
	if got := texts(p.view(p.ws.Ava, p.ws.Product, ws.Since)); len(got) != 1 {
		t.Errorf("ava sees %q: someone else's ephemeral", got)
	}
	// Only ava, cleo and dev are in #leads.
	resp, err := http.Get(p.url + "/api/view?" + url.Values{"as": {p.ws.Ben}, "conv": {p.ws.Lead}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("ben reading #leads: %s", resp.Status)
	}
}

func TestThePageTypesAndOnlyItsOwnRequestsAct(t *testing.T) {
	p := newPage(t)
	typed := map[string]any{"as": p.ws.Dev, "conv": p.ws.Support, "text": "Customers ask for <dark mode> @ava"}
	if status, _ := p.post("/api/type", typed, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); status != http.StatusForbidden {
		t.Errorf("a form post acted: %d", status)
	}
	if status, _ := p.post("/api/type", typed, map[string]string{"Sec-Fetch-Site": "cross-site"}); status != http.StatusForbidden {
		t.Errorf("another site's request acted: %d", status)
	}
	if len(p.emu.Messages(p.ws.Support)) != 0 {
		t.Fatal("a refused request posted")
	}
	if status, out := p.post("/api/type", typed, nil); status != http.StatusOK || out["error"] != nil {
		t.Fatalf("typing: %d %v", status, out)
	}
	got := texts(p.view(p.ws.Emi, p.ws.Support, ""))
	if len(got) != 1 || got[0] != `dev: <div class="text">Customers ask for &lt;dark mode&gt; <span class="mention">@ava</span></div>` {
		t.Errorf("emi sees %q", got)
	}
	_, out := p.post("/api/type", map[string]any{"as": p.ws.Dev, "conv": p.ws.Support, "text": "/poker #1"}, nil)
	if out["error"] != `/poker is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.` {
		t.Errorf("an unknown command answers %v", out)
	}
}

func TestEventsTellThePageOfEveryChange(t *testing.T) {
	p := newPage(t)
	resp, err := http.Get(p.url + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events are %s", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		for lines.Scan() {
			if l := lines.Text(); l != "" {
				return l
			}
		}
		t.Fatal("the stream ended")
		return ""
	}
	if l := next(); l != "retry: 500" {
		t.Fatalf("the stream starts with %q", l)
	}
	if _, err := p.emu.Say(p.ws.Ava, p.ws.Product, "", "hello"); err != nil {
		t.Fatal(err)
	}
	if l := next(); l != "event: change" {
		t.Errorf("after a message the stream says %q", l)
	}
}

func TestFilesArePicturesOrDownloads(t *testing.T) {
	p := newPage(t)
	for _, f := range []struct{ name, content string }{{"matrix.png", "\x89PNG\r\n\x1a\n"}, {"backlog.csv", "number,title\n"}} {
		if _, err := p.api.UploadFileContext(t.Context(), slack.UploadFileParameters{Filename: f.name, Title: f.name,
			Content: f.content, FileSize: len(f.content), Channel: p.ws.Product}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range p.emu.Files(p.ws.Product) {
		resp, err := http.Get(p.url + "/files/" + f.ID)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		kind, disposition := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition")
		switch f.Name {
		case "matrix.png":
			if kind != "image/png" || disposition != "" {
				t.Errorf("the matrix is %s, %q: not shown inline", kind, disposition)
			}
		case "backlog.csv":
			if !strings.HasPrefix(kind, "text/csv") || disposition != `attachment; filename=backlog.csv` {
				t.Errorf("the CSV is %s, %q: not a download", kind, disposition)
			}
		}
	}
}

// Package playground is a Slack-like web client over the emulator: a
// person picks who they are, reads channels, threads, DMs and their Home as
// Slack would show them, types messages and slash commands, clicks
// buttons, picks shortcuts and fills forms, and the app on the other side
// of the emulator (priobot) answers as it would in Slack. It is a thin
// layer: every action is one call of the emulator's person API, and
// every message is drawn by slackemu.HTML.
package playground

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/priobot/priobot/slackemu"
)

//go:embed web
var web embed.FS

// Home is the conversation id the client uses for a person's App Home.
const Home = "home"

// Server serves the web client and its API for one emulator.
type Server struct {
	emu   *slackemu.Server
	start string // the user the page acts as at first
}

// New serves the web client over emu; the page acts as start at first.
func New(emu *slackemu.Server, start string) *Server {
	return &Server{emu: emu, start: start}
}

// Handler is the web client and its API.
func (p *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(web, "web")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /api/workspace", p.workspace)
	mux.HandleFunc("GET /api/view", p.view)
	mux.HandleFunc("GET /api/events", p.events)
	mux.HandleFunc("GET /files/{id}", p.file)
	mux.HandleFunc("POST /api/type", p.act(p.typed))
	mux.HandleFunc("POST /api/click", p.act(p.click))
	mux.HandleFunc("POST /api/shortcut", p.act(p.shortcut))
	mux.HandleFunc("POST /api/submit", p.act(p.submit))
	mux.HandleFunc("POST /api/close", p.act(p.closeModal))
	mux.HandleFunc("POST /api/home", p.act(p.openHome))
	return mux
}

type person struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	TZ    string `json:"tz"`
	Admin bool   `json:"admin"`
}

func (p *Server) workspace(w http.ResponseWriter, r *http.Request) {
	people := []person{}
	for _, u := range p.emu.Users() {
		people = append(people, person{u.ID, u.Name, roles[u.Name], u.TZ, u.Admin || u.Owner})
	}
	type command struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Usage       string `json:"usage"`
	}
	commands := []command{}
	for _, c := range p.emu.Commands() {
		commands = append(commands, command{c.Name, c.Description, c.UsageHint})
	}
	shortcuts := map[string][]string{"global": {}, "message": {}}
	for _, s := range p.emu.Shortcuts() {
		shortcuts[s.Type] = append(shortcuts[s.Type], s.Name)
	}
	conversations := map[string][]slackemu.Conversation{}
	for _, u := range people {
		conversations[u.ID] = p.emu.Conversations(u.ID)
	}
	writeJSON(w, map[string]any{"start": p.start, "since": p.emu.Mark(), "people": people, "commands": commands, "shortcuts": shortcuts, "conversations": conversations})
}

// message is one message as the client draws it.
type message struct {
	TS        string `json:"ts"`
	Author    string `json:"author"`
	Bot       bool   `json:"bot"`
	Time      string `json:"time"`
	HTML      string `json:"html"`
	Ephemeral bool   `json:"ephemeral"`
	Edited    bool   `json:"edited"`
	Replies   int    `json:"replies"`
	Files     []file `json:"files"`
}

type file struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
	Image bool   `json:"image"`
}

type modal struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Submit string `json:"submit"`
	Close  string `json:"close"`
	HTML   string `json:"html"`
}

// view answers what one person sees: a conversation (or their Home), the
// thread open beside it, and the modal in front of them.
func (p *Server) view(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	as, conv, thread, since := q.Get("as"), q.Get("conv"), q.Get("thread"), q.Get("since")
	n := p.names(as)
	out := map[string]any{}
	var err error
	if conv == Home {
		if v, ok := p.emu.Home(as); ok {
			out["home"], err = slackemu.HTML("", v.BlockKit, n)
		}
	} else if out["messages"], err = p.messages(as, conv, "", since, n); err == nil && thread != "" {
		out["thread"], err = p.messages(as, conv, thread, since, n)
	}
	if err == nil {
		if v, ok := p.emu.Modal(as); ok {
			var body string
			body, err = slackemu.HTML("", v.BlockKit, n)
			out["modal"] = modal{v.ID, v.Title, v.SubmitLabel, v.CloseLabel, body}
		}
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, out)
}

// messages are what as sees in a conversation or thread; ephemeral ones
// only from since on, when the page opened.
func (p *Server) messages(as, conv, thread, since string, n slackemu.Names) ([]message, error) {
	seen, err := p.emu.Seen(as, conv, thread)
	if err != nil {
		return nil, err
	}
	out := []message{}
	for _, m := range seen {
		if m.Ephemeral && slackemu.Before(m.TS, since) {
			continue
		}
		body, err := slackemu.HTML(m.Fallback, m.BlockKit, n)
		if err != nil {
			return nil, err
		}
		msg := message{TS: m.TS, Author: "priobot", Bot: m.User == slackemu.BotUserID, HTML: body,
			Ephemeral: m.Ephemeral, Edited: m.Edits > 0, Replies: m.Replies, Files: []file{}}
		if !msg.Bot {
			msg.Author = n.User(m.User)
		}
		if secs, err := strconv.ParseFloat(m.TS, 64); err == nil {
			msg.Time = time.Unix(int64(secs), 0).In(n.Zone).Format("15:04")
		}
		for _, id := range m.Files {
			if f, ok := p.emu.File(id); ok {
				msg.Files = append(msg.Files, file{f.ID, f.Name, f.Title, strings.HasSuffix(f.Name, ".png")})
			}
		}
		out = append(out, msg)
	}
	return out, nil
}

// names shows people and channels as as sees them, dates in their zone.
func (p *Server) names(as string) slackemu.Names {
	users := map[string]string{}
	zone := time.UTC
	for _, u := range p.emu.Users() {
		users[u.ID] = u.Name
		if u.ID == as {
			if z, err := time.LoadLocation(u.TZ); err == nil {
				zone = z
			}
		}
	}
	channels := map[string]string{}
	for _, c := range p.emu.Conversations(as) {
		channels[c.ID] = c.Name
	}
	return slackemu.Names{
		User: func(id string) string { return users[id] },
		Channel: func(id string) string {
			if name, ok := channels[id]; ok {
				return name
			}
			return "private-channel"
		},
		Zone: zone,
	}
}

// events tells the page, through Server-Sent Events, each time anything
// in the workspace changed; the page then reads its view again.
func (p *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	changed := p.emu.Changes()
	fmt.Fprint(w, "retry: 500\n\n")
	flusher.Flush()
	for n := 1; ; n++ {
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
		changed = p.emu.Changes()
		fmt.Fprintf(w, "event: change\ndata: %d\n\n", n)
		flusher.Flush()
	}
}

func (p *Server) file(w http.ResponseWriter, r *http.Request) {
	f, ok := p.emu.File(r.PathValue("id"))
	if !ok || f.Content == nil {
		http.NotFound(w, r)
		return
	}
	if kind := mime.TypeByExtension(path.Ext(f.Name)); kind != "" {
		w.Header().Set("Content-Type", kind)
	}
	if !strings.HasSuffix(f.Name, ".png") {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(f.Content)
}

// action is what the page sends when a person does something.
type action struct {
	As       string            `json:"as"`
	Conv     string            `json:"conv"`
	Thread   string            `json:"thread"`
	TS       string            `json:"ts"`
	Text     string            `json:"text"`
	Block    string            `json:"block"`
	ActionID string            `json:"action"`
	Value    string            `json:"value"`
	Name     string            `json:"name"`
	Values   map[string]string `json:"values"`
}

// act decodes an action and runs it; an error is shown to the person.
// Only the page itself may act: a JSON body from the same origin.
func (p *Server) act(do func(context.Context, action) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			http.Error(w, "the playground only takes its own page's requests", http.StatusForbidden)
			return
		}
		var a action
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&a); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		out, err := do(ctx, a)
		switch {
		case err != nil:
			writeJSON(w, map[string]string{"error": err.Error()})
		case out == nil:
			writeJSON(w, map[string]string{})
		default:
			writeJSON(w, out)
		}
	}
}

func (p *Server) typed(ctx context.Context, a action) (any, error) {
	err := p.emu.Type(ctx, a.As, a.Conv, a.Thread, a.Text)
	if errors.Is(err, slackemu.ErrNotACommand) {
		name, _, _ := strings.Cut(strings.TrimSpace(a.Text), " ")
		return nil, fmt.Errorf("%s is not a valid command. In Slack, all messages that start with the \"/\" character are interpreted as commands.", name)
	}
	return nil, err
}

func (p *Server) click(ctx context.Context, a action) (any, error) {
	if a.Conv == Home {
		return nil, p.emu.ClickHomeAction(ctx, a.As, a.Block, a.ActionID, a.Value)
	}
	return nil, p.emu.ClickAction(ctx, a.As, slackemu.Message{Channel: a.Conv, TS: a.TS}, a.Block, a.ActionID, a.Value)
}

func (p *Server) shortcut(ctx context.Context, a action) (any, error) {
	if a.TS == "" {
		return nil, p.emu.GlobalShortcut(ctx, a.As, a.Name)
	}
	seen, err := p.emu.Seen(a.As, a.Conv, a.Thread)
	if err != nil {
		return nil, err
	}
	for _, m := range seen {
		if m.TS == a.TS {
			return nil, p.emu.MessageShortcut(ctx, a.As, m, a.Name)
		}
	}
	return nil, errors.New("that message is gone")
}

func (p *Server) submit(ctx context.Context, a action) (any, error) {
	problems, err := p.emu.Submit(ctx, a.As, a.Values)
	return map[string]any{"errors": problems}, err
}

func (p *Server) closeModal(_ context.Context, a action) (any, error) {
	p.emu.CloseModal(a.As)
	return nil, nil
}

func (p *Server) openHome(ctx context.Context, a action) (any, error) {
	return nil, p.emu.OpenHome(ctx, a.As)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// Package commands holds priobot's use cases: one small handler per slash
// command, button, modal and event, all listed in one table (Routes) that
// the bot routes by and that writes the help text.
package commands

import (
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// Kind says what in Slack reaches a route.
type Kind int

// The kinds of routes.
const (
	Slash  Kind = iota // a slash command, by name and first word
	Action             // a button click, by action_id prefix
	View               // a modal submission, by callback_id
	Event              // an Events API event, by event type
)

// Request is what a handler needs to know of one envelope, already checked
// by the bot (ids are well-formed Slack ids).
type Request struct {
	Team, Channel, User string
	ChannelName         string            // as Slack sent it, for display
	UserName            string            // as Slack sent it, for display
	Text                string            // a slash command's text after its subcommand word
	TriggerID           string            // opens a modal within 3 s
	ActionID, Value     string            // a click
	MessageTS, ThreadTS string            // the message a click came from
	Values              map[string]string // a modal's inputs: block id -> value
	PrivateMetadata     string            // a modal's private_metadata
}

// Message is a Slack message: blocks with their plain-text fallback.
type Message struct {
	Text     string
	Blocks   []slack.Block
	ThreadTS string
}

// Reply is a handler's answer to the person who acted.
type Reply struct {
	Message
	InChannel  bool              // show to the channel; otherwise only to the person
	Replace    bool              // replace the message the click came from
	ViewErrors map[string]string // a modal submission: errors by input block id
}

// Handler serves one route.
type Handler func(ctx context.Context, r Request) (*Reply, error)

// Route ties what Slack sends to a handler, and documents it for help.
type Route struct {
	Kind   Kind
	Name   string // "/idea", an action_id prefix, a callback_id or an event type
	Sub    string // for Slash: the first word that selects it; "" is the default
	Usage  string // for Slash: how to type it
	Help   string // for Slash: what it does
	Handle Handler
}

// Store is the state the use cases need; store.Store implements it.
type Store interface {
	CreateIdea(ctx context.Context, idea prio.Idea) (prio.Idea, int64, error)
	SetCardTS(ctx context.Context, team, channel string, number int64, ts string) error
	Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
}

// Slack is what the use cases do in Slack beyond replying; the bot
// implements it with rate-limit-aware Web API calls.
type Slack interface {
	Post(ctx context.Context, channel string, m Message) (ts string, err error)
	PublishHome(ctx context.Context, user string, blocks []slack.Block) error
}

// App is priobot's use cases wired to their dependencies.
type App struct {
	store Store
	slack Slack
	log   *slog.Logger
	now   func() time.Time
}

// New returns the use cases. now is the clock (time.Now outside tests).
func New(st Store, sl Slack, log *slog.Logger, now func() time.Time) *App {
	return &App{store: st, slack: sl, log: log, now: now}
}

// Routes is the table of everything priobot answers. The bot routes by it
// and help is written from it.
func (a *App) Routes() []Route {
	return []Route{
		{Kind: Slash, Name: "/idea", Usage: "/idea <title> | <description>", Help: "Submit an idea to this channel's backlog; the description after `|` is optional.", Handle: a.submitIdea},
		{Kind: Slash, Name: "/idea", Sub: "help", Usage: "/idea help", Help: "Show how to submit ideas.", Handle: a.help("/idea")},
		{Kind: Slash, Name: "/backlog", Usage: "/backlog", Help: "List this channel's backlog.", Handle: a.listBacklog},
		{Kind: Slash, Name: "/backlog", Sub: "help", Usage: "/backlog help", Help: "Show every backlog command.", Handle: a.help("/backlog")},
		{Kind: Event, Name: "app_home_opened", Handle: a.home},
	}
}

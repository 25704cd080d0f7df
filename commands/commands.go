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

func (r Request) actor() prio.Actor { return prio.Actor{ID: r.User, Name: r.UserName} }

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
	Locate(ctx context.Context, team string, n int64) (string, error)
	Where(ctx context.Context, team, channel string, n int64) (prio.Idea, prio.Position, error)
	Ranked(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Ideas(ctx context.Context, team, channel string, numbers []int64) ([]prio.Idea, error)
	Titles(ctx context.Context, team, channel string) (map[int64]string, error)
	Counts(ctx context.Context, team, channel string) (map[prio.Status]int64, error)
	UserIdeas(ctx context.Context, team, user string, limit int64) ([]prio.Idea, error)
	SetStatus(ctx context.Context, team, channel string, n int64, actor prio.Actor, to prio.Status, reason string, from []prio.Status, now time.Time) (prio.Status, prio.Status, error)
	Merge(ctx context.Context, team, channel string, from, into int64, actor prio.Actor, now time.Time) ([]string, error)
	ToggleSupport(ctx context.Context, team, channel string, n int64, user string) (bool, int64, error)
	Supporters(ctx context.Context, team, channel string, n int64) ([]string, error)
	SetScore(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, via string, now time.Time) (prio.Idea, error)
	Framework(ctx context.Context, team, channel string) (prio.Framework, error)
	SetFramework(ctx context.Context, team, channel string, fw prio.Framework, actor prio.Actor) error
	Owners(ctx context.Context, team, channel string) ([]string, error)
	ChangeOwners(ctx context.Context, team, channel string, actor prio.Actor, op string, users []string) ([]string, error)
	ChannelPrivacy(ctx context.Context, team, channel string) (private, known bool, err error)
	SetChannelPrivacy(ctx context.Context, team, channel string, private bool) error
}

// User is what Slack says of a person.
type User struct {
	ID, Name, TZ string
	Admin        bool // a workspace admin or owner
}

// Slack is what the use cases do in Slack beyond replying; the bot
// implements it with rate-limit-aware Web API calls.
type Slack interface {
	Post(ctx context.Context, channel string, m Message) (ts string, err error)
	Update(ctx context.Context, channel, ts string, m Message) error
	PostEphemeral(ctx context.Context, channel, user string, m Message) error
	DM(ctx context.Context, user string, m Message) error
	PublishHome(ctx context.Context, user string, blocks []slack.Block) error
	OpenModal(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	User(ctx context.Context, id string) (User, error)
	ChannelPrivate(ctx context.Context, channel string) (bool, error)
	UploadToDM(ctx context.Context, user, filename, title, comment string, content []byte) error
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

// Action ids and callback ids: what the bot routes clicks and modals by.
const (
	actSupport   = "idea_support" // value: idea number
	actWhere     = "idea_where"   // value: idea number
	actMergeInto = "idea_merge"   // value: "<from>><into>"
	actKeep      = "idea_keep"    // value: idea number
	actPage      = "backlog_page" // value: page number, from 0
	viewNewIdea  = "idea_new"     // private_metadata: channel id
	inputTitle   = "title"        // block id of the modal's title
	inputDesc    = "description"  // block id of the modal's description
)

// Routes is the table of everything priobot answers. The bot routes by it
// and help is written from it.
func (a *App) Routes() []Route {
	return []Route{
		{Kind: Slash, Name: "/idea", Usage: "/idea <title> | <description>", Help: "Submit an idea to this channel's backlog; the description after `|` is optional. `/idea` alone opens a form.", Handle: a.submitIdea},
		{Kind: Slash, Name: "/idea", Sub: "help", Usage: "/idea help", Help: "Show how to submit ideas.", Handle: a.help("/idea")},
		{Kind: Slash, Name: "/backlog", Usage: "/backlog", Help: "The top of this channel's backlog, with counts per status.", Handle: a.backlog},
		{Kind: Slash, Name: "/backlog", Usage: "/backlog #12", Help: "Where idea #12 sits and why.", Handle: a.backlog},
		{Kind: Slash, Name: "/backlog", Sub: "mine", Usage: "/backlog mine", Help: "Your ideas and where each sits.", Handle: a.mine},
		{Kind: Slash, Name: "/backlog", Sub: "search", Usage: "/backlog search <words>", Help: "Find ideas in this channel's backlog.", Handle: a.search},
		{Kind: Slash, Name: "/backlog", Sub: "export", Usage: "/backlog export", Help: "Get this channel's whole backlog as a CSV file, in a DM.", Handle: a.export},
		{Kind: Slash, Name: "/backlog", Sub: "status", Usage: "/backlog status #12 planned|in-progress|shipped", Help: "Move an idea along (owners).", Handle: a.setStatus},
		{Kind: Slash, Name: "/backlog", Sub: "decline", Usage: "/backlog decline #12 <reason>", Help: "Decline an idea, saying why (owners).", Handle: a.decline},
		{Kind: Slash, Name: "/backlog", Sub: "merge", Usage: "/backlog merge #12 into #7", Help: "Merge a duplicate; its supporters move along (owners, or its author).", Handle: a.merge},
		{Kind: Slash, Name: "/backlog", Sub: "reopen", Usage: "/backlog reopen #12", Help: "Put a shipped, declined or merged idea back in play (owners).", Handle: a.reopen},
		{Kind: Slash, Name: "/backlog", Sub: "score", Usage: "/backlog score #12 value=8 effort=3", Help: "Score an idea on the backlog's criteria (owners).", Handle: a.score},
		{Kind: Slash, Name: "/backlog", Sub: "framework", Usage: "/backlog framework [value-effort|rice|ice|wsjf]", Help: "Show or switch the scoring framework; switching re-ranks (owners).", Handle: a.framework},
		{Kind: Slash, Name: "/backlog", Sub: "owners", Usage: "/backlog owners [add|remove @a @b]", Help: "Show or change who manages this backlog; with none, anyone may.", Handle: a.owners},
		{Kind: Slash, Name: "/backlog", Sub: "help", Usage: "/backlog help", Help: "Show every backlog command.", Handle: a.help("/backlog")},
		{Kind: Action, Name: actSupport, Handle: a.support},
		{Kind: Action, Name: actWhere, Handle: a.whereClicked},
		{Kind: Action, Name: actMergeInto, Handle: a.mergeClicked},
		{Kind: Action, Name: actKeep, Handle: a.keepClicked},
		{Kind: Action, Name: actPage, Handle: a.pageClicked},
		{Kind: View, Name: viewNewIdea, Handle: a.submitIdeaForm},
		{Kind: Event, Name: "app_home_opened", Handle: a.home},
	}
}

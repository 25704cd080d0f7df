// Package commands holds priobot's use cases: one small handler per slash
// command, button, modal and event, all listed in one table (Routes) that
// the bot routes by and that writes the help text.
package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
	"github.com/priobot/priobot/weekly"
)

// Kind says what in Slack reaches a route.
type Kind int

// The kinds of routes.
const (
	Slash    Kind = iota // a slash command, by name and first word
	Action               // a button click, by action_id prefix
	View                 // a modal submission, by callback_id
	Event                // an Events API event, by event type
	Shortcut             // a global or message shortcut, by callback_id
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
	ActionTS            string            // when Slack stamped the click; orders one person's clicks
	ResponseURL         string            // answers the click or command privately, 5 times in 30 minutes
	Values              map[string]string // a modal's inputs: block id -> value
	PrivateMetadata     string            // a modal's private_metadata
	Shared              *SharedMessage    // a message shortcut: the message it was picked on
}

// SharedMessage is the message a person picked a message shortcut on, as
// the bot checked it: its channel, ts, author and text (Slack's markup).
type SharedMessage struct {
	Channel, ChannelName, TS, User, Text string
}

func (r Request) actor() prio.Actor { return prio.Actor{ID: r.User, Name: r.UserName} }

// File is a file to share: its content, name and title, the message that
// comes with it, and for a picture what it shows (for screen readers).
type File struct {
	Name, Title, Comment, AltText string
	Content                       []byte
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
	// Idempotent routes may run twice for one action with no second effect,
	// so the bot need not de-duplicate their deliveries (a vote: the same
	// click stores the same vote).
	Idempotent bool
}

// Store is the state the use cases need; store.Store implements it.
type Store interface {
	CreateIdea(ctx context.Context, idea prio.Idea) (prio.Idea, int64, error)
	SetCardTS(ctx context.Context, team, channel string, number int64, ts string) error
	Locate(ctx context.Context, team string, n int64) (string, error)
	Where(ctx context.Context, team, channel string, n int64) (prio.Idea, prio.Position, error)
	Ranked(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Unscored(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Ideas(ctx context.Context, team, channel string, numbers []int64) ([]prio.Idea, error)
	Titles(ctx context.Context, team, channel string) (map[int64]string, error)
	Counts(ctx context.Context, team, channel string) (map[prio.Status]int64, error)
	UserIdeas(ctx context.Context, team, user string, offset, limit int64) ([]prio.Idea, int64, error)
	SetStatus(ctx context.Context, team, channel string, n int64, actor prio.Actor, to prio.Status, reason string, from []prio.Status, now time.Time) (was, is prio.Status, told int, err error)
	Merge(ctx context.Context, team, channel string, from, into int64, actor prio.Actor, now time.Time) (told int, err error)
	CreateRequested(ctx context.Context, idea prio.Idea, requesters []string, actor prio.Actor, now time.Time) (prio.Sourced, error)
	SilenceSource(ctx context.Context, team, channel string, n int64) error
	History(ctx context.Context, team, channel string, n int64, offset, limit int64) ([]prio.Event, int64, int64, error)
	Rounds(ctx context.Context, ps poker.Session, n int64) ([]map[string]map[string]string, error)
	ChangeLinks(ctx context.Context, team, channel string, n int64, actor prio.Actor, op, link string, now time.Time) error
	ToggleSupport(ctx context.Context, team, channel string, n int64, user prio.Actor, now time.Time) (bool, int64, error)
	Supporters(ctx context.Context, team, channel string, n int64) ([]string, error)
	SetScore(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, session int64, now time.Time) (prio.Idea, int, error)
	Framework(ctx context.Context, team, channel string) (prio.Framework, error)
	SetFramework(ctx context.Context, team, channel string, fw prio.Framework, actor prio.Actor) error
	Owners(ctx context.Context, team, channel string) ([]string, error)
	ChangeOwners(ctx context.Context, team, channel string, actor prio.Actor, op string, users []string) ([]string, error)
	ChannelPrivacy(ctx context.Context, team, channel string) (private, known bool, err error)
	SetChannelPrivacy(ctx context.Context, team, channel string, private bool) error

	StartSession(ctx context.Context, ps poker.Session) (sid int64, started []int64, taken map[int64]int64, err error)
	InPlay(ctx context.Context, team, channel string) (map[int64]int64, error)
	LeaveCard(ctx context.Context, team, channel string, sid, n int64) (bool, error)
	SetSessionTS(ctx context.Context, team, channel string, sid int64, ts string) error
	SetPokerCardTS(ctx context.Context, team, channel string, sid, n int64, ts string) error
	Session(ctx context.Context, team, channel string, sid int64) (poker.Session, error)
	Card(ctx context.Context, ps poker.Session, n int64) (poker.Card, error)
	Vote(ctx context.Context, ps poker.Session, n int64, round int, voter prio.Actor, criterion, vote, actionTS, responseURL string, criteria []string, now time.Time) (poker.Voted, error)
	ReceiptSent(ctx context.Context, ps poker.Session, n int64, voter string, sent int64, criteria []string, now time.Time) (poker.Receipt, bool, error)
	NoteHome(ctx context.Context, team, user string, channels []string, opened bool, now time.Time) error
	HomeViewers(ctx context.Context, team, channel string, now time.Time) ([]string, error)
	HomeViewer(ctx context.Context, team, user string, now time.Time) (bool, error)
	ClaimHomeRedraw(ctx context.Context, team, user string, period time.Duration) (bool, error)
	VoterNames(ctx context.Context, team, channel string, sid int64) (map[string]string, error)
	Reveal(ctx context.Context, team, channel string, sid, n int64, actor prio.Actor, now time.Time) error
	Decide(ctx context.Context, team, channel string, sid, n int64, round int, actor prio.Actor, action string) (int, error)
	TellReady(ctx context.Context, ps poker.Session, now time.Time) (bool, error)
	DueReminders(ctx context.Context, now time.Time) ([]poker.Ref, error)
	RemindersPlanned(ctx context.Context, ps poker.Session) (bool, error)
	PlanReminders(ctx context.Context, ps poker.Session, at map[string]time.Time) error
	RemindDue(ctx context.Context, ps poker.Session, criteria int, now time.Time) ([]string, error)
	Nudge(ctx context.Context, ps poker.Session, actor prio.Actor, criteria int, now time.Time) ([]string, time.Time, error)
	EndSession(ctx context.Context, ps poker.Session, actor prio.Actor, force bool, now time.Time) (bool, error)
	DueSessions(ctx context.Context, now time.Time) ([]poker.Ref, error)
	RevealDue(ctx context.Context, ps poker.Session, now time.Time) ([]int64, error)
	OpenSessions(ctx context.Context, team string, limit int64) ([]poker.Ref, error)
	ClaimRender(ctx context.Context, team, channel string, sid, n int64) (bool, error)
	ClaimIdeaRedraw(ctx context.Context, team, channel string, n int64) (bool, error)
	WouldRank(ctx context.Context, team, channel string, n int64, score float64) (int64, int64, error)
	NoteAgreement(ctx context.Context, team, channel string, n int64, agreement string) error

	ClaimOutbox(ctx context.Context, b outbox.Backlog, now time.Time, n int) ([]outbox.Item, time.Time, error)
	SettleOutbox(ctx context.Context, b outbox.Backlog, item outbox.Item, again time.Time, dead bool, now time.Time) (time.Time, error)
	NoteOutbox(ctx context.Context, b outbox.Backlog, at time.Time) error
	RecheckOutbox(ctx context.Context, b outbox.Backlog, at time.Time) error
	DueOutboxes(ctx context.Context, now time.Time) ([]outbox.Backlog, error)
	OutboxState(ctx context.Context, b outbox.Backlog) (int64, []outbox.Item, error)
	SettleHook(ctx context.Context, b outbox.Backlog, item outbox.Item, again time.Time, dead bool, attempt webhook.Attempt, now time.Time) (time.Time, string, error)

	AddWebhook(ctx context.Context, team, channel string, actor prio.Actor, url, secret string, now time.Time) (webhook.Endpoint, string, error)
	Webhook(ctx context.Context, team, channel, id string) (webhook.Endpoint, error)
	Webhooks(ctx context.Context, team, channel string) ([]webhook.Endpoint, [][]webhook.Attempt, error)
	RemoveWebhook(ctx context.Context, team, channel string, actor prio.Actor, ep webhook.Endpoint) error
	PingWebhook(ctx context.Context, team, channel string, actor prio.Actor, id, reply string, now time.Time) error
	HasWebhooks(ctx context.Context, team, channel string) (bool, error)

	SetSchedule(ctx context.Context, team, channel string, actor prio.Actor, schedule string, next time.Time) error
	Schedule(ctx context.Context, team, channel string) (string, time.Time, error)
	DueSummaries(ctx context.Context, now time.Time, limit int64) ([]weekly.Due, error)
	Reschedule(ctx context.Context, d weekly.Due, next time.Time) error
	ClaimSummary(ctx context.Context, team, channel, week string, now time.Time) (weekly.Claim, error)
	SummaryPosted(ctx context.Context, team, channel, week string, posted bool, summary map[string]any, now time.Time) error
	ReleaseSummary(ctx context.Context, team, channel, week string, now time.Time) error
	NoteSkipped(ctx context.Context, team, channel, week string) error
	TakeSkipped(ctx context.Context, team, channel string) (string, error)
	Snapshot(ctx context.Context, team, channel, week string, ranking []int64) (map[int64]int64, error)
	Activity(ctx context.Context, team, channel string, since time.Time) (submitted, scored, moved []int64, err error)
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
	// Member says whether a person is in a channel.
	Member(ctx context.Context, channel, user string) (bool, error)
	UploadToDM(ctx context.Context, user string, f File) error
	Upload(ctx context.Context, channel, threadTS string, f File) error
	Permalink(ctx context.Context, channel, ts string) string
	// Respond answers privately through a click's or command's response_url.
	Respond(ctx context.Context, responseURL string, m Message) error
}

// App is priobot's use cases wired to their dependencies.
type App struct {
	store Store
	slack Slack
	hooks Hooks
	log   *slog.Logger
	now   func() time.Time

	bg   sync.WaitGroup // work that outlives a handler: coalesced redraws
	stop chan struct{}  // closed by Close
	once sync.Once

	// sessions caches what never changes in a poker session once started
	// (framework, ideas, voters), so a vote costs one Redis round trip.
	sessions sync.Map // "team:channel:sid" -> poker.Session
	// drawing remembers when this process last claimed a message's redraw
	// slot: within a second it need not ask Redis again.
	drawing sync.Map // coalesce key -> time.Time
	// drains marks the backlogs whose outbox this process is delivering.
	drains sync.Map // "team:channel" -> *atomic.Bool: look again
	// hooked remembers, for hookedFor, whether a backlog has webhooks: a
	// change there kicks its outbox (a hint; the sweep is the guarantee).
	hooked sync.Map // "team:channel" -> hookedAt
	// delivered is told of every outbox delivery attempt (for metrics).
	delivered func(kind, outcome string)
}

// New returns the use cases. now is the clock (time.Now outside tests).
func New(st Store, sl Slack, hooks Hooks, log *slog.Logger, now func() time.Time) *App {
	return &App{store: st, slack: sl, hooks: hooks, log: log, now: now, stop: make(chan struct{}), delivered: func(string, string) {}}
}

// ObserveOutbox has delivered told of every outbox delivery attempt: the
// item's kind and "delivered", "retry" or "dead".
func (a *App) ObserveOutbox(delivered func(kind, outcome string)) { a.delivered = delivered }

// background runs fn beyond the handler that started it, tracked for Close.
func (a *App) background(what string, fn func()) {
	a.bg.Go(func() { a.safely(what, fn) })
}

// redrawEvery is the least time between two redraws of one message: a
// burst of votes or clicks becomes about one chat.update a second.
const redrawEvery = time.Second

// coalesce keeps a message drawn while what it shows changes in bursts:
// whoever (goroutine or replica) claims the message's slot (every long)
// draws it, then looks again when the slot ends and draws once more if it
// changed meanwhile; the others leave it to the slot holder. draw returns
// the version it drew, version the one stored now.
func (a *App) coalesce(key string, every time.Duration, claim func(context.Context) (bool, error),
	draw, version func(context.Context) (int64, error)) {
	if last, ok := a.drawing.Load(key); ok && time.Since(last.(time.Time)) < every {
		return // this process holds the slot and will look again when it ends
	}
	a.drawing.Store(key, time.Now())
	a.background("redraw "+key, func() {
		defer a.drawing.Delete(key) // the map holds only slots in use
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for {
			claimed, err := claim(ctx)
			if err != nil || !claimed {
				return // another drawer holds the slot and will look again
			}
			a.drawing.Store(key, time.Now())
			drawn, err := draw(ctx)
			if err != nil {
				a.log.WarnContext(ctx, "message not redrawn", "what", key, "err", err)
				return
			}
			select {
			case <-time.After(every):
			case <-a.stop:
				return
			}
			if now, err := version(ctx); err != nil || now == drawn {
				return
			}
		}
	})
}

// every runs fn now and then every tick until ctx ends, each run safely.
func (a *App) every(ctx context.Context, tick time.Duration, what string, fn func()) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		a.safely(what, fn)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// safely runs work no handler wraps: a panic in it is logged, not fatal.
func (a *App) safely(what string, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("background work panicked", "what", what, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

// Close stops background work after its current step and waits for it.
func (a *App) Close() {
	a.once.Do(func() { close(a.stop) })
	a.bg.Wait()
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
		{Kind: Slash, Name: "/backlog", Usage: "/backlog", Help: "The top of this channel's backlog, with counts per status.", Handle: a.backlogHere},
		{Kind: Slash, Name: "/backlog", Usage: "/backlog #12", Help: "Where idea #12 sits and why.", Handle: a.backlogHere},
		{Kind: Slash, Name: "/backlog", Sub: "history", Usage: "/backlog history #12 [page]", Help: "An idea's story, oldest first: who submitted and supported it, every move and score (with poker rounds' revealed votes), merges and links.", Handle: inChannel(backlogWhere, a.history)},
		{Kind: Slash, Name: "/backlog", Sub: "mine", Usage: "/backlog mine [page]", Help: "Your ideas and where each sits, newest first, 20 at a time.", Handle: a.mine},
		{Kind: Slash, Name: "/backlog", Sub: "search", Usage: "/backlog search <words>", Help: "Find ideas in this channel's backlog.", Handle: inChannel(backlogWhere, a.search)},
		{Kind: Slash, Name: "/backlog", Sub: "export", Usage: "/backlog export", Help: "Get this channel's whole backlog as a CSV file, in a DM.", Handle: inChannel(backlogWhere, a.export)},
		{Kind: Slash, Name: "/backlog", Sub: "status", Usage: "/backlog status #12 planned|in-progress|shipped", Help: "Move an idea along (owners).", Handle: inChannel(backlogWhere, a.setStatus)},
		{Kind: Slash, Name: "/backlog", Sub: "decline", Usage: "/backlog decline #12 <reason>", Help: "Decline an idea, saying why (owners).", Handle: inChannel(backlogWhere, a.decline)},
		{Kind: Slash, Name: "/backlog", Sub: "merge", Usage: "/backlog merge #12 into #7", Help: "Merge a duplicate; its supporters move along (owners, or its author).", Handle: inChannel(backlogWhere, a.merge)},
		{Kind: Slash, Name: "/backlog", Sub: "reopen", Usage: "/backlog reopen #12", Help: "Put a shipped, declined or merged idea back in play (owners).", Handle: inChannel(backlogWhere, a.reopen)},
		{Kind: Slash, Name: "/backlog", Sub: "score", Usage: "/backlog score #12 value=8 effort=3", Help: "Score an idea on the backlog's criteria (owners).", Handle: inChannel(backlogWhere, a.score)},
		{Kind: Slash, Name: "/backlog", Sub: "link", Usage: "/backlog link #12 <https-url>", Help: "Link an idea to where its work lives: a tracker issue, a spec (owners, or its author; at most 5).", Handle: inChannel(backlogWhere, a.link)},
		{Kind: Slash, Name: "/backlog", Sub: "unlink", Usage: "/backlog unlink #12 <https-url>", Help: "Remove one of an idea's links (owners, or its author).", Handle: inChannel(backlogWhere, a.unlink)},
		{Kind: Slash, Name: "/backlog", Sub: "framework", Usage: "/backlog framework [value-effort|rice|ice|wsjf]", Help: "Show or switch the scoring framework; switching re-ranks (owners).", Handle: inChannel(backlogWhere, a.framework)},
		{Kind: Slash, Name: "/backlog", Sub: "owners", Usage: "/backlog owners [add|remove @a @b]", Help: "Show or change who manages this backlog; with none, anyone may.", Handle: inChannel(backlogWhere, a.owners)},
		{Kind: Slash, Name: "/backlog", Sub: "schedule", Usage: "/backlog schedule [<weekday> <HH:MM> [Area/City] | off]", Help: "Show, set or stop this channel's weekly summary (owners set it).", Handle: inChannel(backlogWhere, a.schedule)},
		{Kind: Slash, Name: "/backlog", Sub: "summary", Usage: "/backlog summary", Help: "Post this week's summary now, with the priority matrix.", Handle: inChannel(backlogWhere, a.summaryNow)},
		{Kind: Slash, Name: "/backlog", Sub: "matrix", Usage: "/backlog matrix", Help: "Post the priority matrix: benefit against cost.", Handle: inChannel(backlogWhere, a.matrixNow)},
		{Kind: Slash, Name: "/backlog", Sub: "outbox", Usage: "/backlog outbox", Help: "What priobot still has to tell people, and what it gave up on (owners).", Handle: inChannel(backlogWhere, a.outboxCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "webhook", Usage: "/backlog webhook", Help: "This backlog's webhooks, each with its last deliveries (owners).", Handle: inChannel(backlogWhere, a.webhookCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "webhook", Usage: "/backlog webhook add <https-url>", Help: "Send this backlog's changes to another tool, signed; the secret is shown once (owners, at most 5).", Handle: inChannel(backlogWhere, a.webhookCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "webhook", Usage: "/backlog webhook test|remove <https-url>", Help: "Send a webhook a ping, or remove it (owners).", Handle: inChannel(backlogWhere, a.webhookCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "help", Usage: "/backlog help", Help: "Show every backlog command.", Handle: a.help("/backlog")},
		{Kind: Action, Name: actSupport, Handle: a.support},
		{Kind: Action, Name: actWhere, Handle: a.whereClicked},
		{Kind: Action, Name: actMergeInto, Handle: a.mergeClicked},
		{Kind: Action, Name: actKeep, Handle: a.keepClicked},
		{Kind: Action, Name: actPage, Handle: a.pageClicked},
		{Kind: Slash, Name: "/poker", Usage: "/poker #3 #5 #8 [with @a @b] [for 24h] [quorum 3] [remind off]", Help: "Score ideas together: hidden votes per criterion in a thread, then reveal. `/poker` alone opens a form.", Handle: inChannel(pokerWhere, a.startPoker)},
		{Kind: Slash, Name: "/poker", Usage: "/poker next 5 [with …] [for …] [quorum …]", Help: "Poker on the 5 oldest ideas awaiting scoring.", Handle: inChannel(pokerWhere, a.startPoker)},
		{Kind: Slash, Name: "/poker", Sub: "nudge", Usage: "/poker nudge", Help: "DM the named voters who still owe votes in this channel's newest open session, once an hour (facilitator or owners).", Handle: inChannel(pokerWhere, a.nudgeCmd)},
		{Kind: Slash, Name: "/poker", Sub: "help", Usage: "/poker help", Help: "Show how to run priority poker.", Handle: a.help("/poker")},
		{Kind: Action, Name: actVote, Handle: a.vote, Idempotent: true},
		{Kind: Action, Name: actReveal, Handle: a.reveal},
		{Kind: Action, Name: actAccept, Handle: a.decide},
		{Kind: Action, Name: actRevote, Handle: a.decide},
		{Kind: Action, Name: actSkip, Handle: a.decide},
		{Kind: Action, Name: actEnd, Handle: a.endSession},
		{Kind: Action, Name: actNudge, Handle: a.nudge},
		{Kind: Action, Name: actReason, Handle: a.reasonClicked},
		{Kind: Action, Name: actSummaryPoker, Handle: a.summaryPoker},
		{Kind: View, Name: viewNewIdea, Handle: a.submitIdeaForm},
		{Kind: View, Name: viewPoker, Handle: a.submitPokerForm},
		{Kind: View, Name: viewReason, Handle: a.submitReason},
		{Kind: Event, Name: "app_home_opened", Handle: a.home},
		{Kind: Shortcut, Name: scAddToBacklog, Handle: a.addToBacklog},
		{Kind: Shortcut, Name: scNewIdea, Handle: a.newIdeaShortcut},
		{Kind: Action, Name: actHomeNewIdea, Handle: a.newIdeaShortcut},
		{Kind: View, Name: viewIdeaFrom, Handle: a.submitIdeaFrom},
	}
}

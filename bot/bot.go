// Package bot is priobot's Slack transport: the Socket Mode loop, routing
// by the commands table, acks, panic recovery, turning errors into private
// replies, and rate-limit-aware calls to the Web API.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/priobot/priobot/commands"
	"github.com/priobot/priobot/prio"
)

// Options configure a Bot. Zero durations take the defaults.
type Options struct {
	BotToken, AppToken string
	APIURL             string // Web API base, ending in "/"
	// AckBudget is how long a slash command or modal submission may take
	// for its reply to ride on the ack (Slack's deadline is 3 s).
	AckBudget time.Duration
	// HandlerTimeout bounds one handler, including its Slack calls.
	HandlerTimeout time.Duration
	// ShutdownTimeout bounds how long Run waits for in-flight handlers.
	ShutdownTimeout time.Duration
	// Connections is how many Socket Mode connections the bot keeps open
	// (default 1; Slack allows 10 per app, across all replicas). Slack
	// spreads envelopes over them: each decodes its envelopes on its own
	// goroutine, and when Slack refreshes one the others keep serving.
	Connections int
	// MaxHandlers bounds the envelopes served at once (default 64). More
	// wait on the socket: under a burst, acks slow down a little instead
	// of work piling up behind early acks until memory runs out.
	MaxHandlers int
}

// Deduper remembers Events API event ids, so a redelivered event has no
// second effect; store.Store implements it.
type Deduper interface {
	FirstDelivery(ctx context.Context, team, eventID string) (bool, error)
}

// Bot serves Socket Mode envelopes with the routes of the commands table.
type Bot struct {
	opts    Options
	log     *slog.Logger
	metrics *Metrics
	api     *webAPI
	conns   []*socketmode.Client
	up      []atomic.Bool // per connection: connected to Slack
	router  *router
	dedupe  Deduper

	inflight sync.WaitGroup
	jobs     chan job // to the MaxHandlers workers
}

// job is an envelope for a worker to serve.
type job struct {
	ctx  context.Context
	env  envelope
	data any
}

// envelope is a request with the connection it came on, where its ack goes.
type envelope struct {
	*socketmode.Request
	conn *socketmode.Client
}

// New builds a Bot. Call Slack to hand its Web API to the use cases, then
// Serve to give it their routes, then Run.
func New(o Options, log *slog.Logger, m *Metrics, dedupe Deduper) *Bot {
	if o.AckBudget == 0 {
		o.AckBudget = 2 * time.Second
	}
	if o.HandlerTimeout == 0 {
		o.HandlerTimeout = 30 * time.Second
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	if o.Connections < 1 {
		o.Connections = 1
	}
	if o.MaxHandlers < 1 {
		o.MaxHandlers = 64
	}
	// Many replies go to one host at once (slack.com, or response URLs on
	// hooks.slack.com): keep enough idle connections not to redial for each.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	httpClient := &http.Client{Timeout: 15 * time.Second, Transport: countingTransport{next: transport, m: m}}
	client := slack.New(o.BotToken,
		slack.OptionAPIURL(o.APIURL),
		slack.OptionAppLevelToken(o.AppToken),
		slack.OptionHTTPClient(httpClient),
	)
	b := &Bot{
		opts: o, log: log, metrics: m, dedupe: dedupe,
		api:    &webAPI{client: client, http: httpClient, blocked: map[string]time.Time{}},
		up:     make([]atomic.Bool, o.Connections),
		jobs:   make(chan job),
		router: newRouter(nil),
	}
	for range o.Connections {
		b.conns = append(b.conns, socketmode.New(client))
	}
	return b
}

// Slack is the bot's rate-limit-aware Web API, for the use cases.
func (b *Bot) Slack() commands.Slack { return b.api }

// Serve sets the routes the bot answers.
func (b *Bot) Serve(routes []commands.Route) { b.router = newRouter(routes) }

// Ready reports whether a Socket Mode connection is up.
func (b *Bot) Ready() bool {
	for i := range b.up {
		if b.up[i].Load() {
			return true
		}
	}
	return false
}

// Run connects to Slack and serves envelopes until ctx ends, then stops
// taking new ones and waits (up to ShutdownTimeout) for in-flight handlers,
// whose acks and replies still go out.
func (b *Bot) Run(ctx context.Context) error {
	if _, err := b.api.client.AuthTestContext(ctx); err != nil {
		return fmt.Errorf("slack auth.test with SLACK_BOT_TOKEN: %w", err)
	}
	sockCtx, stopSocket := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSocket()
	recvCtx, stopReceiving := context.WithCancel(ctx)
	defer stopReceiving()
	// Long-lived workers keep the stacks they grew: no goroutine, and no
	// stack growth, per envelope.
	for range b.opts.MaxHandlers {
		go func() {
			for j := range b.jobs {
				b.serve(j.ctx, j.env, j.data)
				b.inflight.Done()
			}
		}()
	}
	defer close(b.jobs)
	fatal := make(chan error, len(b.conns))
	var receivers sync.WaitGroup
	for i := range b.conns {
		go func() { fatal <- b.connect(sockCtx, i) }()
		receivers.Go(func() { b.receive(recvCtx, i) })
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-fatal:
	}
	// No envelope is taken once draining starts.
	stopReceiving()
	receivers.Wait()
	b.drain()
	return err
}

// receive dispatches the events of connection i until ctx ends.
func (b *Bot) receive(ctx context.Context, i int) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-b.conns[i].Events:
			b.dispatch(ctx, i, ev)
		}
	}
}

// connect keeps Socket Mode connection i running; slack-go reconnects by
// itself and returns only on fatal auth errors, which end the bot.
func (b *Bot) connect(ctx context.Context, i int) error {
	err := b.conns[i].RunContext(ctx)
	b.up[i].Store(false)
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("slack socket mode with SLACK_APP_TOKEN: %w", err)
}

func (b *Bot) drain() {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.opts.ShutdownTimeout):
		b.log.Warn("shutdown: handlers still running after timeout", "timeout", b.opts.ShutdownTimeout)
	}
}

// dispatch handles one event from a Socket Mode connection. Envelopes go
// to the workers; it blocks while all MaxHandlers are busy, or until ctx
// ends (the envelope is then left unacked, for Slack to redeliver or report).
func (b *Bot) dispatch(ctx context.Context, i int, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		b.up[i].Store(true)
		if ev.Type == socketmode.EventTypeConnected {
			b.log.Info("socket mode connected", "connection", i+1, "of", len(b.conns))
		}
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		b.up[i].Store(false)
		if ev.Type != socketmode.EventTypeConnecting {
			b.log.Warn("socket mode connection problem", "event", string(ev.Type))
		}
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if ev.Request == nil {
			return
		}
		b.inflight.Add(1)
		select {
		case b.jobs <- job{ctx, envelope{ev.Request, b.conns[i]}, ev.Data}:
			b.metrics.envelopes.WithLabelValues(string(ev.Type)).Inc()
		case <-ctx.Done():
			b.inflight.Done()
		}
	}
}

// serve routes one envelope, acks it and delivers the reply.
func (b *Bot) serve(ctx context.Context, req envelope, data any) {
	start := time.Now()
	defer b.metrics.observe(req.Type, start)
	// Handlers finish their work even when shutdown begins.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.HandlerTimeout)
	defer cancel()

	switch data := data.(type) {
	case slack.SlashCommand:
		b.serveCommand(ctx, req, data)
	case slack.InteractionCallback:
		b.serveInteraction(ctx, req, data)
	case slackevents.EventsAPIEvent:
		b.ack(req, nil)
		b.serveEvent(ctx, req, data)
	default:
		b.ack(req, nil)
	}
}

func (b *Bot) ack(req envelope, payload any) {
	var err error
	if payload == nil {
		err = req.conn.Ack(*req.Request)
	} else {
		err = req.conn.Ack(*req.Request, payload)
	}
	if err != nil {
		b.log.Error("ack failed", "envelope_id", req.EnvelopeID, "type", req.Type, "err", err)
	}
}

// run calls a handler, turning a panic into an apology and an error into
// the sentence the user should read (failed is then true). Internal errors
// are logged here, once.
func (b *Bot) run(ctx context.Context, req envelope, rt commands.Route, r commands.Request) (reply *commands.Reply, failed bool) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("handler panicked", "type", req.Type, "envelope_id", req.EnvelopeID, "route", rt.Name,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			b.metrics.handlerErrors.WithLabelValues(req.Type, "panic").Inc()
			reply = &commands.Reply{Message: commands.Message{Text: "Sorry, that went wrong on priobot's side and has been logged. Please try again."}}
			failed = true
		}
	}()
	reply, err := rt.Handle(ctx, r)
	if err != nil {
		code := prio.ErrorCode(err)
		b.metrics.handlerErrors.WithLabelValues(req.Type, string(code)).Inc()
		if code == prio.Internal || code == prio.Unavailable {
			b.log.Error("handler failed", "type", req.Type, "envelope_id", req.EnvelopeID, "route", rt.Name, "err", err)
		}
		// Error messages are plain text that may quote user input: escape it.
		return &commands.Reply{Message: commands.Message{Text: escape(prio.ErrorMessage(err))}}, true
	}
	return reply, false
}

// first reports whether this is the first delivery of a person's action,
// known by its trigger_id: a second delivery of the same envelope must have
// no second effect (a second idea, a toggle undone). Idempotent routes skip
// the check and its round trip. If Redis cannot tell, the action runs.
func (b *Bot) first(ctx context.Context, req envelope, rt commands.Route, team, triggerID string) bool {
	if rt.Idempotent || triggerID == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, dedupeBudget)
	defer cancel()
	first, err := b.dedupe.FirstDelivery(ctx, team, "trigger:"+triggerID)
	if err != nil {
		return true // the handler will meet the same Redis and say so
	}
	if !first {
		b.log.Info("duplicate delivery ignored", "type", req.Type, "envelope_id", req.EnvelopeID, "retry_attempt", req.RetryAttempt)
	}
	return first
}

// dedupeBudget bounds the duplicate check, so a Redis outage leaves time
// for the handler to say so within Slack's deadline.
const dedupeBudget = 300 * time.Millisecond

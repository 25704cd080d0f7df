package e2e

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/internal/app"
	"github.com/priobot/priobot/internal/manifest"
	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/internal/testlog"
	"github.com/priobot/priobot/slackemu"
)

// harness is priobot running in-process against the Slack emulator and a
// real redis-server, with a workspace of people and channels.
type harness struct {
	t        testing.TB
	emu      *slackemu.Server
	redis    *redistest.Redis
	httpAddr string
	logs     *testlog.Buffer
	stop     context.CancelFunc
	done     chan error

	clock *fakeClock
	pace  time.Duration // between scheduled summaries
	// publicOnly keeps webhooks off loopback (WEBHOOK_ALLOW_PRIVATE=false);
	// tests otherwise run their receivers there.
	publicOnly bool

	replicas atomic.Int32 // more bots running (startReplica)

	// github is the GitHub the bot syncs with; noGitHub starts the bot
	// without a GITHUB_TOKEN.
	github     *githubemu.Server
	noGitHub   bool
	githubPoll time.Duration // how often the bots ask GitHub; githubPoll when 0

	ann, bob        string // people
	product, design string // public channels
}

func newHarness(t testing.TB, o slackemu.Options) *harness {
	t.Helper()
	return newHarnessWith(t, o)
}

// newHarnessWith is newHarness with options for its Redis.
func newHarnessWith(t testing.TB, o slackemu.Options, redis ...redistest.Option) *harness {
	t.Helper()
	h := &harness{t: t, redis: redistest.Start(t, redis...), logs: &testlog.Buffer{}, clock: &fakeClock{}}
	if o.Manifest == "" {
		o.Manifest = manifest.YAML // people type its commands and pick its shortcuts by name
	}
	emu, err := slackemu.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	// Every message, Home and form of the test can be shown by the
	// playground's web client (no block or element it lacks).
	t.Cleanup(func() {
		if err := emu.CheckHTML(); err != nil {
			t.Errorf("the web client cannot show %v", err)
		}
	})
	h.emu = emu
	if h.github, err = githubemu.Start(githubemu.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.github.Close)
	h.ann = emu.AddUser("ann", slackemu.UserOptions{})
	h.bob = emu.AddUser("bob", slackemu.UserOptions{})
	h.product = emu.AddChannel("product", slackemu.ChannelOptions{})
	h.design = emu.AddChannel("design", slackemu.ChannelOptions{})
	h.start()
	return h
}

// start runs the bot and waits for its Socket Mode connection.
func (h *harness) start() {
	h.t.Helper()
	h.httpAddr = freeAddr(h.t)
	cfg := h.config(h.httpAddr)
	ctx, cancel := context.WithCancel(context.Background())
	h.stop, h.done = cancel, make(chan error, 1)
	go func() { h.done <- app.Run(ctx, cfg, h.logs, h.clock.Now) }()
	h.t.Cleanup(h.shutdown)
	if err := h.emu.WaitConnections(h.t.Context(), sockets); err != nil {
		h.t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, h.logs)
	}
}

// sockets is how many Socket Mode connections each bot process opens.
const sockets = 2

// githubPoll is how often the bots under test ask GitHub what changed.
const githubPoll = 200 * time.Millisecond

// config is a bot's configuration against the harness's Slack and Redis.
func (h *harness) config(httpAddr string) app.Config {
	c := app.Config{
		BotToken: slackemu.BotToken, AppToken: slackemu.AppToken, APIURL: h.emu.APIURL(),
		RedisURL: h.redis.URL(), HTTPAddr: httpAddr, LogLevel: "debug", LogFormat: "text",
		ShutdownTimeout: 5 * time.Second, SchedulerTick: 50 * time.Millisecond, SummaryPace: h.pace,
		Connections: sockets, MaxHandlers: 64, WebhookAllowPrivate: !h.publicOnly,
		GitHubToken: githubemu.Token, GitHubAPIURL: h.github.URL(), GitHubPoll: cmp.Or(h.githubPoll, githubPoll),
	}
	if h.noGitHub {
		c.GitHubToken = ""
	}
	return c
}

// configEnv is c as the environment a priobot process reads.
func configEnv(c app.Config) []string {
	return []string{
		"SLACK_BOT_TOKEN=" + c.BotToken, "SLACK_APP_TOKEN=" + c.AppToken, "SLACK_API_URL=" + c.APIURL,
		"REDIS_URL=" + c.RedisURL, "HTTP_ADDR=" + c.HTTPAddr, "LOG_LEVEL=" + c.LogLevel, "LOG_FORMAT=" + c.LogFormat,
		"SHUTDOWN_TIMEOUT=" + c.ShutdownTimeout.String(), "SCHEDULER_TICK=" + c.SchedulerTick.String(),
		"SUMMARY_PACE=" + c.SummaryPace.String(), fmt.Sprintf("SOCKET_CONNECTIONS=%d", c.Connections),
		fmt.Sprintf("MAX_HANDLERS=%d", c.MaxHandlers), fmt.Sprintf("WEBHOOK_ALLOW_PRIVATE=%t", c.WebhookAllowPrivate),
		"GITHUB_TOKEN=" + c.GitHubToken, "GITHUB_API_URL=" + c.GitHubAPIURL, "GITHUB_POLL=" + c.GitHubPoll.String(),
	}
}

// startReplica runs one more bot on the same Slack and Redis, until the test ends.
func (h *harness) startReplica() {
	h.t.Helper()
	cfg := h.config(freeAddr(h.t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	before := h.emu.Connections()
	go func() { done <- app.Run(ctx, cfg, h.logs, h.clock.Now) }()
	h.replicas.Add(1)
	h.t.Cleanup(func() { cancel(); <-done; h.replicas.Add(-1) })
	if err := h.emu.WaitConnections(h.t.Context(), before+sockets); err != nil {
		h.t.Fatalf("replica did not connect: %v", err)
	}
}

// shutdown stops the bot as SIGTERM would and returns run's error.
func (h *harness) shutdown() {
	if h.stop == nil {
		return
	}
	h.stop()
	h.stop = nil
	if err := <-h.done; err != nil {
		h.t.Errorf("run returned %v", err)
	}
	// Slack sees the sockets go before anything is sent to a new one:
	// only the replicas' remain.
	if err := h.emu.Wait(context.Background(), func() bool { return h.emu.Connections() <= int(h.replicas.Load())*sockets }); err != nil {
		h.t.Errorf("the bot's sockets stayed open after shutdown")
	}
	if strings.Contains(h.logs.String(), slackemu.BotToken) || strings.Contains(h.logs.String(), slackemu.AppToken) {
		h.t.Error("a token appears in the logs")
	}
}

// updates counts the chat.update calls that redrew m.
func (h *harness) updates(m slackemu.Message) int {
	n := 0
	for _, c := range h.emu.Calls("chat.update") {
		if c.Params["ts"] == m.TS {
			n++
		}
	}
	return n
}

// slash types a slash command and fails the test if the bot does not ack.
func (h *harness) slash(user, channel, command, text string) {
	h.t.Helper()
	if err := h.emu.SlashCommand(h.t.Context(), user, channel, command, text); err != nil {
		h.t.Fatalf("%s %s: %v", command, text, err)
	}
}

// ephemeral waits for a private message to user in channel containing parts.
func (h *harness) ephemeral(user, channel string, parts ...string) slackemu.Message {
	h.t.Helper()
	return h.waitMessage(func() []slackemu.Message { return h.emu.Ephemerals(user, channel) }, parts)
}

// message waits for a channel message containing parts.
func (h *harness) message(channel string, parts ...string) slackemu.Message {
	h.t.Helper()
	return h.waitMessage(func() []slackemu.Message { return h.emu.Messages(channel) }, parts)
}

func (h *harness) waitMessage(list func() []slackemu.Message, parts []string) slackemu.Message {
	h.t.Helper()
	var m slackemu.Message
	err := h.emu.Wait(h.t.Context(), func() bool {
		var ok bool
		m, ok = slackemu.Last(list(), parts...)
		return ok
	})
	if err != nil {
		var seen []string
		for _, m := range list() {
			seen = append(seen, m.Text)
		}
		h.t.Fatalf("no message containing %q; saw:\n%s", parts, strings.Join(seen, "\n---\n"))
	}
	return m
}

func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	resp, err := http.Get("http://" + h.httpAddr + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReady waits until /readyz says the bot can serve again, probing it
// as an orchestrator's readiness check does: the bot's Redis client redials
// in the background (about once a second), which no event announces.
func (h *harness) waitReady() {
	h.t.Helper()
	probe := time.NewTicker(10 * time.Millisecond)
	defer probe.Stop()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); <-probe.C {
		if code, _ := h.get("/readyz"); code == http.StatusOK {
			return
		}
	}
	h.t.Fatal("the bot never became ready again")
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// fakeClock is the bot's clock in tests: real time plus what a test skips.
type fakeClock struct {
	mu   sync.Mutex
	skip time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.skip)
}

// Advance moves the bot's clock forward.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.skip += d
}

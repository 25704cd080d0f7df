package bot_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/priobot/priobot/bot"
	"github.com/priobot/priobot/commands"
	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/internal/testlog"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
)

// fixture runs a Bot with hand-made routes against the emulator and Redis.
type fixture struct {
	emu          *slackemu.Server
	logs         *testlog.Buffer
	ann, channel string
	stop         context.CancelFunc
	done         chan error
	release      chan struct{} // lets the /slow handler finish

	running, most atomic.Int32 // /slow handlers running now, and at most
}

func newFixture(t *testing.T, o bot.Options) *fixture {
	t.Helper()
	srv := redistest.Start(t)
	st, err := store.Open(t.Context(), srv.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	emu, err := slackemu.Start(slackemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	f := &fixture{emu: emu, logs: &testlog.Buffer{}, release: make(chan struct{}),
		ann: emu.AddUser("ann", slackemu.UserOptions{}), channel: emu.AddChannel("product", slackemu.ChannelOptions{})}
	o.BotToken, o.AppToken, o.APIURL = slackemu.BotToken, slackemu.AppToken, emu.APIURL()
	b := bot.New(o, slog.New(slog.NewTextHandler(f.logs, nil)), bot.NewMetrics(), st)
	b.Serve([]commands.Route{
		{Kind: commands.Slash, Name: "/ok", Handle: func(_ context.Context, r commands.Request) (*commands.Reply, error) {
			return &commands.Reply{Message: commands.Message{Text: "fine, " + r.UserName}}, nil
		}},
		{Kind: commands.Slash, Name: "/big", Handle: func(context.Context, commands.Request) (*commands.Reply, error) {
			return &commands.Reply{Message: commands.Message{Text: strings.Repeat("a long listing ", 1700) + "the end"}}, nil
		}},
		{Kind: commands.Slash, Name: "/boom", Handle: func(context.Context, commands.Request) (*commands.Reply, error) {
			panic("a bug in a handler")
		}},
		{Kind: commands.Slash, Name: "/refuse", Handle: func(context.Context, commands.Request) (*commands.Reply, error) {
			return nil, prio.Errorf(prio.Forbidden, "Only owners may do that.")
		}},
		{Kind: commands.Slash, Name: "/fail", Handle: func(context.Context, commands.Request) (*commands.Reply, error) {
			return nil, context.DeadlineExceeded
		}},
		{Kind: commands.Slash, Name: "/slow", Handle: func(context.Context, commands.Request) (*commands.Reply, error) {
			n := f.running.Add(1)
			defer f.running.Add(-1)
			for m := f.most.Load(); n > m && !f.most.CompareAndSwap(m, n); m = f.most.Load() {
			}
			<-f.release
			return &commands.Reply{Message: commands.Message{Text: "done at last"}, InChannel: true}, nil
		}},
	})
	ctx, cancel := context.WithCancel(context.Background())
	f.stop, f.done = cancel, make(chan error, 1)
	go func() { f.done <- b.Run(ctx) }()
	t.Cleanup(func() { f.shutdown(t) })
	if err := emu.WaitConnections(t.Context(), max(o.Connections, 1)); err != nil {
		t.Fatalf("bot did not connect: %v\n%s", err, f.logs)
	}
	return f
}

func (f *fixture) shutdown(t *testing.T) {
	if f.stop == nil {
		return
	}
	f.stop()
	f.stop = nil
	if err := <-f.done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func (f *fixture) waitEphemeral(t *testing.T, text string) slackemu.Message {
	t.Helper()
	var m slackemu.Message
	err := f.emu.Wait(t.Context(), func() bool {
		var ok bool
		m, ok = slackemu.Last(f.emu.Ephemerals(f.ann, f.channel), text)
		return ok
	})
	if err != nil {
		t.Fatalf("no ephemeral %q; have %+v", text, f.emu.Ephemerals(f.ann, f.channel))
	}
	return m
}

func TestPanicIsRecoveredAndTheBotKeepsServing(t *testing.T) {
	f := newFixture(t, bot.Options{})
	if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/boom", ""); err != nil {
		t.Fatalf("/boom was not acked: %v", err)
	}
	f.waitEphemeral(t, "Sorry, that went wrong")
	logs := f.logs.String()
	if !strings.Contains(logs, "handler panicked") || !strings.Contains(logs, "type=slash_commands") || !strings.Contains(logs, "envelope_id=env-") {
		t.Errorf("the panic was not logged with envelope type and id:\n%s", logs)
	}
	if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/ok", ""); err != nil {
		t.Fatal(err)
	}
	f.waitEphemeral(t, "fine, ann")
}

func TestErrorsBecomePrivateSentences(t *testing.T) {
	f := newFixture(t, bot.Options{})
	for _, c := range []struct{ command, want string }{
		{"/refuse", "Only owners may do that."},
		{"/fail", "something went wrong on priobot's side"},
		{"/unknown", "I don't know /unknown"},
	} {
		if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, c.command, ""); err != nil {
			t.Fatal(err)
		}
		f.waitEphemeral(t, c.want)
	}
	if strings.Contains(f.logs.String(), "Only owners") {
		t.Error("a user error was logged as a failure")
	}
	if !strings.Contains(f.logs.String(), "handler failed") {
		t.Error("an internal error was not logged")
	}
	if got := f.emu.Messages(f.channel); len(got) != 0 {
		t.Errorf("errors were shown to the channel: %v", got)
	}
}

func TestSlowCommandIsAckedThenAnsweredByResponseURL(t *testing.T) {
	f := newFixture(t, bot.Options{AckBudget: 20 * time.Millisecond})
	if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/slow", ""); err != nil {
		t.Fatalf("a slow handler must not cost the ack: %v", err)
	}
	if n := len(f.emu.Messages(f.channel)); n != 0 {
		t.Fatalf("reply shown before the handler finished")
	}
	close(f.release)
	if err := f.emu.Wait(t.Context(), func() bool { _, ok := slackemu.Last(f.emu.Messages(f.channel), "done at last"); return ok }); err != nil {
		t.Fatal("the late reply never reached the channel")
	}
	if len(f.emu.Calls("response_url")) != 1 {
		t.Errorf("want exactly one response_url call, got %d", len(f.emu.Calls("response_url")))
	}
}

func TestShutdownFinishesInFlightHandlers(t *testing.T) {
	f := newFixture(t, bot.Options{AckBudget: 20 * time.Millisecond})
	if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/slow", ""); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() { f.shutdown(t); close(stopped) }()
	close(f.release) // the handler finishes during shutdown…
	<-stopped
	// …and its reply went out before Run returned.
	if _, ok := slackemu.Last(f.emu.Messages(f.channel), "done at last"); !ok {
		t.Error("the in-flight reply was lost in shutdown")
	}
}

func TestConcurrentCommandsAreAllAnswered(t *testing.T) {
	f := newFixture(t, bot.Options{})
	var wg sync.WaitGroup
	for range 60 { // more than slack-go's Events buffer of 50
		wg.Go(func() {
			if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/ok", ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(f.emu.Ephemerals(f.ann, f.channel)); n != 60 {
		t.Errorf("%d of 60 commands answered", n)
	}
}

// A burst beyond MaxHandlers waits on the sockets for its turn, then is
// served in full: memory stays bounded however fast envelopes come.
func TestBurstBeyondMaxHandlersWaitsItsTurn(t *testing.T) {
	f := newFixture(t, bot.Options{AckBudget: 20 * time.Millisecond, MaxHandlers: 3, Connections: 2})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/slow", ""); err != nil {
				t.Error(err)
			}
		})
	}
	// Three run (and are acked once their ack budget is spent); seven wait
	// unacked, which they could not if every envelope got its handler.
	if err := f.emu.Wait(t.Context(), func() bool { return f.running.Load() == 3 && f.emu.Unacked() == 7 }); err != nil {
		t.Fatalf("want 3 handlers running and 7 envelopes waiting, have %d running and %d waiting", f.running.Load(), f.emu.Unacked())
	}
	close(f.release)
	wg.Wait()
	if err := f.emu.Wait(t.Context(), func() bool { return len(f.emu.Messages(f.channel)) == 10 }); err != nil {
		t.Fatalf("%d of 10 commands answered", len(f.emu.Messages(f.channel)))
	}
	if got := f.most.Load(); got != 3 {
		t.Errorf("at most %d handlers ran at once, want 3", got)
	}
}

// Slack refreshes one socket of the bot and is slow to hand out the next:
// the other socket serves meanwhile, so nobody waits for the refresh.
func TestOneSocketServesWhileTheOtherIsRefreshed(t *testing.T) {
	f := newFixture(t, bot.Options{Connections: 2})
	f.emu.HoldConnections(true)
	f.emu.DisconnectOne("refresh_requested")
	if err := f.emu.Wait(t.Context(), func() bool { return f.emu.Connections() == 1 }); err != nil {
		t.Fatalf("%d sockets take envelopes, want 1 during the refresh", f.emu.Connections())
	}
	for range 3 {
		if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/ok", ""); err != nil {
			t.Fatalf("a command during the refresh: %v", err)
		}
	}
	if got := len(f.emu.Ephemerals(f.ann, f.channel)); got != 3 {
		t.Errorf("%d of 3 commands answered during the refresh", got)
	}
	f.emu.HoldConnections(false)
	if err := f.emu.WaitConnections(t.Context(), 2); err != nil {
		t.Fatal("the refreshed socket did not come back")
	}
}

// A reply rides on the ack when it fits one; a bigger one (slack-go refuses
// acks of 20 KB) follows through the response_url.
func TestRepliesTooBigForAnAckFollowByResponseURL(t *testing.T) {
	f := newFixture(t, bot.Options{})
	if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/ok", ""); err != nil {
		t.Fatal(err)
	}
	f.waitEphemeral(t, "fine, ann")
	if n := len(f.emu.Calls("response_url")); n != 0 {
		t.Errorf("a short reply used the response_url %d times, want it on the ack", n)
	}
	if err := f.emu.SlashCommand(t.Context(), f.ann, f.channel, "/big", ""); err != nil {
		t.Fatal(err)
	}
	f.waitEphemeral(t, "the end")
	if n := len(f.emu.Calls("response_url")); n != 1 {
		t.Errorf("a 25 KB reply used the response_url %d times, want 1", n)
	}
}

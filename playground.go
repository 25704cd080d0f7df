package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/slackemu/playground"
	"github.com/priobot/priobot/store"
)

// appManifest is the Slack app manifest: the playground's emulator offers
// its slash commands and shortcuts, as Slack does once the app is created.
//
//go:embed slack-app-manifest.yml
var appManifest string

// playgroundOptions are `priobot playground`'s flags.
type playgroundOptions struct {
	Addr  string // where the web client listens; loopback unless a host is named
	Data  string // a folder that keeps the workspace and Redis across runs
	Demo  bool   // fill #product with a living backlog
	Force bool   // use a Redis that holds other priobot data
}

func playgroundMain(args []string) int {
	fs := flag.NewFlagSet("priobot playground", flag.ContinueOnError)
	var o playgroundOptions
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8090", "where the web client listens (loopback unless you name another interface)")
	fs.StringVar(&o.Data, "data", "", "a folder that keeps the workspace between runs (default: gone when the playground stops)")
	fs.BoolVar(&o.Demo, "demo", false, "fill #product with twenty ideas and an open poker session")
	fs.BoolVar(&o.Force, "force", false, "run even on a Redis (REDIS_URL) that holds priobot data the playground did not write")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: priobot playground [-addr 127.0.0.1:8090] [-data DIR] [-demo] [-force]

Runs priobot, an emulated Slack workspace and Redis in this process and
serves a Slack-like web client: no Slack workspace, tokens or Docker needed.
Redis is REDIS_URL when set, else an embedded one. SLACK_* is never read.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signalContext()
	defer stop()
	err := runPlayground(ctx, o, os.Stderr, func(url string) {
		fmt.Printf("priobot playground: open %s (Ctrl-C stops it)\n", url)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "priobot playground:", err)
		return 1
	}
	return 0
}

// runPlayground serves the playground until ctx ends, calling ready with
// the page's address once the page is usable. With o.Data, the workspace
// and the embedded Redis are saved there when it stops.
func runPlayground(ctx context.Context, o playgroundOptions, logOut io.Writer, ready func(url string)) error {
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", o.Addr, err)
	}
	if host == "" {
		host = "127.0.0.1" // only a named interface opens the playground to others
	}
	// Take the address first: a busy port is said at once, not after the demo.
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return fmt.Errorf("-addr %s: %w (pass another, such as -addr 127.0.0.1:8091)", o.Addr, err)
	}
	defer ln.Close()
	saved := func(string) string { return "" }
	if o.Data != "" {
		if err := os.MkdirAll(o.Data, 0o700); err != nil {
			return err
		}
		saved = func(name string) string { return filepath.Join(o.Data, name) }
	}

	redisURL, embedded := os.Getenv("REDIS_URL"), (*store.Embedded)(nil)
	if redisURL == "" {
		if embedded, err = store.StartEmbedded(saved("redis.json")); err != nil {
			return fmt.Errorf("embedded Redis: %w", err)
		}
		defer embedded.Close()
		redisURL = embedded.URL()
	}
	if err := markPlayground(ctx, redisURL, o.Force); err != nil {
		return err
	}

	emu, err := slackemu.Start(slackemu.Options{Manifest: appManifest})
	if err != nil {
		return err
	}
	defer emu.Close()
	fresh := true
	if file := saved("slack.json"); file != "" {
		if data, err := os.ReadFile(file); err == nil {
			if err := emu.Load(data); err != nil {
				return err
			}
			fresh = false
		}
	}
	ws, ok := playground.Find(emu)
	if !ok {
		ws, fresh = playground.Seed(emu), true
	}

	botCtx, stopBot := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBot()
	botDone := make(chan error, 1)
	go func() { botDone <- run(botCtx, playgroundConfig(emu, redisURL), logOut, time.Now) }()
	if err := emu.WaitConnections(ctx, 1); err != nil {
		stopBot()
		return errors.Join(fmt.Errorf("priobot did not connect to the emulator: %w", err), <-botDone)
	}
	if o.Demo && fresh {
		if err := playground.Demo(ctx, emu, ws); err != nil {
			stopBot()
			return errors.Join(err, <-botDone)
		}
	}

	web := &http.Server{Handler: playground.New(emu, ws.Ava).Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = web.Serve(ln) }()
	_, bound, _ := net.SplitHostPort(ln.Addr().String())
	ready("http://" + net.JoinHostPort(host, bound))

	select {
	case <-ctx.Done():
	case err := <-botDone:
		_ = web.Close()
		return fmt.Errorf("priobot stopped: %w", err)
	}
	_ = web.Close() // the page's event streams never end by themselves
	stopBot()
	botErr := <-botDone
	if o.Data != "" {
		botErr = errors.Join(botErr, save(emu, embedded, saved))
	}
	return botErr
}

// playgroundConfig is priobot's configuration against the emulator: the
// emulator's own tokens, never the environment's SLACK_*.
func playgroundConfig(emu *slackemu.Server, redisURL string) Config {
	return Config{
		BotToken: slackemu.BotToken, AppToken: slackemu.AppToken, APIURL: emu.APIURL(), RedisURL: redisURL,
		HTTPAddr: "127.0.0.1:0", LogLevel: "warn", LogFormat: "text", ShutdownTimeout: 5 * time.Second,
		SchedulerTick: time.Second, SummaryPace: 250 * time.Millisecond, Connections: 1, MaxHandlers: 64,
	}
}

// markPlayground refuses a Redis holding other priobot data, unless forced.
func markPlayground(ctx context.Context, redisURL string, force bool) error {
	connect, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	st, err := store.Open(connect, redisURL, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.MarkPlayground(connect, force)
	if errors.Is(err, store.ErrNotPlayground) {
		return fmt.Errorf("REDIS_URL: %w; the playground would act on it as if it were a demo. Point REDIS_URL at an empty Redis, unset it for an embedded one, or pass -force", err)
	}
	return err
}

// save keeps the workspace and the embedded Redis for the next run.
func save(emu *slackemu.Server, embedded *store.Embedded, saved func(string) string) error {
	data, err := emu.Save()
	if err == nil { // a file half written would lose the workspace
		file := saved("slack.json")
		if err = os.WriteFile(file+".tmp", data, 0o600); err == nil {
			err = os.Rename(file+".tmp", file)
		}
	}
	if err == nil && embedded != nil {
		err = embedded.Save(saved("redis.json"))
	}
	return err
}

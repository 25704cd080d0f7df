// Package playground runs priobot in one process with the in-repo Slack
// emulator, a demo workspace and an embedded Redis, behind the emulator's
// Slack-like web client. cmd/playground is its command; the end-to-end
// tests run it in-process. The product binary never imports it.
package playground

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/internal/app"
	"github.com/priobot/priobot/internal/manifest"
	"github.com/priobot/priobot/slackemu"
	client "github.com/priobot/priobot/slackemu/playground"
	"github.com/priobot/priobot/store/embedded"
)

// Options are the playground command's flags.
type Options struct {
	Addr  string // where the web client listens; loopback unless a host is named
	Data  string // a folder that keeps the workspace and Redis across runs
	Demo  bool   // fill #product with a living backlog
	Force bool   // use a Redis that holds other priobot data
}

// Run serves the playground until ctx ends, calling ready with the page's
// address once the page is usable. With o.Data, the workspace and the
// embedded Redis are saved there when it stops.
func Run(ctx context.Context, o Options, logOut io.Writer, ready func(url string)) error {
	ln, host, err := listen(o.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	data, err := newDataDir(o.Data)
	if err != nil {
		return err
	}
	redisURL, redis, err := openRedis(ctx, data, o.Force)
	if err != nil {
		return err
	}
	if redis != nil {
		defer redis.Close()
	}
	emu, ws, fresh, err := openWorkspace(data)
	if err != nil {
		return err
	}
	defer emu.Close()
	gh, err := openGitHub()
	if err != nil {
		return err
	}
	defer gh.Close()

	botCtx, stopBot := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBot()
	botDone := make(chan error, 1)
	go func() { botDone <- app.Run(botCtx, config(emu, gh, redisURL), logOut, time.Now) }()
	stop := func(err error) error { stopBot(); return errors.Join(err, <-botDone) }
	if err := emu.WaitConnections(ctx, 1); err != nil {
		return stop(fmt.Errorf("priobot did not connect to the emulator: %w", err))
	}
	if o.Demo && fresh {
		if err := client.Demo(ctx, emu, ws); err != nil {
			return stop(err)
		}
	}

	web := &http.Server{Handler: client.New(emu, ws.Ava).Handler(), ReadHeaderTimeout: 5 * time.Second}
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
	err = stop(nil)
	if data != "" {
		err = errors.Join(err, save(emu, redis, data))
	}
	return err
}

// listen takes the page's address before anything else, so that a busy
// port is said at once, not after the demo. A host-less address stays on
// loopback: only a named interface opens the playground to others.
func listen(addr string) (net.Listener, string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, "", fmt.Errorf("-addr %s: %w (pass another, such as -addr 127.0.0.1:8091)", addr, err)
	}
	return ln, host, nil
}

// The files a data folder keeps.
const (
	slackFile = "slack.json"
	redisFile = "redis.json"
)

// newDataDir makes the data folder when one is asked for.
func newDataDir(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	return dir, os.MkdirAll(dir, 0o700)
}

// inData is a file of the data folder, or "" without one.
func inData(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

// openRedis is REDIS_URL when set, else an embedded Redis loaded from the
// data folder, marked as the playground's (a Redis with a team's data is
// refused unless forced).
func openRedis(ctx context.Context, data string, force bool) (string, *embedded.Redis, error) {
	redisURL, redis := os.Getenv("REDIS_URL"), (*embedded.Redis)(nil)
	if redisURL == "" {
		var err error
		if redis, err = embedded.Start(inData(data, redisFile)); err != nil {
			return "", nil, fmt.Errorf("embedded Redis: %w", err)
		}
		redisURL = redis.URL()
	}
	connect, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := embedded.Mark(connect, redisURL, force)
	if errors.Is(err, embedded.ErrNotPlayground) {
		err = fmt.Errorf("REDIS_URL: %w; the playground would act on it as if it were a demo. Point REDIS_URL at an empty Redis, unset it for an embedded one, or pass -force", err)
	}
	if err != nil {
		if redis != nil {
			redis.Close()
		}
		return "", nil, err
	}
	return redisURL, redis, nil
}

// openWorkspace starts the emulator with the workspace saved in the data
// folder, or a new one (fresh: the demo may fill it).
func openWorkspace(data string) (*slackemu.Server, client.Workspace, bool, error) {
	emu, err := slackemu.Start(slackemu.Options{Manifest: manifest.YAML})
	if err != nil {
		return nil, client.Workspace{}, false, err
	}
	fresh := true
	if file := inData(data, slackFile); file != "" {
		if saved, err := os.ReadFile(file); err == nil {
			if err := emu.Load(saved); err != nil {
				emu.Close()
				return nil, client.Workspace{}, false, err
			}
			fresh = false
		}
	}
	ws, ok := client.Find(emu)
	if !ok {
		ws, fresh = client.Seed(emu), true
	}
	return emu, ws, fresh, nil
}

// config is priobot's configuration against the emulators: their own
// tokens, never the environment's SLACK_* or GITHUB_*.
func config(emu *slackemu.Server, gh *githubemu.Server, redisURL string) app.Config {
	return app.Config{
		BotToken: slackemu.BotToken, AppToken: slackemu.AppToken, APIURL: emu.APIURL(), RedisURL: redisURL,
		HTTPAddr: "127.0.0.1:0", LogLevel: "warn", LogFormat: "text", ShutdownTimeout: 5 * time.Second,
		SchedulerTick: time.Second, SummaryPace: 250 * time.Millisecond, Connections: 1, MaxHandlers: 64,
		GitHubToken: githubemu.Token, GitHubAPIURL: gh.URL(), GitHubPoll: 5 * time.Second,
	}
}

// openGitHub starts an emulated GitHub whose acme/app has a few issues
// labelled priobot, for `/backlog github connect acme/app`.
func openGitHub() (*githubemu.Server, error) {
	gh, err := githubemu.Start(githubemu.Options{})
	if err != nil {
		return nil, err
	}
	gh.AddRepo("acme/app", githubemu.RepoOptions{})
	for _, is := range []struct{ author, title, body string }{
		{"octocat", "Public roadmap page", "Three enterprise customers asked for it this quarter."},
		{"hubot", "Bulk edit tags", "Support spends an hour a day re-tagging tickets one by one."},
		{"monalisa", "Keyboard shortcuts cheat sheet", "Press ? anywhere to see them."},
		{"octocat", "Audit log export", "Compliance needs a CSV of who changed what."},
	} {
		gh.OpenIssue("acme/app", is.author, is.title, is.body, "priobot")
	}
	gh.OpenIssue("acme/app", "hubot", "Upgrade the build to Go 1.26", "An internal chore: not labelled, so not imported.")
	return gh, nil
}

// save keeps the workspace and the embedded Redis for the next run.
func save(emu *slackemu.Server, redis *embedded.Redis, data string) error {
	saved, err := emu.Save()
	if err == nil { // a file half written would lose the workspace
		file := inData(data, slackFile)
		if err = os.WriteFile(file+".tmp", saved, 0o600); err == nil {
			err = os.Rename(file+".tmp", file)
		}
	}
	if err == nil && redis != nil {
		err = redis.Save(inData(data, redisFile))
	}
	return err
}

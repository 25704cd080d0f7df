// Command playground runs priobot in a browser without Slack: the bot, an
// emulated workspace with its people and channels, and an embedded Redis,
// in one process behind a Slack-like web client. `make play` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/priobot/priobot/internal/playground"
)

func main() {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	var o playground.Options
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8090", "where the web client listens (loopback unless you name another interface)")
	fs.StringVar(&o.Data, "data", "", "a folder that keeps the workspace between runs (default: gone when the playground stops)")
	fs.BoolVar(&o.Demo, "demo", false, "fill #product with twenty ideas and an open poker session")
	fs.BoolVar(&o.Force, "force", false, "run even on a Redis (REDIS_URL) that holds priobot data the playground did not write")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: go run ./cmd/playground [-addr 127.0.0.1:8090] [-data DIR] [-demo] [-force]

Runs priobot, an emulated Slack workspace and Redis in this process and
serves a Slack-like web client: no Slack workspace, tokens or Docker needed.
Redis is REDIS_URL when set, else an embedded one. SLACK_* is never read.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := playground.Run(ctx, o, os.Stderr, func(url string) {
		fmt.Printf("priobot playground: open %s (Ctrl-C stops it)\n", url)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "priobot playground:", err)
		os.Exit(1)
	}
}

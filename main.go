// Command priobot is a Slack bot for a product team's prioritisation
// rituals: ideas in, priority poker, "where does it sit?" and weekly
// summaries. See README.md; internal/app wires it together.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/priobot/priobot/internal/app"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "-h", "-help", "--help", "help":
			app.Usage(os.Stdout)
			return
		case "healthcheck":
			os.Exit(app.Healthcheck(getenv("HTTP_ADDR", ":8080")))
		case "playground":
			fmt.Fprintln(os.Stderr, "priobot: the playground is its own command now: `make play`, or `go run ./cmd/playground -demo` in priobot's source.")
			os.Exit(2)
		default:
			fmt.Fprintf(os.Stderr, "priobot: unknown argument %q\n\n", os.Args[1])
			app.Usage(os.Stderr)
			os.Exit(2)
		}
	}
	cfg, problems := app.LoadConfig()
	if len(problems) > 0 {
		fmt.Fprintln(os.Stderr, "priobot: the configuration has problems:")
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "  "+p)
		}
		fmt.Fprintln(os.Stderr, "Run `priobot -h` for every variable.")
		os.Exit(2)
	}
	// Ctrl-C or SIGTERM (a container's stop) ends the bot gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, cfg, os.Stderr, time.Now); err != nil {
		fmt.Fprintln(os.Stderr, "priobot:", err)
		os.Exit(1)
	}
}

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
	_ "time/tzdata" // schedules name IANA zones; do not depend on the image having them

	"github.com/priobot/priobot/bot"
	"github.com/priobot/priobot/commands"
	"github.com/priobot/priobot/store"
	"github.com/priobot/priobot/tracker/github"
	"github.com/priobot/priobot/webhook/sender"
)

// Run wires priobot together and serves until ctx ends. now is the clock
// of deadlines and schedules (time.Now outside tests).
func Run(ctx context.Context, cfg Config, logOut io.Writer, now func() time.Time) error {
	log := cfg.Logger(logOut)
	metrics := bot.NewMetrics()

	connectCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	st, err := store.Open(connectCtx, cfg.RedisURL, store.Options{OnError: metrics.RedisError, Log: log})
	cancel()
	if err != nil {
		return err
	}
	defer st.Close()

	b := bot.New(bot.Options{
		BotToken: cfg.BotToken, AppToken: cfg.AppToken, APIURL: cfg.APIURL,
		ShutdownTimeout: cfg.ShutdownTimeout, Connections: cfg.Connections, MaxHandlers: cfg.MaxHandlers,
	}, log, metrics, st)
	app := commands.New(commands.Stores{
		Ideas: st, Capture: st, Poker: st, Chase: st, Homes: st, Outbox: st, Webhooks: st, Summaries: st, Settings: st, GitHub: st, Ratings: st, Roadmap: st,
	}, b.Slack(), sender.New(cfg.WebhookAllowPrivate), log, now)
	app.ObserveOutbox(metrics.OutboxDelivered)
	if cfg.GitHubToken != "" {
		gh, err := github.New(cfg.GitHubToken, cfg.GitHubAPIURL, &http.Client{Timeout: 30 * time.Second})
		if err != nil {
			return err
		}
		app.UseTracker(gh, cfg.GitHubPoll)
	}
	metrics.WatchOutbox(st.OutboxTotals)
	b.Serve(app.Routes())
	// The scheduler stops with ctx, after the item in hand: a summary being
	// posted is finished and marked done, not left for a stale claim.
	schedulerCtx, stopScheduler := context.WithCancel(ctx)
	defer stopScheduler()
	scheduler := make(chan struct{})
	go func() {
		defer close(scheduler)
		app.RunScheduler(schedulerCtx, cfg.SchedulerTick, cfg.SummaryPace)
	}()

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: httpHandler(st, b, metrics), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()
	log.Info("priobot starting", "http", ln.Addr().String(), "slack_api", cfg.APIURL)

	runErr := b.Run(ctx)
	stopScheduler()
	<-scheduler
	app.Close() // finish pending card redraws
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	log.Info("priobot stopped")
	return runErr
}

// httpHandler serves the operator's endpoints.
func httpHandler(st *store.Store, b *bot.Bot, m *bot.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		var problems []string
		if err := st.Ping(ctx); err != nil {
			problems = append(problems, "redis: "+err.Error())
		}
		if !b.Ready() {
			problems = append(problems, "slack: socket mode not connected")
		}
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, p := range problems {
				_, _ = io.WriteString(w, p+"\n")
			}
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// Healthcheck is the container's health probe: it needs no shell or curl.
func Healthcheck(addr string) int {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck: bad HTTP_ADDR:", err)
		return 1
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck:", resp.Status)
		return 1
	}
	return 0
}

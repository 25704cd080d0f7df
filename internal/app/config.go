// Package app wires priobot together: its configuration, the parts it
// builds from it, and the HTTP endpoints an operator probes. main runs it;
// the end-to-end tests and the playground run it in-process.
package app

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/priobot/priobot/store"
)

// Config is priobot's configuration, read from the environment.
type Config struct {
	BotToken        string        `envconfig:"SLACK_BOT_TOKEN" desc:"Bot token (xoxb-…) from your Slack app's OAuth & Permissions page"`
	AppToken        string        `envconfig:"SLACK_APP_TOKEN" desc:"App-level token (xapp-…) with connections:write, for Socket Mode"`
	APIURL          string        `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"Slack Web API base URL (GovSlack, or the emulator in tests)"`
	RedisURL        string        `envconfig:"REDIS_URL" default:"redis://localhost:6379/0" desc:"Redis URL, redis:// or rediss:// (TLS)"`
	HTTPAddr        string        `envconfig:"HTTP_ADDR" default:":8080" desc:"Listen address for /healthz, /readyz and /metrics"`
	LogLevel        string        `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat       string        `envconfig:"LOG_FORMAT" default:"text" desc:"text or json"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"10s" desc:"How long a shutdown waits for in-flight handlers"`
	SchedulerTick   time.Duration `envconfig:"SCHEDULER_TICK" default:"5s" desc:"How often poker deadlines and weekly summaries are checked"`
	SummaryPace     time.Duration `envconfig:"SUMMARY_PACE" default:"250ms" desc:"Least time between two scheduled summaries (Slack rate limits)"`
	Connections     int           `envconfig:"SOCKET_CONNECTIONS" default:"2" desc:"Socket Mode connections per process, 1 to 10 (Slack allows 10 per app across all replicas)"`
	MaxHandlers     int           `envconfig:"MAX_HANDLERS" default:"64" desc:"Envelopes served at once per process; more wait their turn on the socket"`
	// WebhookAllowPrivate lets webhooks reach loopback, private and
	// link-local addresses: on-prem installs, and tests.
	WebhookAllowPrivate bool          `envconfig:"WEBHOOK_ALLOW_PRIVATE" default:"false" desc:"Let webhooks go to loopback, private and link-local addresses (on-prem installs)"`
	GitHubToken         string        `envconfig:"GITHUB_TOKEN" desc:"GitHub token with Issues read and write on the repositories backlogs connect to; without it nothing syncs"`
	GitHubAPIURL        string        `envconfig:"GITHUB_API_URL" default:"https://api.github.com/" desc:"GitHub's REST API (Enterprise Server: https://HOST/api/v3/)"`
	GitHubPoll          time.Duration `envconfig:"GITHUB_POLL" default:"60s" desc:"How often a connected repository is asked what changed"`
}

// LoadConfig reads the environment and returns every problem with it, one
// sentence each. No message contains a token's value.
func LoadConfig() (Config, []string) {
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		// Only non-string fields can fail here, and none of them is secret.
		return c, []string{err.Error()}
	}
	var problems []string
	token := func(name, value, prefix, what string) {
		switch {
		case value == "":
			problems = append(problems, fmt.Sprintf("%s is not set: it is the %s.", name, what))
		case !strings.HasPrefix(value, prefix):
			problems = append(problems, fmt.Sprintf("%s must start with %s: it is the %s (the value given does not).", name, prefix, what))
		}
	}
	token("SLACK_BOT_TOKEN", c.BotToken, "xoxb-", "bot token from OAuth & Permissions")
	token("SLACK_APP_TOKEN", c.AppToken, "xapp-", "app-level token with connections:write from Basic Information")
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, not %q.", c.APIURL))
	} else if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if _, err := store.ParseURL(c.RedisURL); err != nil {
		problems = append(problems, err.Error()+".")
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		problems = append(problems, fmt.Sprintf("HTTP_ADDR must be host:port or :port, not %q.", c.HTTPAddr))
	}
	if _, ok := logLevels[strings.ToLower(c.LogLevel)]; !ok {
		problems = append(problems, fmt.Sprintf("LOG_LEVEL must be debug, info, warn or error, not %q.", c.LogLevel))
	}
	if f := strings.ToLower(c.LogFormat); f != "text" && f != "json" {
		problems = append(problems, fmt.Sprintf("LOG_FORMAT must be text or json, not %q.", c.LogFormat))
	}
	if c.ShutdownTimeout <= 0 {
		problems = append(problems, "SHUTDOWN_TIMEOUT must be positive, such as 10s.")
	}
	if c.SchedulerTick <= 0 || c.SummaryPace < 0 {
		problems = append(problems, "SCHEDULER_TICK must be positive and SUMMARY_PACE not negative, such as 5s and 250ms.")
	}
	if c.Connections < 1 || c.Connections > 10 {
		problems = append(problems, fmt.Sprintf("SOCKET_CONNECTIONS must be 1 to 10 (Slack's limit per app), not %d.", c.Connections))
	}
	if u, err := url.Parse(c.GitHubAPIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("GITHUB_API_URL must be an http(s) URL such as https://api.github.com/, not %q.", c.GitHubAPIURL))
	} else if !strings.HasSuffix(c.GitHubAPIURL, "/") {
		c.GitHubAPIURL += "/"
	}
	if c.GitHubPoll <= 0 {
		problems = append(problems, "GITHUB_POLL must be positive, such as 60s.")
	}
	if c.MaxHandlers < 1 {
		problems = append(problems, fmt.Sprintf("MAX_HANDLERS must be at least 1, not %d.", c.MaxHandlers))
	}
	return c, problems
}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// Logger builds the process logger from the configuration.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: logLevels[strings.ToLower(c.LogLevel)]}
	if strings.ToLower(c.LogFormat) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Usage prints what priobot is and every variable it reads.
func Usage(w io.Writer) {
	fmt.Fprint(w, `priobot runs a product team's prioritisation rituals in Slack.

Usage:
  priobot               run the bot (configured by the environment below)
  priobot healthcheck   exit 0 when the bot on HTTP_ADDR answers /healthz
  priobot -h            show this help

Environment:
`)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tDEFAULT\tDESCRIPTION")
	_ = envconfig.Usagef("", &Config{}, tw, "{{range .}}  {{usage_key .}}\t{{usage_default .}}\t{{usage_description .}}\n{{end}}")
	_ = tw.Flush()
}

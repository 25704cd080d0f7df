package e2e

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/internal/app"
)

// priobot runs the product binary with exactly the given environment and
// arguments, as an operator would, and returns its output and exit code.
func priobot(t *testing.T, env map[string]string, args string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary(t), strings.Fields(args)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

const (
	secretBot = "xoxb-111-222-supersecretbot"
	secretApp = "xapp-1-A1-333-supersecretapp"
)

func TestConfigProblemsOneLineEachExit2(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing set", map[string]string{}, []string{
			"SLACK_BOT_TOKEN is not set", "SLACK_APP_TOKEN is not set"}},
		{"swapped tokens", map[string]string{"SLACK_BOT_TOKEN": secretApp, "SLACK_APP_TOKEN": secretBot}, []string{
			"SLACK_BOT_TOKEN must start with xoxb-", "SLACK_APP_TOKEN must start with xapp-"}},
		{"user token", map[string]string{"SLACK_BOT_TOKEN": "xoxp-user-secret", "SLACK_APP_TOKEN": secretApp}, []string{
			"SLACK_BOT_TOKEN must start with xoxb-"}},
		{"everything else wrong", map[string]string{"SLACK_BOT_TOKEN": secretBot, "SLACK_APP_TOKEN": secretApp,
			"SLACK_API_URL": "ftp://x", "REDIS_URL": "mysql://db", "HTTP_ADDR": "8080", "LOG_LEVEL": "loud", "LOG_FORMAT": "xml",
			"SOCKET_CONNECTIONS": "11", "MAX_HANDLERS": "0"}, []string{
			"SLACK_API_URL must be an http(s) URL", "REDIS_URL mysql://db: the scheme must be redis or rediss", "HTTP_ADDR must be host:port",
			"LOG_LEVEL must be debug, info, warn or error", "LOG_FORMAT must be text or json", "SOCKET_CONNECTIONS must be 1 to 10",
			"MAX_HANDLERS must be at least 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := priobot(t, tt.env, "")
			if code != 2 {
				t.Errorf("exit code %d, want 2\n%s", code, out)
			}
			var problems []string
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "  ") {
					problems = append(problems, line)
				}
			}
			if len(problems) != len(tt.want) {
				t.Errorf("%d problem lines, want %d:\n%s", len(problems), len(tt.want), out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, secret := range []string{secretBot, secretApp, "xoxp-user-secret"} {
				if strings.Contains(out, secret) {
					t.Errorf("output shows a token:\n%s", out)
				}
			}
		})
	}
}

func TestUnreachableRedisIsAClearMessage(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	out, code := priobot(t, map[string]string{"SLACK_BOT_TOKEN": secretBot, "SLACK_APP_TOKEN": secretApp,
		"REDIS_URL": "redis://:redispass@" + addr + "/0", "HTTP_ADDR": "127.0.0.1:0"}, "")
	if code != 1 || !strings.Contains(out, "can't reach Redis at redis://:xxxxx@"+addr+"/0") {
		t.Errorf("exit %d, output:\n%s\nwant exit 1 and a line saying Redis at %s can't be reached", code, out, addr)
	}
	for _, secret := range []string{secretBot, secretApp, "redispass"} {
		if strings.Contains(out, secret) {
			t.Errorf("output shows a secret %q:\n%s", secret, out)
		}
	}
}

func TestHelpListsEveryVariable(t *testing.T) {
	out, code := priobot(t, nil, "-h")
	if code != 0 {
		t.Errorf("-h exit code %d", code)
	}
	for _, v := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL  ", "https://slack.com/api/", "REDIS_URL", "redis://localhost:6379/0",
		"HTTP_ADDR", ":8080", "LOG_LEVEL", "LOG_FORMAT", "healthcheck"} {
		if !strings.Contains(out, v) {
			t.Errorf("-h lacks %q:\n%s", v, out)
		}
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	for _, k := range []string{"SLACK_API_URL", "REDIS_URL", "HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT", "SHUTDOWN_TIMEOUT", "SCHEDULER_TICK", "SUMMARY_PACE", "SOCKET_CONNECTIONS", "MAX_HANDLERS", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_POLL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("SLACK_BOT_TOKEN", secretBot)
	t.Setenv("SLACK_APP_TOKEN", secretApp)
	t.Setenv("SLACK_API_URL", "https://slack-gov.com/api") // a missing slash is added
	cfg, problems := app.LoadConfig()
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	want := app.Config{BotToken: secretBot, AppToken: secretApp, APIURL: "https://slack-gov.com/api/",
		RedisURL: "redis://localhost:6379/0", HTTPAddr: ":8080", LogLevel: "info", LogFormat: "text",
		ShutdownTimeout: 10 * time.Second, SchedulerTick: 5 * time.Second, SummaryPace: 250 * time.Millisecond, Connections: 2, MaxHandlers: 64,
		GitHubAPIURL: "https://api.github.com/", GitHubPoll: time.Minute}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
}

func TestHealthcheckFailsWithoutABot(t *testing.T) {
	if code := app.Healthcheck(freeAddr(t)); code != 1 {
		t.Errorf("healthcheck against nothing = %d, want 1", code)
	}
}

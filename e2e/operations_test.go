package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/priobot/priobot/internal/app"
	"github.com/priobot/priobot/slackemu"
)

// What an operator sees: /healthz, /readyz, /metrics and the healthcheck.

func TestRedisDownGetsAClearAnswer(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.redis.Stop()
	h.slash(h.ann, h.product, "/idea", "Lost?")
	h.ephemeral(h.ann, h.product, "can't reach its database", "nothing was saved")
	if code, body := h.get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("/readyz with Redis down = %d %q, want 503 naming redis", code, body)
	}
}

func TestOperatorEndpoints(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	if code, _ := h.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	// Once a command is answered, the bot has seen Slack's hello.
	h.slash(h.ann, h.product, "/idea", "Metrics")
	h.message(h.product, "#1 Metrics")
	if code, body := h.get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q, want 200 when Redis and Slack are up", code, body)
	}
	_, metrics := h.get("/metrics")
	for _, want := range []string{
		`priobot_envelopes_total{type="slash_commands"} 1`,
		`priobot_slack_api_calls_total{method="chat.postMessage",status="200"} 1`,
		`priobot_handler_seconds_count{type="slash_commands"} 1`,
		`priobot_redis_errors_total 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
			for _, l := range strings.Split(metrics, "\n") {
				if strings.HasPrefix(l, "priobot_") {
					t.Log(l)
				}
			}
		}
	}
	if app.Healthcheck(h.httpAddr) != 0 {
		t.Error("priobot healthcheck failed against a healthy bot")
	}
}

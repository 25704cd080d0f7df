package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
)

func TestPostingWaitsOutRateLimits(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.emu.RateLimit("chat.postMessage", 2, time.Second)
	h.slash(h.ann, h.product, "/idea", "Patience")
	h.message(h.product, "#1 Patience")
	h.ephemeral(h.ann, h.product, "#1 Patience is in #product's backlog")
	if n := h.emu.TooEarly(); n != 0 {
		t.Errorf("the bot called chat.postMessage %d times before Retry-After ran out", n)
	}
	var limited int
	for _, c := range h.emu.Calls("chat.postMessage") {
		if c.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d calls were rate limited, want 2", limited)
	}
}

func TestReconnectAfterRefreshLosesNoEnvelope(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if i == n/2 {
				h.emu.Disconnect("refresh_requested")
			}
			if err := h.emu.SlashCommand(t.Context(), h.ann, h.product, "/idea", fmt.Sprintf("Idea %02d", i)); err != nil {
				t.Errorf("idea %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if err := h.emu.Wait(t.Context(), func() bool { return len(h.emu.Messages(h.product)) == n }); err != nil {
		t.Fatalf("%d of %d idea cards posted", len(h.emu.Messages(h.product)), n)
	}
	if got := h.emu.Timeouts(); len(got) != 0 {
		t.Errorf("envelopes timed out across the reconnect: %v", got)
	}
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, fmt.Sprintf("%d awaiting scoring", n))
}

func TestAppHomeIsPublishedOncePerEvent(t *testing.T) {
	// Acks arrive after the deadline, so Slack redelivers the event.
	h := newHarness(t, slackemu.Options{AckTimeout: 300 * time.Millisecond, EventRetryDelays: []time.Duration{0}})
	h.emu.SlowAcks(time.Second)
	_ = h.emu.OpenHome(t.Context(), h.ann) // times out twice: the point of the test
	if err := h.emu.Wait(t.Context(), func() bool { _, ok := h.emu.Home(h.ann); return ok }); err != nil {
		t.Fatal("home tab never published")
	}
	home, _ := h.emu.Home(h.ann)
	if !strings.Contains(home.Text, "How to use priobot") {
		t.Errorf("home tab lacks usage:\n%s", home.Text)
	}
	if got := len(h.emu.Timeouts()); got != 2 {
		t.Fatalf("%d delivery attempts timed out, want 2 (the event was delivered twice)", got)
	}
	h.shutdown() // in-flight handlers finish before run returns
	if n := len(h.emu.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times for one event delivered twice, want 1", n)
	}
}

func TestReconnectAfterDroppedSocket(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.emu.DropConnections()
	h.slash(h.ann, h.product, "/idea", "Still here")
	h.message(h.product, "#1 Still here")
	if code, _ := h.get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d after reconnecting", code)
	}
}

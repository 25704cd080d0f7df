package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
)

// outboxBatch is how many items a replica claims at once (commands.outboxBatch).
const outboxBatch = 8

// supported submits ann's "Dark mode" (#1) and has a crowd of n press
// Me too on it, one after another; it returns the crowd.
func (p *pokerTable) supported(n int) []string {
	p.t.Helper()
	card := p.idea(p.ann, p.product, "Dark mode")
	crowd := p.crowd(n)
	for _, u := range crowd {
		p.support(u, card)
	}
	return crowd
}

// told counts the DMs user got that contain text.
func (h *harness) told(user, text string) int {
	n := 0
	for _, m := range h.emu.DMs(user) {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// delivered waits, asking as user would, until channel's outbox has
// nothing waiting: a test that jumps the clock must not jump past the
// lease of a delivery still in flight (another replica would send it again).
func (h *harness) delivered(user, channel string) {
	h.t.Helper()
	for range 200 {
		before := len(h.emu.Ephemerals(user, channel))
		h.slash(user, channel, "/backlog", "outbox")
		if err := h.emu.Wait(h.t.Context(), func() bool { return len(h.emu.Ephemerals(user, channel)) > before }); err != nil {
			h.t.Fatal("no answer to /backlog outbox")
		}
		if list := h.emu.Ephemerals(user, channel); list[len(list)-1].Contains("0 messages waiting to be delivered") {
			return
		}
	}
	h.t.Fatal("the outbox never emptied")
}

// The bot stops right after a status change of an idea with 60
// supporters, while Slack holds its DMs back: the next bot sends every DM
// still owed, and nobody gets one twice.
func TestStatusDMsSurviveARestart(t *testing.T) {
	p := newPokerTable(t)
	crowd := p.supported(60)
	p.emu.RateLimit("chat.postMessage", 2, time.Second)
	p.slash(p.bob, p.product, "/backlog", "status #1 shipped")
	p.ephemeral(p.bob, p.product, "I'm letting 61 people know by direct message.")
	p.shutdown()
	news := "In #product, bob moved #1 Dark mode from awaiting scoring to shipped."
	sent := 0
	for _, u := range append(crowd, p.ann) {
		sent += p.told(u, news)
	}
	if sent >= 61 {
		t.Fatalf("all %d DMs went out before the bot stopped; the test needs some owed", sent)
	}
	p.start()
	everyone := append(crowd, p.ann)
	if err := p.emu.Wait(t.Context(), func() bool {
		for _, u := range everyone {
			if p.told(u, news) == 0 {
				return false
			}
		}
		return true
	}); err != nil {
		t.Fatalf("after the restart, DMs still owed (%d went out before it)", sent)
	}
	p.shutdown()
	for _, u := range everyone {
		if n := p.told(u, news); n != 1 {
			t.Errorf("%s got the news %d times", u, n)
		}
	}
	if n := p.emu.TooEarly(); n != 0 {
		t.Errorf("%d calls ignored Retry-After", n)
	}
}

// A DM that fails every retry is given up on and shown to the backlog's
// owners; the others are not held back by it.
func TestDeadLettersAreShownToOwners(t *testing.T) {
	p := newPokerTable(t)
	card := p.idea(p.ann, p.product, "Dark mode")
	p.support(p.dan, card)
	p.support(p.carl, card)
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	p.emu.FailDMs(p.dan, "user_not_found")
	p.slash(p.ann, p.product, "/backlog", "status #1 planned")
	p.dm(p.carl, "In #product, ann moved #1 Dark mode from awaiting scoring to planned.")
	attempts := func() int {
		n := 0
		for _, c := range p.emu.Calls("conversations.open") {
			if c.Params["users"] == p.dan {
				n++
			}
		}
		return n
	}
	for i, wait := range append([]time.Duration{0}, outbox.Retries...) {
		p.clock.Advance(wait)
		if err := p.emu.Wait(t.Context(), func() bool { return attempts() > i }); err != nil {
			t.Fatalf("attempt %d to reach dan never came\n%s", i+1, p.logs)
		}
	}
	// The last attempt is settled just after Slack answered it: ask as an
	// owner would, until the answer has it.
	for range 200 {
		before := len(p.emu.Ephemerals(p.ann, p.product))
		p.slash(p.ann, p.product, "/backlog", "outbox")
		if err := p.emu.Wait(t.Context(), func() bool { return len(p.emu.Ephemerals(p.ann, p.product)) > before }); err != nil {
			t.Fatal("no answer to /backlog outbox")
		}
		if list := p.emu.Ephemerals(p.ann, p.product); list[len(list)-1].Contains("Given up") {
			break
		}
	}
	p.ephemeral(p.ann, p.product, "This backlog's outbox: 0 messages waiting to be delivered.", "Given up after every retry (1, newest first):",
		"to @dan: #1 moved to planned by ann on", "user_not_found")
	p.slash(p.carl, p.product, "/backlog", "outbox")
	p.ephemeral(p.carl, p.product, "Only this backlog's owners (and workspace admins) can see its outbox.")
	if n := attempts(); n != len(outbox.Retries)+1 {
		t.Errorf("%d attempts to reach dan, want %d", n, len(outbox.Retries)+1)
	}
	// What an operator's dashboard reads.
	_, metrics := p.get("/metrics")
	for _, want := range []string{
		`priobot_outbox_deliveries_total{kind="status",outcome="delivered"} 1`,
		`priobot_outbox_deliveries_total{kind="status",outcome="retry"} 5`,
		`priobot_outbox_deliveries_total{kind="status",outcome="dead"} 1`,
		"priobot_outbox_dead_letters 1", "priobot_outbox_waiting 0", "priobot_outbox_oldest_seconds 0",
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A replica killed while it delivers a status change's DMs: another
// delivers what it had claimed once its lease ends, and the rest at once.
func TestReplicaKilledMidDelivery(t *testing.T) {
	p := newPokerTable(t)
	crowd := p.supported(12)
	proc, _, exited := p.process()

	// Slack holds the first DM back; the process is killed while it waits.
	p.emu.RateLimit("chat.postMessage", 1, 2*time.Second)
	p.slash(p.bob, p.product, "/backlog", "status #1 shipped")
	p.ephemeral(p.bob, p.product, "I'm letting 13 people know by direct message.")
	if err := p.emu.Wait(t.Context(), func() bool {
		for _, c := range p.emu.Calls("chat.postMessage") {
			if c.Status == http.StatusTooManyRequests {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal("the process never tried to deliver")
	}
	_ = proc.Process.Kill()
	<-exited
	p.replicas.Add(-1)
	if err := p.emu.Wait(t.Context(), func() bool { return p.emu.Connections() == 0 }); err != nil {
		t.Fatal("the killed process's sockets stayed open")
	}

	news := "In #product, bob moved #1 Dark mode from awaiting scoring to shipped."
	everyone := append(crowd, p.ann)
	owed := func() int {
		n := 0
		for _, u := range everyone {
			if p.told(u, news) == 0 {
				n++
			}
		}
		return n
	}
	if owed() == 0 {
		t.Fatal("every DM went out before the kill; the test needs some owed")
	}
	p.start()
	// What the dead process had not claimed goes at once; what it had
	// claimed waits for its lease.
	if err := p.emu.Wait(t.Context(), func() bool { return owed() <= outboxBatch }); err != nil {
		t.Fatalf("%d DMs still owed; only the dead process's batch should wait for its lease", owed())
	}
	p.clock.Advance(outbox.Lease + time.Second)
	if err := p.emu.Wait(t.Context(), func() bool { return owed() == 0 }); err != nil {
		t.Fatalf("%d DMs still owed after the lease", owed())
	}
	p.shutdown()
	for _, u := range everyone {
		if n := p.told(u, news); n != 1 {
			t.Errorf("%s got the news %d times", u, n)
		}
	}
}

// A backlog whose deliveries hang (here its repository on GitHub) holds
// back no other backlog's: the due outboxes drain side by side.
func TestAHeldBackBacklogHoldsBackNoOther(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	gh := h.github
	for i, r := range []struct{ repo, channel string }{{"acme/app", h.product}, {"acme/web", h.design}} {
		gh.AddRepo(r.repo, githubemu.RepoOptions{})
		gh.OpenIssue(r.repo, "octocat", "Dark mode", "", "priobot")
		h.slash(h.ann, r.channel, "/backlog", "github connect "+r.repo)
		h.message(r.channel, fmt.Sprintf("#%d Dark mode", i+1), "Imported from "+r.repo+"#1")
	}
	for _, repo := range []string{"acme/app", "acme/web"} {
		if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue(repo, 1); return len(is.Comments) == 1 }); err != nil {
			t.Fatalf("priobot never commented on %s#1", repo)
		}
	}
	st, err := store.Open(t.Context(), h.redis.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Each status write fails once, so a sweep retries it (its drain
	// after the change is over: the outbox is not due now): #product's
	// first, and that one hangs.
	failOnce := func(user, channel, command, repo string) {
		t.Helper()
		gh.FailWrites(http.StatusBadGateway)
		h.slash(user, channel, "/backlog", command)
		if err := gh.Wait(soon(t), func() bool {
			return len(h.githubCalls(func(c githubemu.Call) bool {
				return c.Status == http.StatusBadGateway && strings.Contains(c.Path, repo)
			})) == 1
		}); err != nil {
			t.Fatalf("the write to %s was not tried", repo)
		}
		for ctx := soon(t); ; {
			due, err := st.DueOutboxes(ctx, h.clock.Now())
			if err != nil {
				t.Fatalf("%s's outbox stayed due: %v", channel, err)
			}
			if !slices.Contains(due, outbox.Backlog{Team: slackemu.DefaultTeam, Channel: channel}) {
				break
			}
		}
	}
	failOnce(h.ann, h.product, "status #1 shipped", "acme/app")
	h.clock.Advance(time.Second)
	gh.Hold("acme/app")
	t.Cleanup(gh.Release)
	failOnce(h.ann, h.design, "status #2 shipped", "acme/web")
	h.clock.Advance(time.Minute)
	if err := gh.Wait(soon(t), func() bool { is, _ := gh.Issue("acme/web", 1); return is.State == "closed" }); err != nil {
		t.Fatal("acme/web#1 waited on acme/app's hanging write")
	}
}

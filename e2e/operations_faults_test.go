package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/internal/testlog"
	"github.com/priobot/priobot/slackemu"
)

// Redis goes away during a poker session and comes back (with AOF): what
// people did meanwhile gets a clear answer, the bot recovers by itself, and
// nothing Redis had acknowledged is lost.
func TestRedisOutageDuringASession(t *testing.T) {
	h := newHarnessWith(t, slackemu.Options{}, redistest.AOF())
	p := &pokerTable{harness: h, carl: h.emu.AddUser("carl", slackemu.UserOptions{}), dan: h.emu.AddUser("dan", slackemu.UserOptions{})}
	p.idea(p.ann, p.product, "Dark mode")
	session := p.begin(fmt.Sprintf("#1 with %s %s", mention(p.bob, "bob"), mention(p.carl, "carl")))
	card := p.card(session, 1, "Waiting for: bob, carl")
	p.vote(p.bob, card, "Value", "8")
	p.vote(p.bob, card, "Effort", "3")

	p.redis.Stop()
	p.slash(p.ann, p.product, "/idea", "Lost in the outage?")
	p.ephemeral(p.ann, p.product, "priobot can't reach its database, so nothing was saved. Please try again in a moment.")
	if err := p.emu.ClickRow(t.Context(), p.carl, card, "Value", "5"); err != nil {
		t.Fatal(err)
	}
	p.ephemeral(p.carl, p.product, "can't reach its database")

	p.redis.Restart(t)
	p.waitReady()
	p.vote(p.carl, card, "Value", "5")
	p.vote(p.carl, card, "Effort", "2")
	p.card(session, 1, "Value: bob 8 · carl 5", "Effort: bob 3 · carl 2") // bob's votes survived
	p.slash(p.ann, p.product, "/idea", "After the outage")
	p.message(p.product, "#2 After the outage") // numbering went on where it was
}

// A 429 on views.publish delays the home tab; it is not lost.
func TestHomeTabWaitsOutRateLimits(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.emu.RateLimit("views.publish", 1, time.Second)
	if err := h.emu.OpenHome(t.Context(), h.ann); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.Wait(t.Context(), func() bool { v, ok := h.emu.Home(h.ann); return ok && strings.Contains(v.Text, "#1 Dark mode") }); err != nil {
		t.Fatal("the home tab never came after a 429")
	}
	if n := h.emu.TooEarly(); n != 0 {
		t.Errorf("%d calls ignored Retry-After", n)
	}
}

// Every envelope arrives twice: each action still has one effect.
func TestDuplicateDeliveriesHaveOneEffect(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.emu.Duplicate(true)
	card := h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, "Backlog of #product: 1 awaiting scoring") // one idea, not two
	h.click(h.bob, card, "Me too")
	h.ephemeral(h.bob, h.product, "You support #1 now (1 supporter)")
	h.slash(h.bob, h.product, "/backlog", "#1")
	h.ephemeral(h.bob, h.product, "#1 Dark mode is 1st of 1") // still supported: the toggle ran once
	h.message(h.product, "#1 Dark mode", "1 supporter")       // the card, redrawn from the latest state
	if n := len(h.emu.Messages(h.product)); n != 1 {
		t.Errorf("%d messages in the channel, want the one idea card", n)
	}
}

// The socket drops again and again during a burst of votes: envelopes the
// bot had not acked are delivered again, and every vote counts once.
func TestSocketDropsDuringAVoteBurst(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1")
	card := p.card(session, 1, "Nobody has voted yet")
	voters := p.crowd(30)
	var wg sync.WaitGroup
	var clicks atomic.Int32
	for _, v := range voters {
		wg.Go(func() {
			for _, row := range []string{"Value", "Effort"} {
				if err := p.emu.ClickRow(t.Context(), v, card, row, "5"); err != nil {
					t.Error(err)
				}
				if clicks.Add(1)%20 == 0 { // every 20th click, the network fails
					p.emu.DropConnections()
				}
			}
		})
	}
	wg.Wait()
	if got := p.emu.Timeouts(); len(got) != 0 {
		t.Errorf("%d clicks were lost to dropped sockets", len(got))
	}
	p.click(p.ann, card, "Reveal")
	revealed := p.card(session, 1, "→ median 5")
	vote := regexp.MustCompile(`v\d\d 5`)
	for _, line := range strings.Split(revealed.Text, "\n") {
		if (strings.HasPrefix(line, "Value:") || strings.HasPrefix(line, "Effort:")) && len(vote.FindAllString(line, -1)) != len(voters) {
			t.Errorf("%d votes, want %d:\n%s", len(vote.FindAllString(line, -1)), len(voters), line)
		}
	}
	t.Logf("%d envelopes redelivered after a dropped socket", p.emu.Redelivered())
}

// process runs the product binary as its own process, and the in-process
// bot steps aside. It returns the process,
// its output, and a channel that says how it exited.
func (h *harness) process() (*exec.Cmd, *testlog.Buffer, <-chan error) {
	h.t.Helper()
	proc := exec.Command(binary(h.t))
	proc.Env = os.Environ()
	proc.Env = append(proc.Env, configEnv(h.config(freeAddr(h.t)))...)
	out := &testlog.Buffer{}
	proc.Stdout, proc.Stderr = out, out
	if err := proc.Start(); err != nil {
		h.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- proc.Wait() }()
	h.t.Cleanup(func() { _ = proc.Process.Kill() })
	if err := h.emu.WaitConnections(h.t.Context(), 2*sockets); err != nil {
		h.t.Fatalf("the process did not connect: %v\n%s", err, out.String())
	}
	h.replicas.Add(1)
	h.shutdown()
	return proc, out, exited
}

// SIGTERM reaches the real priobot process in the middle of a burst of
// votes: the handlers it took finish and it exits 0; what it had not taken
// goes to the next bot. Every acked vote is counted and confirmed once.
func TestSIGTERMDuringAVoteBurst(t *testing.T) {
	p := newPokerTable(t, "Dark mode")
	session := p.begin("#1")
	card := p.card(session, 1, "Nobody has voted yet")
	voters := p.crowd(60)

	proc, out, exited := p.process()

	var (
		mu      sync.Mutex
		acked   = map[string]int{} // voter -> clicks acked
		lost    int
		clicks  atomic.Int32
		sigterm = make(chan struct{})
	)
	var wg sync.WaitGroup
	for i, v := range voters {
		wg.Go(func() {
			for _, row := range []string{"Value", "Effort"} {
				err := p.emu.ClickRow(t.Context(), v, card, row, []string{"3", "5", "8"}[i%3])
				mu.Lock()
				if err != nil {
					lost++
				} else {
					acked[v]++
				}
				mu.Unlock()
				if clicks.Add(1) == 40 {
					_ = proc.Process.Signal(syscall.SIGTERM)
					close(sigterm)
				}
			}
		})
	}
	<-sigterm
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("priobot exited with %v after SIGTERM, want 0\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("priobot did not exit within 10 s of SIGTERM\n%s", out.String())
	}
	p.replicas.Add(-1)
	p.start() // the next bot takes what the old process left unacked
	wg.Wait()

	if lost != 0 {
		t.Errorf("%d of %d clicks got no ack", lost, 2*len(voters))
	}
	for _, v := range voters {
		got := 0
		if err := p.emu.Wait(t.Context(), func() bool {
			got = 0
			for _, m := range p.emu.Ephemerals(v, p.product) {
				if strings.HasPrefix(m.Text, "You voted") {
					got++
				}
			}
			return got >= acked[v]
		}); err != nil || got != acked[v] {
			t.Errorf("%s: %d votes confirmed, %d acked", v, got, acked[v])
		}
	}
	p.click(p.ann, card, "Reveal")
	revealed := p.card(session, 1, "→ median")
	for _, line := range strings.Split(revealed.Text, "\n") {
		if (strings.HasPrefix(line, "Value:") || strings.HasPrefix(line, "Effort:")) &&
			!(strings.Contains(line, "3 ×20") && strings.Contains(line, "5 ×20") && strings.Contains(line, "8 ×20")) {
			t.Errorf("want each of 3, 5 and 8 voted by 20 people:\n%s", line)
		}
	}
	if logs := out.String(); strings.Contains(logs, "handler failed") || strings.Contains(logs, "panicked") {
		t.Errorf("the process failed a handler while stopping:\n%s", logs)
	}
	t.Logf("%d envelopes went to the next bot after SIGTERM", p.emu.Redelivered())
}

// SIGTERM comes while a status change's DMs wait out a Slack rate limit:
// they still go out before the bot stops.
func TestShutdownLetsPendingDMsGoOut(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	carl := h.emu.AddUser("carl", slackemu.UserOptions{})
	card := h.idea(h.ann, h.product, "Dark mode")
	h.support(carl, card)
	h.emu.RateLimit("chat.postMessage", 1, time.Second)
	h.slash(h.bob, h.product, "/backlog", "status #1 planned")
	h.ephemeral(h.bob, h.product, "I'm letting 2 people know by direct message.")
	h.shutdown()
	for _, u := range []string{h.ann, carl} {
		if n := len(h.emu.DMs(u)); n != 1 {
			t.Errorf("%s got %d direct messages before the bot stopped, want 1", u, n)
		}
	}
}

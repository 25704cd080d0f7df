package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
)

// pokerLoad is a poker card with voters ready to click, for benchmarks.
type pokerLoad struct {
	*pokerTable
	card   slackemu.Message
	people []string
}

func newPokerLoad(b *testing.B, voters int) *pokerLoad {
	p := newPokerTable(b, "Dark mode")
	session := p.begin("#1")
	return &pokerLoad{pokerTable: p, card: p.card(session, 1, "Nobody has voted yet"), people: p.crowd(voters)}
}

var scale = []string{"1", "2", "3", "5", "8", "13"}

// click votes as voter i in round r.
func (l *pokerLoad) click(b *testing.B, i, r int) {
	if err := l.emu.ClickRow(b.Context(), l.people[i], l.card, "Value", scale[(i+r)%len(scale)]); err != nil {
		b.Error(err)
	}
}

// mark is where the emulator's ack and reply records stood.
type mark struct{ acks, replies int }

func (l *pokerLoad) mark() mark {
	return mark{len(l.emu.AckLatencies()), l.emu.Replies()}
}

// confirmed waits until the votes since m have all been confirmed to their
// voters: the bot acks first and works after, so an ack is not a vote done.
func (l *pokerLoad) confirmed(b *testing.B, m mark, votes int) {
	if err := l.emu.Wait(b.Context(), func() bool { return l.emu.Replies()-m.replies >= votes }); err != nil {
		b.Fatalf("%d of %d votes confirmed", l.emu.Replies()-m.replies, votes)
	}
}

// report adds the latencies since m, p50, p99 and max: of acks, and from
// click to the voter's confirmation.
func (l *pokerLoad) report(b *testing.B, m mark) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, set := range []struct {
		name string
		lat  []time.Duration
	}{{"ack", l.emu.AckLatencies()[m.acks:]}, {"confirm", l.emu.ReplyLatencies()[m.replies:]}} {
		slices.Sort(set.lat)
		b.ReportMetric(ms(set.lat[len(set.lat)/2]), set.name+"-p50-ms")
		b.ReportMetric(ms(set.lat[len(set.lat)*99/100]), set.name+"-p99-ms")
		b.ReportMetric(ms(set.lat[len(set.lat)-1]), set.name+"-max-ms")
	}
	if got := l.emu.Timeouts(); len(got) != 0 {
		b.Errorf("%d clicks not acked within 3 s", len(got))
	}
}

// BenchmarkPokerVoters500: 500 voters each vote once within a second (an
// open-loop load of 500 clicks/s), through the emulator's Socket Mode into
// the bot and real Redis. Ack latency is measured by the emulator, from
// sending the envelope to receiving its ack.
func BenchmarkPokerVoters500(b *testing.B) {
	const voters = 500
	l := newPokerLoad(b, voters)
	from := l.mark()
	round := 0
	for b.Loop() {
		m := l.mark()
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / voters)
		for i := range voters {
			<-tick.C
			wg.Go(func() { l.click(b, i, round) })
		}
		tick.Stop()
		wg.Wait()
		l.confirmed(b, m, voters)
		round++
	}
	l.report(b, from)
}

// BenchmarkPokerThroughput: rounds of 500 voters clicking at once (closed
// loop): the most votes per second the bot confirms to their voters.
func BenchmarkPokerThroughput(b *testing.B) {
	const voters = 500
	l := newPokerLoad(b, voters)
	from := l.mark()
	start := time.Now()
	round := 0
	for b.Loop() {
		m := l.mark()
		var wg sync.WaitGroup
		for i := range voters {
			wg.Go(func() { l.click(b, i, round) })
		}
		wg.Wait()
		l.confirmed(b, m, voters)
		round++
	}
	b.ReportMetric(float64(voters*b.N)/time.Since(start).Seconds(), "votes/s")
	l.report(b, from)
}

// BenchmarkDecodeClick: what slack-go's Socket Mode client spends decoding
// one click on a poker card (it decodes the whole message the click carries,
// block by block), on the goroutine that reads the socket: the largest part
// of the bot's CPU per vote.
func BenchmarkDecodeClick(b *testing.B) {
	l := newPokerLoad(b, 1)
	payload, err := l.emu.ClickPayload(l.people[0], l.card, "Value", "8")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		var cb slack.InteractionCallback
		if err := json.Unmarshal(payload, &cb); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutboxDrain: an idea with 200 supporters changes status, back
// and forth; each change's 201 DMs are delivered from the backlog's outbox
// through the emulator, one after another. Reports DMs per second.
func BenchmarkOutboxDrain(b *testing.B) {
	const crowd = 200
	p := newPokerTable(b)
	p.supported(crowd)
	dms := func() int {
		n := 0
		for _, c := range p.emu.Calls("chat.postMessage") {
			if strings.HasPrefix(c.Params["channel"], "D") {
				n++
			}
		}
		return n
	}
	before, start := dms(), time.Now()
	statuses := []string{"planned", "in-progress"}
	i := 0
	for b.Loop() {
		want := dms() + crowd + 1
		p.slash(p.bob, p.product, "/backlog", "status #1 "+statuses[i%2])
		if err := p.emu.Wait(b.Context(), func() bool { return dms() >= want }); err != nil {
			b.Fatalf("%d of %d DMs delivered", dms()-want+crowd+1, crowd+1)
		}
		i++
	}
	b.ReportMetric(float64(dms()-before)/time.Since(start).Seconds(), "DMs/s")
}

// BenchmarkWebhookDrain: 20 ideas get 10 supporters each, 200 changes
// written straight into the store (so only the delivery is timed); the
// bot delivers their 200 idea.updated events, signed, to a receiver on
// loopback over HTTPS: each idea's in order, the ideas side by side.
// Reports webhooks per second.
func BenchmarkWebhookDrain(b *testing.B) {
	const ideas, crowd = 20, 10
	h := newHarness(b, slackemu.Options{})
	rcv := newReceiver(b)
	h.addWebhook(h.ann, h.product, rcv.url())
	for i := range ideas {
		h.idea(h.ann, h.product, fmt.Sprintf("Idea %d", i+1))
	}
	rcv.wait("every idea.created", func(r []hookRequest) bool { return len(r) == ideas })
	st, err := store.Open(b.Context(), h.redis.URL(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	var took time.Duration
	round := 0
	for b.Loop() {
		b.StopTimer()
		for n := range ideas {
			for u := range crowd {
				user := prio.Actor{ID: fmt.Sprintf("U%d", 1000+u), Name: "someone"}
				if _, _, err := st.ToggleSupport(b.Context(), slackemu.DefaultTeam, h.product, int64(n+1), user, h.clock.Now()); err != nil {
					b.Fatal(err)
				}
			}
		}
		want := ideas + (round+1)*ideas*crowd
		b.StartTimer()
		start := time.Now()
		if err := st.NoteOutbox(b.Context(), outbox.Backlog{Team: slackemu.DefaultTeam, Channel: h.product}, h.clock.Now()); err != nil {
			b.Fatal(err)
		}
		rcv.wait("every event", func(r []hookRequest) bool { return len(r) >= want })
		took += time.Since(start)
		round++
	}
	b.ReportMetric(float64(round*ideas*crowd)/took.Seconds(), "webhooks/s")
}

// BenchmarkReminderCrowd: a session names 500 voters, none has voted, and
// its reminder falls due (for voters in a zone where it is working time):
// 500 DMs go out of the backlog's outbox, paced, with three 429s
// injected; none is lost, none goes twice, none inside a Retry-After.
// Reports how long from the reminder falling due to the last DM.
func BenchmarkReminderCrowd(b *testing.B) {
	const crowd = 500
	p := newPokerTable(b, "Dark mode")
	voters := p.crowd(crowd)
	st, err := store.Open(b.Context(), p.redis.URL(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	reminded := func() int {
		n := 0
		for _, u := range voters {
			n += p.told(u, "a reminder from priority poker")
		}
		return n
	}
	var took time.Duration
	round := 0
	for b.Loop() {
		b.StopTimer()
		before := reminded()
		// Started now with 8 hours to vote: three quarters in is 6 hours
		// on, a working hour in the voters' zone (the emulator's default).
		berlin, _ := time.LoadLocation("Europe/Berlin")
		now := p.clock.Now().In(berlin)
		nine := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, berlin)
		p.clock.Advance(nine.Sub(now))
		ps := poker.Session{Team: slackemu.DefaultTeam, Channel: p.product, Facilitator: p.ann, FacName: "ann", Voters: voters,
			VoterNames: voters, Deadline: p.clock.Now().Add(8 * time.Hour), Created: p.clock.Now(), Ideas: []int64{1},
			State: poker.SessionOpen, Framework: prio.DefaultFramework.Name}
		if _, _, _, err := st.StartSession(b.Context(), ps); err != nil {
			b.Fatal(err)
		}
		// The invitations go first, untimed.
		invited := func() int {
			n := 0
			for _, u := range voters {
				n += p.told(u, "asks you to vote in priority poker")
			}
			return n
		}
		if err := st.NoteOutbox(b.Context(), outbox.Backlog{Team: slackemu.DefaultTeam, Channel: p.product}, p.clock.Now()); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(b.Context(), 2*time.Minute)
		if err := p.emu.Wait(ctx, func() bool { return invited() >= crowd*(round+1) }); err != nil {
			b.Fatalf("%d invitations", invited())
		}
		cancel()
		p.emu.RateLimit("chat.postMessage", 3, time.Second)
		b.StartTimer()
		p.clock.Advance(6*time.Hour + time.Second)
		start := time.Now()
		ctx, cancel = context.WithTimeout(b.Context(), 2*time.Minute)
		if err := p.emu.Wait(ctx, func() bool { return reminded()-before >= crowd }); err != nil {
			b.Fatalf("%d of %d reminders", reminded()-before, crowd)
		}
		cancel()
		took += time.Since(start)
		b.StopTimer()
		p.clock.Advance(3 * time.Hour) // past the deadline before the next
		round++
		b.StartTimer()
	}
	for _, u := range voters {
		if n := p.told(u, "a reminder from priority poker"); n != b.N {
			b.Errorf("a voter got %d reminders in %d sessions", n, b.N)
			break
		}
	}
	if n := p.emu.TooEarly(); n != 0 {
		b.Errorf("%d calls inside a Retry-After", n)
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "s/500-reminders")
}

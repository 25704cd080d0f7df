package main

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
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

// report adds the emulator's ack latencies since from: p50, p99 and max.
func (l *pokerLoad) report(b *testing.B, from int) {
	lat := l.emu.AckLatencies()[from:]
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "ack-p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "ack-p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "ack-max-ms")
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
	from := len(l.emu.AckLatencies())
	round := 0
	for b.Loop() {
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / voters)
		for i := range voters {
			<-tick.C
			wg.Go(func() { l.click(b, i, round) })
		}
		tick.Stop()
		wg.Wait()
		round++
	}
	l.report(b, from)
}

// BenchmarkPokerThroughput: 500 voters click at once, each again as soon as
// its click is acked (closed loop): the most votes per second the bot takes.
func BenchmarkPokerThroughput(b *testing.B) {
	const voters = 500
	l := newPokerLoad(b, voters)
	from := len(l.emu.AckLatencies())
	start := time.Now()
	round := 0
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range voters {
			wg.Go(func() { l.click(b, i, round) })
		}
		wg.Wait()
		round++
	}
	b.ReportMetric(float64(voters*b.N)/time.Since(start).Seconds(), "votes/s")
	l.report(b, from)
}

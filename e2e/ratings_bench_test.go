package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
)

// BenchmarkRatings500: #customers' 500 members are asked to rate 3 ideas;
// each rates all three within 3 s (1,500 clicks at 500 a second, an open
// loop through Socket Mode into the bot and real Redis); then the owner
// closes. Nothing may be lost: the results count 500 ratings per idea.
// Reported: how long asking took (every DM delivered), ack and
// confirmation latencies, and how often the progress message was redrawn.
func BenchmarkRatings500(b *testing.B) {
	const raters, ideas = 500, 3
	h := newHarness(b, slackemu.Options{})
	p := &pokerTable{harness: h}
	people := p.crowd(raters)
	customers := h.emu.AddChannel("customers", slackemu.ChannelOptions{Members: people})
	for _, title := range []string{"Dark mode", "SSO with Okta", "Export to CSV"} {
		h.idea(h.ann, h.product, title)
	}
	round := 0
	from := (&pokerLoad{pokerTable: p}).mark()
	var asking time.Duration
	for b.Loop() {
		round++
		began := time.Now()
		h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("ratings #1 #2 #3 from <#%s|customers> for 1d", customers))
		progress := h.message(h.product, "Priority Ratings", "0 of 500 have rated.")
		dms := make([]slackemu.Message, raters)
		if err := h.emu.Wait(b.Context(), func() bool {
			for i, u := range people {
				got := h.emu.DMs(u)
				if len(got) < round {
					return false
				}
				dms[i] = got[round-1]
			}
			return true
		}); err != nil {
			b.Fatal("not every rater was asked")
		}
		asking += time.Since(began)

		m := (&pokerLoad{pokerTable: p}).mark()
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / raters)
		for n := 1; n <= ideas; n++ {
			for i := range raters {
				<-tick.C
				wg.Go(func() {
					if err := h.emu.ClickRow(b.Context(), people[i], dms[i], fmt.Sprintf("#%d", n), fmt.Sprint(1+(i+n)%5)); err != nil {
						b.Error(err)
					}
				})
			}
		}
		tick.Stop()
		wg.Wait()
		if err := h.emu.Wait(b.Context(), func() bool { return h.emu.Replies()-m.replies >= raters*ideas }); err != nil {
			b.Fatalf("%d of %d ratings confirmed", h.emu.Replies()-m.replies, raters*ideas)
		}
		h.message(h.product, "500 of 500 have rated.")
		b.ReportMetric(float64(h.updates(progress)), "progress-redraws")
		h.click(h.ann, progress, "Close")
		results := h.waitMessage(func() []slackemu.Message { return h.emu.Thread(h.product, progress.TS) }, []string{"Results of Priority Ratings"})
		if got := strings.Count(results.Text, "from 500 ratings"); got != ideas || !results.Contains("500 of 500 people asked rated") {
			b.Fatalf("ratings were lost:\n%s", results.Text)
		}
	}
	b.ReportMetric(asking.Seconds()/float64(round), "ask-all-s")
	(&pokerLoad{pokerTable: p}).report(b, from)
}

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
	"github.com/priobot/priobot/weekly"
)

// tomorrow returns tomorrow's weekday name and the UTC time of hh:mm then, by the bot's clock.
func (h *harness) tomorrow(hh, mm int) (string, time.Time) {
	t := h.clock.Now().UTC().Add(24 * time.Hour)
	return strings.ToLower(t.Weekday().String()), time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, time.UTC)
}

// waitNextRun asks `/backlog schedule` until it names next (a UTC
// schedule) as the next run: each question waits for the bot's answer.
func (h *harness) waitNextRun(channel string, next time.Time) {
	h.t.Helper()
	want := "Next: " + next.UTC().Format("Monday 2 January 15:04 MST")
	for range 200 {
		before := len(h.emu.Ephemerals(h.ann, channel))
		h.slash(h.ann, channel, "/backlog", "schedule")
		if err := h.emu.Wait(h.t.Context(), func() bool { return len(h.emu.Ephemerals(h.ann, channel)) > before }); err != nil {
			h.t.Fatal("no answer to /backlog schedule")
		}
		if list := h.emu.Ephemerals(h.ann, channel); list[len(list)-1].Contains(want) {
			return
		}
	}
	h.t.Fatalf("the schedule never showed %q", want)
}

// advanceTo moves the bot's clock to at.
func (h *harness) advanceTo(at time.Time) { h.clock.Advance(at.Sub(h.clock.Now())) }

func TestScheduleShowOff(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/backlog", "schedule")
	h.ephemeral(h.ann, h.product, "This channel has no weekly summary")
	for args, answer := range map[string]string{
		"funday 09:00":                 `“funday” is not a weekday`,
		"monday 25:00":                 `“25:00” is not a time of day`,
		"monday 09:00 Europe/Atlantis": `“Europe/Atlantis” is not a time zone`,
		"monday":                       "Schedule the weekly summary like",
	} {
		h.slash(h.ann, h.product, "/backlog", "schedule "+args)
		h.ephemeral(h.ann, h.product, answer)
	}
	h.slash(h.ann, h.product, "/backlog", "schedule monday 09:00") // ann's own zone: Europe/Berlin
	h.message(h.product, "ann scheduled this channel's weekly backlog summary every Monday at 09:00 (Europe/Berlin). First one: Monday")
	h.slash(h.bob, h.product, "/backlog", "schedule")
	h.ephemeral(h.bob, h.product, "comes every Monday at 09:00 (Europe/Berlin). Next: Monday")
	h.slash(h.ann, h.product, "/backlog", "owners add <@"+h.ann+">")
	h.slash(h.bob, h.product, "/backlog", "schedule off")
	h.ephemeral(h.bob, h.product, "Only this backlog's owners")
	h.slash(h.ann, h.product, "/backlog", "schedule off")
	h.message(h.product, "ann turned off this channel's weekly backlog summary.")
	h.slash(h.bob, h.product, "/backlog", "schedule")
	h.ephemeral(h.bob, h.product, "This channel has no weekly summary")
}

// summaries are the weekly summaries posted in a channel.
func (h *harness) summaries(channel string) []slackemu.Message {
	var out []slackemu.Message
	for _, m := range h.emu.Messages(channel) {
		if m.Contains("Weekly backlog summary") {
			out = append(out, m)
		}
	}
	return out
}

func TestWeeklySummaryIsPostedOnceOnTime(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for _, title := range []string{"Dark mode", "Export", "Search", "Tags"} {
		h.idea(h.ann, h.product, title)
	}
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=2")
	h.slash(h.ann, h.product, "/backlog", "score #2 value=13 effort=2")
	h.slash(h.ann, h.product, "/backlog", "decline #3 <not> now & never")
	day, due := h.tomorrow(10, 0)
	h.slash(h.ann, h.product, "/backlog", "schedule "+day+" 10:00 UTC")
	h.message(h.product, "ann scheduled")
	h.startReplica() // two more bots race for the same summary
	h.startReplica()
	h.advanceTo(due.Add(time.Minute))
	summary := h.message(h.product, "Weekly backlog summary", "Top of the backlog", "1. #2 Export — score 6.5\n", "2. #1 Dark mode — score 4\n",
		"New this week", "#4 Tags — by ann", "Scored this week", "Status changes", "#3 Search — declined: “<not> now & never”",
		"Oldest awaiting scoring", "#4 Tags — waiting since", "[Start poker on these]")
	if len(summary.Mentions) != 0 {
		t.Errorf("the summary pings %v", summary.Mentions)
	}
	matrix := h.waitMessage(func() []slackemu.Message { return h.emu.Thread(h.product, summary.TS) }, []string{"Priority matrix of #product"})
	files := h.emu.Files(h.product)
	if len(matrix.Files) != 1 || len(files) != 1 {
		t.Fatalf("matrix message %+v, files %d", matrix, len(files))
	}
	img, err := png.Decode(bytes.NewReader(files[0].Content))
	if err != nil || img.Bounds().Dx() < 300 {
		t.Errorf("the matrix is not a valid PNG picture: %v", err)
	}
	// Once the week is done and rescheduled, both schedulers have had their go: still one summary.
	h.waitNextRun(h.product, due.Add(7*24*time.Hour))
	if n := len(h.summaries(h.product)); n != 1 {
		t.Errorf("%d summaries for one week from three replicas", n)
	}

	h.click(h.bob, summary, "Start poker on these")
	h.form(h.bob)
	h.submit(h.bob, nil) // the form opens with the summary's ideas ticked
	h.message(h.product, "Priority poker run by bob on 1 idea", "#4 Tags")
}

// The first weekly summary has nothing to compare with, so no movement
// markers; the next says how the top moved, and "new" for an idea that
// was not ranked a week before.
func TestSummaryMovementMarkers(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for _, title := range []string{"Dark mode", "Export", "Search"} {
		h.idea(h.ann, h.product, title)
	}
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=2")
	h.slash(h.ann, h.product, "/backlog", "score #2 value=13 effort=2")
	day, due := h.tomorrow(10, 0)
	h.slash(h.ann, h.product, "/backlog", "schedule "+day+" 10:00 UTC")
	h.message(h.product, "ann scheduled")
	h.advanceTo(due.Add(time.Minute))
	first := h.message(h.product, "Weekly backlog summary", "1. #2 Export — score 6.5\n2. #1 Dark mode — score 4\n")
	for _, marker := range []string{"new", "▲", "▼", "="} {
		if top, _, _ := strings.Cut(first.Text, "New this week"); strings.Contains(top, marker) {
			t.Errorf("the first summary's top shows a movement marker %q:\n%s", marker, top)
		}
	}
	h.waitNextRun(h.product, due.Add(7*24*time.Hour))
	h.slash(h.ann, h.product, "/backlog", "score #3 value=13 effort=1")
	h.advanceTo(due.Add(7*24*time.Hour + time.Minute))
	if err := h.emu.Wait(t.Context(), func() bool { return len(h.summaries(h.product)) == 2 }); err != nil {
		t.Fatal("no second weekly summary")
	}
	h.message(h.product, "Weekly backlog summary", "1. #3 Search — score 13 new", "2. #2 Export — score 6.5 ▼1", "3. #1 Dark mode — score 4 ▼1")
}

// scheduleTomorrowAt0030 puts an idea in #product and schedules its
// weekly summary for tomorrow 00:30 UTC, which it returns.
func (h *harness) scheduleTomorrowAt0030() time.Time {
	h.t.Helper()
	h.idea(h.ann, h.product, "Dark mode")
	day, due := h.tomorrow(0, 30)
	h.slash(h.ann, h.product, "/backlog", "schedule "+day+" 00:30 UTC")
	h.message(h.product, "ann scheduled")
	return due
}

func TestMissedSummaryIsPostedLateTheSameDayOrSkipped(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	due := h.scheduleTomorrowAt0030()
	// The bot is down at the time and back at 23:00 the same day.
	h.shutdown()
	h.advanceTo(due.Add(22*time.Hour + 30*time.Minute))
	h.start()
	h.message(h.product, "Weekly backlog summary (late)")

	// Next week it is down all day: that week is skipped, and the next says so.
	h.shutdown()
	h.clock.Advance(7*24*time.Hour + 2*time.Hour)
	h.start()
	h.waitNextRun(h.product, due.Add(14*24*time.Hour)) // the missed week was handled
	h.advanceTo(due.Add(14*24*time.Hour + time.Minute))
	h.message(h.product, "Weekly backlog summary", "was skipped: priobot was not running on its day")
	if n := len(h.summaries(h.product)); n != 2 {
		t.Errorf("%d summaries over three weeks with one skipped, want 2", n)
	}
}

func TestThousandChannelsDueTogether(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	const channels = 1000
	ids := make([]string, channels)
	day, due := h.tomorrow(9, 0)
	for i := range ids {
		ids[i] = h.emu.AddChannel(fmt.Sprintf("team-%04d", i), slackemu.ChannelOptions{})
		if err := h.emu.SlashCommand(t.Context(), h.ann, ids[i], "/backlog", "schedule "+day+" 09:00 UTC"); err != nil {
			t.Fatal(err)
		}
	}
	h.message(ids[channels-1], "ann scheduled")
	h.emu.RateLimit("chat.postMessage", 3, time.Second)
	h.advanceTo(due.Add(time.Minute))
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	err := h.emu.Wait(ctx, func() bool {
		n := 0
		for _, c := range h.emu.Calls("chat.postMessage") {
			if c.Status == 200 && c.Error == "" && strings.Contains(c.Params["text"], "Weekly backlog summary") {
				n++
			}
		}
		return n >= channels
	})
	if err != nil {
		t.Fatalf("not every channel got its summary: %v", err)
	}
	for _, id := range []string{ids[0], ids[channels/2], ids[channels-1]} {
		if n := len(h.summaries(id)); n != 1 {
			t.Errorf("channel %s got %d summaries", id, n)
		}
	}
	if n := h.emu.TooEarly(); n != 0 {
		t.Errorf("%d posts ignored Retry-After", n)
	}
}

// A replica posted a week's summary, marked it done and died before
// rescheduling: the next bot moves on to the following week, posted late
// that day, instead of silently jumping past it.
func TestSummaryDoneButNotRescheduled(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	due := h.scheduleTomorrowAt0030()
	h.shutdown()

	st, err := store.Open(t.Context(), h.redis.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, _, err := st.Schedule(t.Context(), slackemu.DefaultTeam, h.product)
	if err != nil {
		t.Fatal(err)
	}
	s, err := weekly.FromString(stored)
	if err != nil {
		t.Fatal(err)
	}
	week := s.Week(due)
	if claim, err := st.ClaimSummary(t.Context(), slackemu.DefaultTeam, h.product, week, due); err != nil || claim != weekly.ClaimMine {
		t.Fatalf("claim %v, %v", claim, err)
	}
	if err := st.SummaryPosted(t.Context(), slackemu.DefaultTeam, h.product, week, true, nil, due); err != nil {
		t.Fatal(err)
	}

	h.advanceTo(due.Add(7*24*time.Hour + 2*time.Hour)) // the following week's day, 02:30
	h.start()
	h.message(h.product, "Weekly backlog summary (late)")
	if n := len(h.summaries(h.product)); n != 1 {
		t.Errorf("%d summaries, want the following week's only", n)
	}
}

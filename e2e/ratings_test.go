package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/webhook"
)

// ratingsDesk is #product with three ideas, ann its owner, and stakeholders
// to ask: bob by name, carl and dan in @sales-team (with a bot), dan and
// eve in #support (with a bot and priobot itself).
type ratingsDesk struct {
	*harness
	carl, dan, eve, zap string
	sales, helpdesk     string
	ideas               []slackemu.Message
}

func newRatingsDesk(t *testing.T) *ratingsDesk {
	h := newHarness(t, slackemu.Options{})
	d := &ratingsDesk{harness: h}
	d.carl = h.emu.AddUser("carl", slackemu.UserOptions{})
	d.dan = h.emu.AddUser("dan", slackemu.UserOptions{TZ: "America/New_York"})
	d.eve = h.emu.AddUser("eve", slackemu.UserOptions{})
	d.zap = h.emu.AddUser("zapier", slackemu.UserOptions{Bot: true})
	d.sales = h.emu.AddUserGroup("sales-team", []string{d.carl, d.dan, d.zap})
	d.helpdesk = h.emu.AddChannel("support", slackemu.ChannelOptions{Members: []string{d.dan, d.eve, d.zap}})
	h.slash(h.ann, h.product, "/backlog", "owners add "+mention(h.ann, "ann"))
	h.ephemeral(h.ann, h.product, "This backlog's owners are now @ann.")
	for _, title := range []string{"Dark mode", "SSO with Okta", "Export to CSV"} {
		d.ideas = append(d.ideas, h.idea(h.ann, h.product, title))
	}
	return d
}

// from names everyone the desk asks: bob, @sales-team and #support.
func (d *ratingsDesk) from() string {
	return fmt.Sprintf("from %s <!subteam^%s|@sales-team> <#%s|support>", mention(d.bob, "bob"), d.sales, d.helpdesk)
}

// rate presses rating label under idea row ("#1") in user's ratings DM and
// waits for the DM to show it.
func (d *ratingsDesk) rate(user, row, label string) slackemu.Message {
	d.t.Helper()
	m := d.dm(user, "to rate")
	before := m.Edits
	if err := d.emu.ClickRow(d.t.Context(), user, m, row, label); err != nil {
		d.t.Fatalf("%s rates %s %s: %v", user, row, label, err)
	}
	var now slackemu.Message
	if err := d.emu.Wait(d.t.Context(), func() bool {
		for _, x := range d.emu.DMs(user) {
			if x.TS == m.TS && x.Edits > before {
				now = x
				return true
			}
		}
		return false
	}); err != nil {
		var calls []string
		for _, c := range d.emu.Calls("response_url") {
			calls = append(calls, c.Error+" "+c.Params["body"])
		}
		d.t.Fatalf("%s's ratings DM was not redrawn after %s %s\n%s\n%s", user, row, label, strings.Join(calls, "\n"), d.logs)
	}
	return now
}

// Stakeholders rate by DM, anonymously; the channel sees how many have
// rated, owners nudge and close; the results rank the ideas by mean with
// their distributions, and no surface says who gave which rating.
func TestStakeholdersRateIdeas(t *testing.T) {
	d := newRatingsDesk(t)
	d.slash(d.bob, d.product, "/backlog", "ratings #1 #2 #3 "+d.from())
	d.ephemeral(d.bob, d.product, "Only this backlog's owners (and workspace admins) can ask stakeholders for ratings.")

	d.slash(d.ann, d.product, "/backlog", "ratings #1 #2 #3 "+d.from()+` for 2d ask "How much would your customers gain?"`)
	d.ephemeral(d.ann, d.product, "Asked 4 people by direct message to rate #1, #2 and #3; ratings close",
		"Nobody, you included, will see who gave which rating.")
	progress := d.message(d.product, "Priority Ratings: ann asked 4 stakeholders to rate 3 ideas on “How much would your customers gain?”",
		"#1 Dark mode", "0 of 4 have rated.")
	for _, u := range []string{d.bob, d.carl, d.dan, d.eve} {
		d.dm(u, "ann asks you to rate 3 ideas from #product's backlog.", "How much would your customers gain?",
			"1 = not at all, 5 = enormously", "never who gave which")
	}
	if n := len(d.emu.DMs(d.zap)); n != 0 {
		t.Errorf("a bot was asked to rate (%d DMs)", n)
	}

	m := d.rate(d.carl, "#1", "4")
	if !m.Contains("#1 Dark mode\nYour rating: 4") {
		t.Errorf("carl's DM after rating: %q", m.Text)
	}
	m = d.rate(d.carl, "#1", "5") // changed his mind
	if !m.Contains("Your rating: 5") || m.Contains("Your rating: 4") {
		t.Errorf("carl's DM after changing his rating: %q", m.Text)
	}
	d.rate(d.dan, "#1", "3")
	d.rate(d.dan, "#2", "Skip")
	m = d.rate(d.eve, "#1", "4")
	if !m.Contains("You can change your ratings until") {
		t.Errorf("eve's DM: %q", m.Text)
	}
	d.message(d.product, "3 of 4 have rated.")

	d.click(d.bob, progress, "Nudge")
	d.ephemeral(d.bob, d.product, "Only this backlog's owners (and workspace admins) can nudge raters.")
	d.click(d.ann, progress, "Nudge")
	d.ephemeral(d.ann, d.product, "Nudged by direct message: the 1 person who has rated nothing yet.")
	d.dm(d.bob, "ann reminds you: your ratings of 3 ideas from #product's backlog are still missing.")
	if n := d.told(d.carl, "reminds you"); n != 0 {
		t.Errorf("carl, who rated, was nudged %d times", n)
	}
	d.click(d.ann, progress, "Nudge")
	d.ephemeral(d.ann, d.product, "These raters were nudged less than an hour ago")

	d.click(d.bob, progress, "Close")
	d.ephemeral(d.bob, d.product, "Only this backlog's owners (and workspace admins) can close ratings.")
	d.click(d.ann, progress, "Close")
	d.ephemeral(d.ann, d.product, "Closed. The results are going into the thread, ranked by mean.")
	closed := d.message(d.product, "Closed", "3 of 4 rated. The results are in the thread.")
	if len(closed.Buttons) != 0 {
		t.Errorf("closed ratings still offer %v", closed.Buttons)
	}
	results := d.waitMessage(func() []slackemu.Message { return d.emu.Thread(d.product, progress.TS) }, []string{"Results of Priority Ratings"})
	for _, want := range []string{
		"on “How much would your customers gain?”: 3 of 4 people asked rated.",
		"1. #1 Dark mode: mean 4, median 4, from 3 ratings   1  2  3█ 4█ 5█",
		"2. #2 SSO with Okta: nobody rated it.",
		"3. #3 Export to CSV: nobody rated it.",
	} {
		if !results.Contains(want) {
			t.Errorf("results lack %q:\n%s", want, results.Text)
		}
	}

	// Hidden means hidden: nothing the team or the owner reads names a rater beside a rating.
	rater := regexp.MustCompile(`\b(carl|dan|eve)\b`)
	for _, m := range d.emu.All() {
		if m.Channel == d.emu.IM(d.carl) || m.Channel == d.emu.IM(d.dan) || m.Channel == d.emu.IM(d.eve) {
			continue // each rater's own DM shows their own ratings
		}
		if name := rater.FindString(m.Text); name != "" {
			t.Errorf("a message names rater %s:\n%s", name, m.Text)
		}
	}

	for _, row := range d.exported(d.ann) {
		if name := rater.FindString(strings.Join(row, ",")); name != "" {
			t.Errorf("the CSV names rater %s: %v", name, row)
		}
	}
	d.slash(d.ann, d.product, "/backlog", "history #1")
	if h := d.ephemeral(d.ann, d.product, "History of #1 Dark mode"); rater.MatchString(h.Text) {
		t.Errorf("the history names a rater:\n%s", h.Text)
	}
	for _, u := range []string{d.carl, d.dan, d.eve} {
		if strings.Contains(d.logs.String(), u) {
			t.Errorf("the logs name rater %s", u)
		}
	}

	// A click after the close changes nothing, and says so.
	m = d.rate(d.dan, "#3", "5")
	if !m.Contains("These ratings had closed, so that click changed nothing.", "These ratings closed") || len(m.Buttons) != 0 {
		t.Errorf("dan's DM after the close: %q %v", m.Text, m.Buttons)
	}
}

// Use as <criterion> writes the means onto the criterion's scale, re-ranks,
// and the history says where the value came from; supporters hear of it.
func TestRatingsFeedACriterion(t *testing.T) {
	d := newRatingsDesk(t)
	d.support(d.bob, d.ideas[0])
	d.slash(d.ann, d.product, "/backlog", "score #1 effort=3")
	d.ephemeral(d.ann, d.product, "Saved. #1 still needs value")
	d.slash(d.ann, d.product, "/backlog", "ratings #1 #2 "+d.from())
	progress := d.message(d.product, "0 of 4 have rated.")
	d.rate(d.carl, "#1", "5")
	d.rate(d.dan, "#1", "4")
	d.rate(d.eve, "#1", "5") // mean 14/3: on value's scale (1 to 13) 12
	d.rate(d.eve, "#2", "2") // 2: 4
	d.click(d.ann, progress, "Close")
	results := d.waitMessage(func() []slackemu.Message { return d.emu.Thread(d.product, progress.TS) }, []string{"Results of Priority Ratings"})
	if got := strings.Join(results.Buttons, ","); got != "Use as Value" {
		t.Fatalf("results offer %q, want one button per benefit criterion", got)
	}
	d.click(d.bob, results, "Use as Value")
	d.ephemeral(d.bob, d.product, "Only this backlog's owners (and workspace admins) can use ratings as a criterion.")
	d.click(d.ann, results, "Use as Value")
	d.waitMessage(func() []slackemu.Message { return d.emu.Thread(d.product, progress.TS) },
		[]string{"ann used the stakeholders' ratings as Value: #1 Value 12, #2 Value 4. The backlog is re-ranked."})
	results = d.waitMessage(func() []slackemu.Message { return d.emu.Thread(d.product, progress.TS) },
		[]string{"Results of Priority Ratings", "These means are Value's values now."})
	if len(results.Buttons) != 0 {
		t.Errorf("the results still offer %v once used", results.Buttons)
	}

	d.dm(d.bob, "In #product, ann scored #1 Dark mode with stakeholder ratings.")
	d.slash(d.ann, d.product, "/backlog", "history #1")
	d.ephemeral(d.ann, d.product, "ann set Value 12 from 3 stakeholder ratings; the score is 4")
	d.slash(d.ann, d.product, "/backlog", "history #2")
	d.ephemeral(d.ann, d.product, "ann set Value 4 from 1 stakeholder rating; it still needs the other criteria before it is ranked")
}

// Every bad input gets one private sentence and changes nothing.
func TestRatingsRefuseBadInput(t *testing.T) {
	d := newRatingsDesk(t)
	empty := d.emu.AddChannel("empty", slackemu.ChannelOptions{Members: []string{d.zap}})
	d.slash(d.ann, d.product, "/backlog", "status #3 shipped")
	d.ephemeral(d.ann, d.product, "#3")
	long := strings.Repeat("x", 151)
	for _, tt := range []struct{ text, want string }{
		{"", "Name the ideas to rate and who rates them"},
		{"#1 #2", "Say who rates them after from"},
		{"#1 from", "Name who rates after from"},
		{"#1 from @nobody", "“@nobody” is not a person, a user group or a channel"},
		{"#1 #2 #4 #5 #6 #7 #8 #9 #10 #11 #12 from " + mention(d.bob, "bob"), "A round of ratings takes up to 10 ideas; you named 11."},
		{"#1 from " + mention(d.bob, "bob") + " for 3 days", "Say how long ratings stay open"},
		{"#1 from " + mention(d.bob, "bob") + ` ask "` + long + `"`, "Keep the question to 150 characters (it has 151)."},
		{"#99 from " + mention(d.bob, "bob"), "There is no idea #99 in this channel's backlog."},
		{"#1 #3 from " + mention(d.bob, "bob"), "#3 is shipped, so it can't be rated: ratings are for open ideas."},
		{fmt.Sprintf("#1 from <#%s|empty>", empty), "Those raters come to nobody"},
		{"#1 from <!subteam^S999|@ghosts>", "I can't read the user group @ghosts: there is no such group."},
	} {
		d.slash(d.ann, d.product, "/backlog", "ratings "+tt.text)
		d.ephemeral(d.ann, d.product, tt.want)
	}
	if got := len(d.emu.Messages(d.product)); got != 3 {
		t.Errorf("#product has %d messages after refusals, want the 3 idea cards", got)
	}

	// An idea that leaves play meanwhile is no longer rated.
	d.slash(d.ann, d.product, "/backlog", "ratings #1 #2 from "+mention(d.carl, "carl"))
	progress := d.message(d.product, "0 of 1 have rated.")
	d.dm(d.carl, "to rate")
	d.slash(d.ann, d.product, "/backlog", "status #2 shipped")
	d.ephemeral(d.ann, d.product, "moved #2")
	m := d.rate(d.carl, "#2", "3")
	if !m.Contains("#2 left play meanwhile, so it is no longer rated; your other ratings stand.", "Shipped meanwhile, so it is no longer rated.") {
		t.Errorf("carl's DM after rating a shipped idea: %q", m.Text)
	}
	// Only the people asked may rate: a forged click by someone else changes nothing.
	value := fmt.Sprintf("%s:1:1:1,2", d.product)
	if err := d.emu.ClickForged(d.t.Context(), d.bob, progress, "ratings_rate:5", value); err != nil {
		t.Fatal(err)
	}
	d.ephemeral(d.bob, d.product, "You were not asked to rate these ideas; only the people the owners asked can.")
	d.click(d.ann, progress, "Close")
	results := d.waitMessage(func() []slackemu.Message { return d.emu.Thread(d.product, progress.TS) }, []string{"Results of Priority Ratings"})
	if !results.Contains("0 of 1 person asked rated", "#1 Dark mode: nobody rated it.") {
		t.Errorf("results: %s", results.Text)
	}
}

// At the deadline the ratings close by themselves, once, with the results
// in the thread and ratings.closed sent; those who rated nothing are
// reminded once, three quarters into the time, in their working hours.
func TestRatingsCloseAtTheirDeadline(t *testing.T) {
	d := newRatingsDesk(t)
	rx := newReceiver(t)
	d.addWebhook(d.ann, d.product, rx.url())
	d.slash(d.ann, d.product, "/backlog", "ratings #1 #2 "+d.from()+" for 2d")
	progress := d.message(d.product, "0 of 4 have rated.")
	d.rate(d.carl, "#1", "5")
	d.rate(d.dan, "#1", "2")
	d.rate(d.dan, "#2", "4")

	d.clock.Advance(2*24*time.Hour - time.Minute) // every reminder is due by now
	for _, u := range []string{d.bob, d.eve} {
		d.dm(u, "A reminder: your ratings of 2 ideas from #product's backlog are still missing.")
	}
	d.clock.Advance(time.Minute)
	results := d.waitMessage(func() []slackemu.Message { return d.emu.Thread(d.product, progress.TS) }, []string{"Results of Priority Ratings"})
	if !results.Contains("2 of 4 people asked rated", "1. #2 SSO with Okta: mean 4, median 4, from 1 rating", "2. #1 Dark mode: mean 3.5, median 3.5, from 2 ratings") {
		t.Errorf("results: %s", results.Text)
	}
	d.message(d.product, "Closed", "2 of 4 rated.")
	rx.wait("ratings.closed", func(got []hookRequest) bool {
		for _, q := range got {
			if q.Event.Type == webhook.RatingsClosed {
				return true
			}
		}
		return false
	})
	for _, q := range rx.delivered() {
		if q.Event.Type != webhook.RatingsClosed {
			continue
		}
		r := q.Event.Data.Ratings
		if q.Event.Data.Actor != nil || r.Raters != 4 || r.Rated != 2 || len(r.Ideas) != 2 || r.Ideas[0].Idea != 2 || *r.Ideas[1].Mean != 3.5 ||
			r.Ideas[1].Distribution["2"] != 1 || r.Ideas[1].Distribution["5"] != 1 {
			t.Errorf("ratings.closed: %s", q.Body)
		}
		for _, u := range []string{d.carl, d.dan, "carl", "dan"} {
			if strings.Contains(string(q.Body), u) {
				t.Errorf("ratings.closed names rater %s: %s", u, q.Body)
			}
		}
	}
	for _, u := range []string{d.bob, d.eve} {
		if n := d.told(u, "A reminder"); n != 1 {
			t.Errorf("%s was reminded %d times, want once", u, n)
		}
	}
	if n := d.told(d.carl, "A reminder"); n != 0 {
		t.Errorf("carl, who rated, was reminded %d times", n)
	}
}

// Many raters are resolved in one pass over the workspace's people
// (users.list, paged), not a users.info each; bots are still left out.
func TestManyRatersAreResolvedInOnePass(t *testing.T) {
	d := newRatingsDesk(t)
	p := &pokerTable{harness: d.harness}
	crowd := append(p.crowd(150), d.zap)
	customers := d.emu.AddChannel("customers", slackemu.ChannelOptions{Members: crowd})
	infos := len(d.emu.Calls("users.info"))
	d.slash(d.ann, d.product, "/backlog", fmt.Sprintf("ratings #1 from <#%s|customers>", customers))
	d.ephemeral(d.ann, d.product, "Asked 150 people by direct message to rate #1")
	if n := len(d.emu.Calls("users.info")) - infos; n > 5 {
		t.Errorf("%d users.info calls for 150 raters", n)
	}
	if n := len(d.emu.Calls("users.list")); n < 1 || n > 3 {
		t.Errorf("%d users.list calls, want a pass of a page or two", n)
	}
	d.message(d.product, "0 of 150 have rated.")
}

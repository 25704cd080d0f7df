package playground

import (
	"context"
	"fmt"
	"strings"

	"github.com/priobot/priobot/slackemu"
)

// Workspace is the demo workspace: a small product team.
type Workspace struct {
	Ava, Ben, Cleo, Dev, Emi       string // people's user ids
	Product, Support, Design, Lead string // channel ids; Lead is private
}

// roles are what the demo team's people do, for the person switcher.
var roles = map[string]string{"ava": "Product manager", "ben": "Engineer", "cleo": "Designer", "dev": "Product ops", "emi": "Support lead"}

// Find finds the demo team in a workspace Seed made (and Save kept).
func Find(emu *slackemu.Server) (Workspace, bool) {
	var w Workspace
	people := map[string]*string{"ava": &w.Ava, "ben": &w.Ben, "cleo": &w.Cleo, "dev": &w.Dev, "emi": &w.Emi}
	for _, u := range emu.Users() {
		if id, ok := people[u.Name]; ok {
			*id = u.ID
		}
	}
	channels := map[string]*string{"product": &w.Product, "support": &w.Support, "design": &w.Design, "leads": &w.Lead}
	for _, c := range emu.Conversations(w.Ava) {
		if id, ok := channels[c.Name]; ok && !c.IM {
			*id = c.ID
		}
	}
	return w, w.Ava != "" && w.Product != ""
}

// Seed adds the demo team to emu: five people in five time zones (ava
// is the workspace admin), #product, #support, #design and the private
// #leads, and the user group @support-team (emi and ben).
func Seed(emu *slackemu.Server) Workspace {
	add := func(name, tz string, admin bool) string {
		return emu.AddUser(name, slackemu.UserOptions{TZ: tz, Admin: admin})
	}
	w := Workspace{
		Ava:  add("ava", "Europe/Berlin", true),
		Ben:  add("ben", "Europe/London", false),
		Cleo: add("cleo", "America/New_York", false),
		Dev:  add("dev", "Asia/Kolkata", false),
		Emi:  add("emi", "Australia/Sydney", false),
	}
	everyone := []string{w.Ava, w.Ben, w.Cleo, w.Dev, w.Emi}
	w.Product = emu.AddChannel("product", slackemu.ChannelOptions{Members: everyone})
	w.Support = emu.AddChannel("support", slackemu.ChannelOptions{Members: everyone})
	w.Design = emu.AddChannel("design", slackemu.ChannelOptions{Members: everyone})
	w.Lead = emu.AddChannel("leads", slackemu.ChannelOptions{Private: true, Members: []string{w.Ava, w.Cleo, w.Dev}})
	emu.AddUserGroup("support-team", []string{w.Emi, w.Ben}) // stakeholders to ask for Priority Ratings
	return w
}

// demoIdeas are #product's backlog: title | description, and who asked.
var demoIdeas = []struct{ by, text string }{
	{"emi", "Dark mode | Night-shift support agents have asked for it every week since March"},
	{"ben", "SSO with Okta | Three enterprise trials stalled on it last quarter"},
	{"cleo", "Onboarding checklist | New workspaces that finish setup in a day stay twice as long"},
	{"dev", "CSV import for contacts | Sales teams move from spreadsheets on day one"},
	{"emi", "Bulk-edit tags | Agents retag hundreds of tickets by hand after every product launch"},
	{"ben", "Public API rate-limit headers | Integrators guess and get throttled"},
	{"cleo", "Keyboard shortcuts cheat sheet | Press ? anywhere to see them"},
	{"ava", "Slack notifications for mentions | People miss replies when they live in Slack"},
	{"dev", "Google Calendar two-way sync | Meetings booked outside the app never show up"},
	{"emi", "Saved replies per team | Each team keeps its own macros in a doc today"},
	{"ben", "Audit log export | Security reviews ask for 12 months of history"},
	{"cleo", "Mobile quick capture | Jot an idea from the phone in two taps"},
	{"ava", "Usage-based pricing page | Prospects ask what a seat really costs"},
	{"dev", "Weekly digest email | A Monday summary for people who rarely log in"},
	{"emi", "Customer satisfaction survey after close | One question, sent when a ticket closes"},
	{"ben", "Faster search on large workspaces | Search takes 4 s on workspaces over 1M records"},
	{"cleo", "Custom fields on ideas | Teams want their own columns"},
	{"ava", "Two-factor authentication | Required by two prospects' IT policies"},
	{"dev", "Archive stale projects | Hide projects untouched for 6 months"},
	{"emi", "In-app changelog | Tell users what shipped without an email"},
}

// Demo fills #product through the bot, as the team would: twenty ideas,
// some scored, some shipped or under way, one declined with its reason,
// two goals and a roadmap,
// support from colleagues, and a poker session run by dev in which ben and
// cleo have voted and ava still owes her votes.
func Demo(ctx context.Context, emu *slackemu.Server, w Workspace) error {
	byName := map[string]string{"ava": w.Ava, "ben": w.Ben, "cleo": w.Cleo, "dev": w.Dev, "emi": w.Emi}
	typed := func(user, text string) error {
		if err := emu.Type(ctx, user, w.Product, "", text); err != nil {
			return fmt.Errorf("demo: %s: %w", text, err)
		}
		return nil
	}
	for i, idea := range demoIdeas {
		if err := typed(byName[idea.by], "/idea "+idea.text); err != nil {
			return err
		}
		if _, err := waitFor(ctx, emu, func() []slackemu.Message { return emu.Messages(w.Product) }, fmt.Sprintf("#%d ", i+1)); err != nil {
			return fmt.Errorf("demo: idea #%d was not posted: %w", i+1, err)
		}
	}
	for _, line := range []string{
		"/backlog score #1 value=8 effort=3", "/backlog score #2 value=13 effort=8", "/backlog score #3 value=8 effort=5",
		"/backlog score #4 value=5 effort=2", "/backlog score #5 value=5 effort=3", "/backlog score #8 value=8 effort=2",
		"/backlog score #11 value=3 effort=5", "/backlog score #16 value=13 effort=13", "/backlog score #18 value=8 effort=3",
		"/backlog status #4 shipped", "/backlog status #18 shipped", "/backlog status #1 in-progress", "/backlog status #8 planned",
		"/backlog decline #9 Two-way sync needs calendar write access that most customers' IT refuses; the one-way feed covers 80% of asks",
		"/backlog goal add Win enterprise deals | SSO, audit logs and admin controls", "/backlog goal add Keep support fast",
		"/backlog goal #2 Win enterprise deals", "/backlog goal #11 Win enterprise deals", "/backlog goal #1 Keep support fast",
		"/backlog goal #5 Keep support fast", "/backlog roadmap #2 next", "/backlog roadmap #5 next", "/backlog roadmap #3 later",
	} {
		if err := typed(w.Ava, line); err != nil {
			return err
		}
	}
	cards := func() []slackemu.Message { return emu.Messages(w.Product) }
	for _, support := range []struct {
		who  string
		idea int
	}{{w.Ben, 1}, {w.Cleo, 1}, {w.Dev, 1}, {w.Ava, 2}, {w.Ben, 3}, {w.Emi, 3}, {w.Cleo, 5}, {w.Cleo, 16}, {w.Dev, 16}} {
		card, err := waitFor(ctx, emu, cards, fmt.Sprintf("#%d ", support.idea))
		if err == nil {
			err = emu.Click(ctx, support.who, card, "Me too")
		}
		if err != nil {
			return fmt.Errorf("demo: support for #%d: %w", support.idea, err)
		}
	}
	if err := emu.Type(ctx, w.Dev, w.Product, "", "/poker #6 #10 with @ava @ben @cleo"); err != nil {
		return fmt.Errorf("demo: poker: %w", err)
	}
	session, err := waitFor(ctx, emu, cards, "Priority poker run by dev")
	if err != nil {
		return fmt.Errorf("demo: poker: %w", err)
	}
	votes := map[string][][2]string{
		w.Ben:  {{"Value", "5"}, {"Effort", "2"}},
		w.Cleo: {{"Value", "8"}, {"Effort", "3"}},
	}
	for _, n := range []int{6, 10} {
		for _, who := range []string{w.Ben, w.Cleo} {
			for _, v := range votes[who] {
				card, err := waitFor(ctx, emu, func() []slackemu.Message { return emu.Thread(w.Product, session.TS) }, fmt.Sprintf("#%d ", n))
				if err == nil {
					err = emu.ClickRow(ctx, who, card, v[0], v[1])
				}
				if err != nil {
					return fmt.Errorf("demo: vote on #%d: %w", n, err)
				}
			}
		}
	}
	for _, n := range []string{"#6 ", "#10 "} {
		if _, err = waitFor(ctx, emu, func() []slackemu.Message { return emu.Thread(w.Product, session.TS) }, n, "Voted: ben, cleo · Waiting for: ava"); err != nil {
			return fmt.Errorf("demo: a vote card was not redrawn: %w", err)
		}
	}
	// Cards are redrawn at most once a second: the first screen shows
	// them as they ended.
	for _, card := range [][]string{{"#1 ", "in progress", "3 supporters"}, {"#3 ", "2 supporters"}, {"#4 ", "shipped"},
		{"#8 ", "planned"}, {"#16 ", "2 supporters"}, {"#18 ", "shipped"}} {
		if _, err := waitFor(ctx, emu, cards, card...); err != nil {
			return fmt.Errorf("demo: a card was not redrawn: %w", err)
		}
	}
	return nil
}

// waitFor waits for the newest message of list that contains every one of parts.
func waitFor(ctx context.Context, emu *slackemu.Server, list func() []slackemu.Message, parts ...string) (slackemu.Message, error) {
	var found slackemu.Message
	err := emu.Wait(ctx, func() bool {
		var ok bool
		found, ok = slackemu.Last(list(), parts...)
		return ok
	})
	if err != nil {
		return found, fmt.Errorf("no message with %s", strings.Join(parts, ", "))
	}
	return found, nil
}

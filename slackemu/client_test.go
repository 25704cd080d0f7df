package slackemu_test

import (
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/priobot/priobot/slackemu"
)

const manifest = `features:
  slash_commands:
    - command: /idea
      description: Submit an idea
      usage_hint: "<title> | <description>"
      should_escape: false
    - command: /poker
      description: Score ideas together # a comment
      usage_hint: "#3 [with @a @b]"
      should_escape: true
  shortcuts:
    - name: Add to backlog
      type: message
      callback_id: add_to_backlog
oauth_config:
  scopes: {}
`

func TestManifestCommandsAndShortcuts(t *testing.T) {
	emu, _ := start(t, slackemu.Options{Manifest: manifest})
	want := []slackemu.Command{
		{Name: "/idea", Description: "Submit an idea", UsageHint: "<title> | <description>"},
		{Name: "/poker", Description: "Score ideas together", UsageHint: "#3 [with @a @b]", ShouldEscape: true},
	}
	if diff := cmp.Diff(want, emu.Commands()); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]slackemu.Shortcut{{Name: "Add to backlog", Type: "message", CallbackID: "add_to_backlog"}}, emu.Shortcuts()); diff != "" {
		t.Errorf("shortcuts (-want +got):\n%s", diff)
	}
}

// TestTypeSendsWhatSlacksComposerSends: the app receives typed text as
// Slack sends it, escaped, with mentions linked where Slack links them.
func TestTypeSendsWhatSlacksComposerSends(t *testing.T) {
	emu, api := start(t, slackemu.Options{Manifest: manifest})
	ava := emu.AddUser("ava", slackemu.UserOptions{})
	ben := emu.AddUser("ben", slackemu.UserOptions{})
	product := emu.AddChannel("product", slackemu.ChannelOptions{})
	leads := emu.AddChannel("leads", slackemu.ChannelOptions{Private: true, Members: []string{ben}})
	got := make(chan string, 1)
	runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		cmd := ev.Data.(slack.SlashCommand)
		a.sm.Ack(*ev.Request)
		got <- cmd.Command + " " + cmd.Text
	})
	for _, tc := range []struct{ typed, want string }{
		{"/poker #1 with @ben @nobody & <b>", "/poker #1 with <@" + ben + "|ben> @nobody &amp; &lt;b&gt;"},
		{"/idea Dark mode & more | for @ben", "/idea Dark mode &amp; more | for @ben"},
		{"  /poker #1 #product, #leads  ", "/poker #1 <#" + product + "|product>, #leads"}, // ava is not in #leads
	} {
		if err := emu.Type(t.Context(), ava, product, "", tc.typed); err != nil {
			t.Fatal(err)
		}
		if text := <-got; text != tc.want {
			t.Errorf("typed %q: the app got %q, want %q", tc.typed, text, tc.want)
		}
	}
	if err := emu.Type(t.Context(), ava, product, "", "/nope x"); !errors.Is(err, slackemu.ErrNotACommand) {
		t.Errorf("an unknown command: %v", err)
	}
	if err := emu.Type(t.Context(), ben, product, "", "hi @ava, see #leads <now> @here"); err != nil {
		t.Fatal(err)
	}
	m, _ := slackemu.Last(emu.Messages(product))
	if want := "hi <@" + ava + "|ava>, see <#" + leads + "|leads> &lt;now&gt; <!here>"; m.Fallback != want {
		t.Errorf("the message is %q, want %q", m.Fallback, want)
	}
}

// TestSeenIsWhatEachPersonSees: ephemerals for their reader only, private
// channels for members only, thread replies in the thread.
func TestSeenIsWhatEachPersonSees(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ava := emu.AddUser("ava", slackemu.UserOptions{})
	ben := emu.AddUser("ben", slackemu.UserOptions{})
	product := emu.AddChannel("product", slackemu.ChannelOptions{})
	leads := emu.AddChannel("leads", slackemu.ChannelOptions{Private: true, Members: []string{ava}})
	_, ts, err := api.PostMessage(product, slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(product, slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PostEphemeral(product, ava, slack.MsgOptionText("for ava", false)); err != nil {
		t.Fatal(err)
	}
	texts := func(user, thread string) []string {
		seen, err := emu.Seen(user, product, thread)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range seen {
			out = append(out, m.Text)
			if m.Text == "card" && m.Replies != 1 && thread == "" {
				t.Errorf("the card counts %d replies", m.Replies)
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"card", "for ava"}, texts(ava, "")); diff != "" {
		t.Errorf("ava sees (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"card"}, texts(ben, "")); diff != "" {
		t.Errorf("ben sees (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"card", "reply"}, texts(ben, ts)); diff != "" {
		t.Errorf("ben's thread (-want +got):\n%s", diff)
	}
	if _, err := emu.Seen(ben, leads, ""); err == nil {
		t.Error("ben reads a private channel he is not in")
	}
	names := func(user string) []string {
		var out []string
		for _, c := range emu.Conversations(user) {
			out = append(out, c.Name)
		}
		return out
	}
	if diff := cmp.Diff([]string{"leads", "product", "priobot"}, names(ava)); diff != "" {
		t.Errorf("ava's sidebar (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"product", "priobot"}, names(ben)); diff != "" {
		t.Errorf("ben's sidebar (-want +got):\n%s", diff)
	}
}

// TestSaveAndLoadKeepTheWorkspace: what a playground keeps with -data.
func TestSaveAndLoadKeepTheWorkspace(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ava := emu.AddUser("ava", slackemu.UserOptions{TZ: "Asia/Tokyo", Admin: true})
	product := emu.AddChannel("product", slackemu.ChannelOptions{Members: []string{ava}})
	blocks := slack.MsgOptionBlocks(section("*#1 Dark mode*"), slack.NewActionBlock("idea", button("idea_support", "Me too")))
	if _, _, err := api.PostMessage(product, slack.MsgOptionText("#1 Dark mode", false), blocks); err != nil {
		t.Fatal(err)
	}
	dm := emu.IM(ava)
	if _, _, err := api.PostMessage(dm, slack.MsgOptionText("hello ava", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PublishView(ava, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{section("Your ideas")}}}, ""); err != nil {
		t.Fatal(err)
	}
	data, err := emu.Save()
	if err != nil {
		t.Fatal(err)
	}
	again, api2 := start(t, slackemu.Options{})
	if err := again.Load(data); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(emu.Users(), again.Users()); diff != "" {
		t.Errorf("people (-before +after):\n%s", diff)
	}
	before, after := emu.All(), again.All()
	if diff := cmp.Diff(before, after, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("messages (-before +after):\n%s", diff)
	}
	if again.IM(ava) != dm {
		t.Error("ava's DM moved")
	}
	if home, ok := again.Home(ava); !ok || home.Text != "Your ideas" {
		t.Errorf("ava's Home after loading: %+v", home)
	}
	// The loaded workspace goes on: a new message is newer than every old one.
	_, ts, err := api2.PostMessage(product, slack.MsgOptionText("next", false))
	if err != nil || !slackemu.Before(after[len(after)-1].TS, ts) {
		t.Errorf("a message after loading has ts %s (%v)", ts, err)
	}
}

// Message timestamps follow the clock, as Slack's do, so the playground
// shows when each was posted: not when it started, and not when the
// workspace it loaded was saved.
func TestTimestampsFollowTheClock(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	hourAgo := time.Now().Add(-time.Hour)
	saved := fmt.Sprintf(`{"seq": 100, "ts_base": %d, "last_ts": %d, "teams": [%q]}`, hourAgo.Unix(), hourAgo.UnixMicro(), slackemu.DefaultTeam)
	if err := emu.Load([]byte(saved)); err != nil {
		t.Fatal(err)
	}
	product := emu.AddChannel("product", slackemu.ChannelOptions{})
	before := time.Now()
	_, first, err := api.PostMessage(product, slack.MsgOptionText("one", false))
	if err != nil {
		t.Fatal(err)
	}
	_, second, _ := api.PostMessage(product, slack.MsgOptionText("two", false))
	sec, _ := strconv.ParseFloat(first, 64)
	if at := time.UnixMicro(int64(sec * 1e6)); at.Before(before.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
		t.Errorf("a message posted at %s has ts %s (%s)", before.Format(time.TimeOnly), first, at.Format(time.TimeOnly))
	}
	if !slackemu.Before(first, second) {
		t.Errorf("ts %s then %s: not increasing", first, second)
	}
}

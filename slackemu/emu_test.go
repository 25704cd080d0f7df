package slackemu_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/priobot/priobot/slackemu"
)

func start(t *testing.T, o slackemu.Options) (*slackemu.Server, *slack.Client) {
	t.Helper()
	emu, err := slackemu.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	return emu, slack.New(slackemu.BotToken, slack.OptionAPIURL(emu.APIURL()), slack.OptionAppLevelToken(slackemu.AppToken))
}

func button(id, label string) slack.BlockElement {
	return slack.NewButtonBlockElement(id, "v", slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func TestPostMessageRejectsWhatSlackRejects(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	tests := []struct {
		name string
		opts []slack.MsgOption
		want string
	}{
		{"51 blocks", []slack.MsgOption{slack.MsgOptionText("x", false), slack.MsgOptionBlocks(many...)}, "invalid_blocks"},
		{"section over 3000", []slack.MsgOption{slack.MsgOptionBlocks(section(strings.Repeat("a", 3001)))}, "invalid_blocks"},
		{"empty section", []slack.MsgOption{slack.MsgOptionBlocks(section(""))}, "invalid_blocks"},
		{"confirm title over 100", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewActionBlock("b", confirmed(button("a", "Decline"), strings.Repeat("t", 101))))}, "invalid_blocks"},
		{"button label over 75", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewActionBlock("b", button("a", strings.Repeat("l", 76))))}, "invalid_blocks"},
		{"duplicate action_id", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewActionBlock("b", button("same", "One"), button("same", "Two")))}, "invalid_blocks"},
		{"duplicate block_id", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewActionBlock("b", button("x", "One")), slack.NewActionBlock("b", button("y", "Two")))}, "invalid_blocks"},
		{"header over 150", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", 151), false, false)))}, "invalid_blocks"},
		{"11 fields", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewSectionBlock(nil, fields(11), nil))}, "invalid_blocks"},
		{"text over 40000", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("t", 40001), false)}, "msg_too_long"},
		{"nothing to say", []slack.MsgOption{slack.MsgOptionText("", false)}, "no_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := api.PostMessageContext(t.Context(), ch, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("PostMessage error = %v, want %s", err, tt.want)
			}
		})
	}
	if got := emu.Messages(ch); len(got) != 0 {
		t.Errorf("rejected posts left %d messages in the channel", len(got))
	}

	// The limits themselves are allowed.
	ok := make([]slack.Block, 50)
	ok[0] = section(strings.Repeat("a", 3000))
	ok[1] = slack.NewActionBlock("b", button("a", strings.Repeat("l", 75)), confirmed(button("c", "Other"), strings.Repeat("t", 100)))
	ok[2] = slack.NewSectionBlock(nil, fields(10), nil)
	for i := 3; i < 50; i++ {
		ok[i] = slack.NewDividerBlock()
	}
	if _, _, err := api.PostMessageContext(t.Context(), ch, slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(ok...)); err != nil {
		t.Errorf("a message at every limit was refused: %v", err)
	}
}

// confirmed gives a button Slack's "Are you sure?" dialog with title.
func confirmed(b slack.BlockElement, title string) slack.BlockElement {
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	btn := b.(*slack.ButtonBlockElement)
	btn.Confirm = slack.NewConfirmationBlockObject(plain(title), plain("It cannot be undone."), plain("Decline"), plain("Cancel"))
	return btn
}

func fields(n int) []*slack.TextBlockObject {
	out := make([]*slack.TextBlockObject, n)
	for i := range out {
		out[i] = slack.NewTextBlockObject(slack.MarkdownType, "f", false, false)
	}
	return out
}

func TestRenderingShowsWhatAPersonSees(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	escaped := "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp; @here"
	verbatim := slack.NewTextBlockObject(slack.MarkdownType, escaped, false, true)
	_, _, err := api.PostMessageContext(t.Context(), ch, slack.MsgOptionText("fallback", false),
		slack.MsgOptionBlocks(
			slack.NewSectionBlock(verbatim, nil, nil),
			section("by <@"+ann+"> on <!date^1764000000^{date_short}|24 Nov> see <https://x.test|the doc>"),
			slack.NewActionBlock("b", button("a", "Me too")),
		))
	if err != nil {
		t.Fatal(err)
	}
	m := emu.Messages(ch)[0]
	want := "<!channel> <@U123> <https://evil|click> & @here\nby @ann on 24 Nov see the doc\n[Me too]"
	if m.Text != want {
		t.Errorf("rendered\n%q\nwant\n%q", m.Text, want)
	}
	if len(m.Mentions) != 1 || m.Mentions[0] != ann {
		t.Errorf("mentions = %v, want only %s", m.Mentions, ann)
	}

	_, _, _ = api.PostMessageContext(t.Context(), ch, slack.MsgOptionBlocks(section("<!here> and @channel")))
	m = emu.Messages(ch)[1]
	if strings.Join(m.Mentions, ",") != "channel,here" && strings.Join(m.Mentions, ",") != "here,channel" {
		t.Errorf("unescaped <!here> and bare @channel should ping, mentions = %v", m.Mentions)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	emu.RateLimit("chat.postMessage", 1, 2*time.Second)
	_, _, err := api.PostMessageContext(t.Context(), ch, slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("err = %v, want a RateLimitedError with Retry-After 2s", err)
	}
	// Calling again at once is too early: answered 429 again, and counted.
	if _, _, err := api.PostMessageContext(t.Context(), ch, slack.MsgOptionText("hi", false)); !errors.As(err, &rl) {
		t.Fatalf("a call inside Retry-After got %v, want 429", err)
	}
	if emu.TooEarly() != 1 {
		t.Errorf("TooEarly = %d, want 1", emu.TooEarly())
	}
	// Other methods are not limited.
	if _, err := api.AuthTestContext(t.Context()); err != nil {
		t.Errorf("auth.test during a chat.postMessage limit: %v", err)
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	emu, _ := start(t, slackemu.Options{})
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(emu.APIURL()))
	if _, err := bad.AuthTestContext(t.Context()); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("auth.test with a wrong token: %v, want invalid_auth", err)
	}
	for _, c := range emu.Calls() {
		for k, v := range c.Params {
			if strings.Contains(v, "xoxb-") {
				t.Errorf("call record keeps a token in %s", k)
			}
		}
	}
}

func TestModalNeedsAFreshTrigger(t *testing.T) {
	_, api := start(t, slackemu.Options{})
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "New idea", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section("hi")}}}
	if _, err := api.OpenViewContext(t.Context(), "trig-forged", view); err == nil || !strings.Contains(err.Error(), "invalid_trigger_id") {
		t.Errorf("views.open with a forged trigger: %v, want invalid_trigger_id", err)
	}
}

// A minimal Socket Mode app on slack-go: echoes each slash command in its ack.
func TestSocketModeRoundTrip(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		cmd := ev.Data.(slack.SlashCommand)
		a.sm.Ack(*ev.Request, map[string]any{"text": "echo " + cmd.Text + " from " + cmd.UserName})
	})
	if err := emu.SlashCommand(t.Context(), ann, ch, "/echo", "hello"); err != nil {
		t.Fatal(err)
	}
	if m, ok := slackemu.Last(emu.Ephemerals(ann, ch), "echo hello from ann"); !ok || m.For != ann {
		t.Errorf("ephemeral echo not shown to ann: %+v", emu.Ephemerals(ann, ch))
	}

	emu.Disconnect("refresh_requested")
	if err := emu.SlashCommand(t.Context(), ann, ch, "/echo", "again"); err != nil {
		t.Fatal(err)
	}
	if _, ok := slackemu.Last(emu.Ephemerals(ann, ch), "echo again"); !ok {
		t.Error("command after a refresh_requested disconnect was lost")
	}
}

func TestUnackedCommandTimesOut(t *testing.T) {
	emu, api := start(t, slackemu.Options{AckTimeout: 200 * time.Millisecond})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	runApp(t, emu, api, func(*app, socketmode.Event) {}) // reads, never acks
	if err := emu.SlashCommand(t.Context(), ann, ch, "/slow", ""); !errors.Is(err, slackemu.ErrTimeout) {
		t.Errorf("unacked command: %v, want ErrTimeout", err)
	}
	if got := emu.Timeouts(); len(got) != 1 || got[0] != "slash_commands" {
		t.Errorf("Timeouts = %v, want [slash_commands]", got)
	}
}

package slackemu_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/priobot/priobot/slackemu"
)

// app is a small Socket Mode app on slack-go for exercising the emulator.
type app struct {
	api    *slack.Client
	sm     *socketmode.Client
	events atomic.Int32
	retry  atomic.Int32 // highest retry_attempt seen
}

func runApp(t *testing.T, emu *slackemu.Server, api *slack.Client, handle func(a *app, ev socketmode.Event)) *app {
	t.Helper()
	a := &app{api: api, sm: socketmode.New(api)}
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	go func() { _ = a.sm.RunContext(ctx) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-a.sm.Events:
				if ev.Request != nil && ev.Type != socketmode.EventTypeHello {
					go handle(a, ev)
				}
			}
		}
	}()
	if err := emu.WaitConnections(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestClickSendsBlockActionsAndResponseURLReplaces(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		a.sm.Ack(*ev.Request)
		cb := ev.Data.(slack.InteractionCallback)
		act := cb.ActionCallback.BlockActions[0]
		text := "clicked " + act.ActionID + "=" + act.Value + " by " + cb.User.Name + " on " + cb.Container.MessageTs + " in " + cb.Container.ChannelID
		_, _, _ = a.api.PostMessageContext(t.Context(), "", slack.MsgOptionResponseURL(cb.ResponseURL, slack.ResponseTypeInChannel),
			slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText(text, false))
	})
	_, ts, err := api.PostMessageContext(t.Context(), ch, slack.MsgOptionText("vote", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("votes", button("vote:8", "8"), button("vote:13", "13"))))
	if err != nil {
		t.Fatal(err)
	}
	card := emu.Messages(ch)[0]
	if strings.Join(card.Buttons, ",") != "8,13" {
		t.Fatalf("buttons = %v", card.Buttons)
	}
	if err := emu.Click(t.Context(), ann, card, "No such label"); err == nil {
		t.Error("clicking a label that is not there succeeded")
	}
	if err := emu.Click(t.Context(), ann, card, "13"); err != nil {
		t.Fatal(err)
	}
	want := "clicked vote:13=v by ann on " + ts + " in " + ch
	if err := emu.Wait(t.Context(), func() bool { return emu.Messages(ch)[0].Text == want }); err != nil {
		t.Fatalf("message = %q, want it replaced with %q", emu.Messages(ch)[0].Text, want)
	}
	if m := emu.Messages(ch)[0]; m.Edits != 1 || len(emu.Messages(ch)) != 1 {
		t.Errorf("replace_original should edit in place: %+v", emu.Messages(ch))
	}
}

func TestModalOpensFromACommandAndSubmits(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	var submitted atomic.Value
	opened := make(chan error, 1) // the app's views.open call returned
	runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		switch data := ev.Data.(type) {
		case slack.SlashCommand:
			a.sm.Ack(*ev.Request)
			input := slack.NewInputBlock("title", slack.NewTextBlockObject(slack.PlainTextType, "Title", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "title_input"))
			_, err := a.api.OpenViewContext(t.Context(), data.TriggerID, slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "idea",
				Title: slack.NewTextBlockObject(slack.PlainTextType, "New idea", false, false), Blocks: slack.Blocks{BlockSet: []slack.Block{input}},
				Submit: slack.NewTextBlockObject(slack.PlainTextType, "Submit", false, false)})
			opened <- err
		case slack.InteractionCallback:
			title := data.View.State.Values["title"]["title_input"].Value
			if title == "" {
				a.sm.Ack(*ev.Request, map[string]any{"response_action": "errors", "errors": map[string]string{"title": "A title, please"}})
				return
			}
			submitted.Store(data.View.CallbackID + ":" + title)
			a.sm.Ack(*ev.Request)
		}
	})
	if err := emu.SlashCommand(t.Context(), ann, ch, "/idea", ""); err != nil {
		t.Fatal(err)
	}
	if err := <-opened; err != nil {
		t.Fatalf("views.open: %v", err)
	}
	if _, ok := emu.Modal(ann); !ok {
		t.Fatal("no modal opened")
	}
	if v, _ := emu.Modal(ann); v.Title != "New idea" || strings.Join(v.Inputs, ",") != "title" {
		t.Errorf("modal = %+v", v)
	}
	errs, err := emu.Submit(t.Context(), ann, map[string]string{"title": ""})
	if err != nil || errs["title"] != "A title, please" {
		t.Fatalf("empty submit: errors %v, %v", errs, err)
	}
	if _, open := emu.Modal(ann); !open {
		t.Error("a refused submission closed the modal")
	}
	if errs, err := emu.Submit(t.Context(), ann, map[string]string{"title": "Dark mode"}); err != nil || errs != nil {
		t.Fatalf("submit: %v %v", errs, err)
	}
	if got, _ := submitted.Load().(string); got != "idea:Dark mode" {
		t.Errorf("the app received %q", got)
	}
	if _, open := emu.Modal(ann); open {
		t.Error("an accepted submission left the modal open")
	}
}

func TestFileUploadIsSharedInTheChannel(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	content := "number,title\n1,Dark mode\n"
	f, err := api.UploadFileContext(t.Context(), slack.UploadFileParameters{Filename: "backlog.csv", Title: "Backlog",
		Content: content, FileSize: len(content), Channel: ch, InitialComment: "The whole backlog"})
	if err != nil {
		t.Fatal(err)
	}
	files := emu.Files(ch)
	if len(files) != 1 || files[0].ID != f.ID || string(files[0].Content) != content || files[0].Title != "Backlog" {
		t.Fatalf("files in channel = %+v", files)
	}
	if m, ok := slackemu.Last(emu.Messages(ch), "The whole backlog"); !ok || len(m.Files) != 1 {
		t.Errorf("the file was not shared with its comment: %+v", emu.Messages(ch))
	}
}

func TestUnackedEventIsRedeliveredWithRetryAttempt(t *testing.T) {
	emu, api := start(t, slackemu.Options{AckTimeout: 100 * time.Millisecond, EventRetryDelays: []time.Duration{0, 0}})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	a := runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		e := ev.Data.(slackevents.EventsAPIEvent)
		inner := e.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
		if inner.User != ann || inner.Tab != "home" {
			t.Errorf("event = %+v", inner)
		}
		a.events.Add(1)
		if ev.Request.RetryAttempt == 2 {
			a.retry.Store(2)
			a.sm.Ack(*ev.Request) // only the last try is acked
		}
	})
	if err := emu.OpenHome(t.Context(), ann); err != nil {
		t.Fatalf("OpenHome: %v", err)
	}
	if a.events.Load() != 3 || a.retry.Load() != 2 {
		t.Errorf("event delivered %d times (last retry %d), want 3 with retry_attempt up to 2", a.events.Load(), a.retry.Load())
	}
	if got := emu.Timeouts(); len(got) != 2 {
		t.Errorf("Timeouts = %v, want two", got)
	}
}

func TestDroppedSocketIsRedialedAndEnvelopesWait(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		a.sm.Ack(*ev.Request, map[string]any{"text": "pong"})
	})
	emu.DropConnections()
	if err := emu.SlashCommand(t.Context(), ann, ch, "/ping", ""); err != nil {
		t.Fatalf("command after a dropped socket: %v", err)
	}
	if _, ok := slackemu.Last(emu.Ephemerals(ann, ch), "pong"); !ok {
		t.Error("no answer after the app reconnected")
	}
}

func TestResponseURLAllowsFiveUses(t *testing.T) {
	emu, api := start(t, slackemu.Options{})
	ch := emu.AddChannel("product", slackemu.ChannelOptions{})
	ann := emu.AddUser("ann", slackemu.UserOptions{})
	results := make(chan error, 6)
	runApp(t, emu, api, func(a *app, ev socketmode.Event) {
		a.sm.Ack(*ev.Request)
		cmd := ev.Data.(slack.SlashCommand)
		for range 6 {
			_, _, err := a.api.PostMessageContext(t.Context(), "", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("hi", false))
			results <- err
		}
	})
	if err := emu.SlashCommand(t.Context(), ann, ch, "/many", ""); err != nil {
		t.Fatal(err)
	}
	var failed int
	for range 6 {
		if err := <-results; err != nil {
			failed++
		}
	}
	if failed != 1 || len(emu.Ephemerals(ann, ch)) != 5 {
		t.Errorf("%d of 6 uses failed and %d replies shown; want the 6th refused", failed, len(emu.Ephemerals(ann, ch)))
	}
	if calls := emu.Calls("response_url"); calls[len(calls)-1].Error != "used_url" {
		t.Errorf("6th use answered %q, want used_url", calls[len(calls)-1].Error)
	}
}

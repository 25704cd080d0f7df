package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/priobot/priobot/commands"
)

// How each kind of envelope is answered: slash commands, clicks and
// modal submissions, Events API events.

// maxAck is the largest ack Slack takes (slack-go refuses 20 KB and more).
const maxAck = 20_000

// serveCommand answers a slash command. The reply rides on the ack when it
// is ready within AckBudget; otherwise the ack goes out empty and the reply
// follows through the response_url.
func (b *Bot) serveCommand(ctx context.Context, req envelope, cmd slack.SlashCommand) {
	if !validIDs(cmd.TeamID, cmd.ChannelID, cmd.UserID) {
		b.ack(req, map[string]any{"text": "That request didn't look like it came from Slack, so I ignored it."})
		return
	}
	rt, text, ok := b.router.command(cmd.Command, cmd.Text)
	if !ok {
		b.ack(req, map[string]any{"text": fmt.Sprintf("I don't know %s. Try `/backlog help`.", cmd.Command)})
		return
	}

	r := commands.Request{
		Team: cmd.TeamID, Channel: cmd.ChannelID, User: cmd.UserID,
		ChannelName: cmd.ChannelName, UserName: cmd.UserName,
		Text: unescape(text), TriggerID: cmd.TriggerID, ResponseURL: cmd.ResponseURL,
	}
	type result struct {
		reply     *commands.Reply
		duplicate bool
	}
	done := make(chan result, 1)
	go func() {
		if !b.first(ctx, req, rt, cmd.TeamID, cmd.TriggerID) {
			done <- result{duplicate: true}
			return
		}
		reply, _ := b.run(ctx, req, rt, r)
		done <- result{reply: reply}
	}()
	timer := time.NewTimer(b.opts.AckBudget)
	defer timer.Stop()
	select {
	case res := <-done:
		reply := res.reply
		switch {
		case res.duplicate:
			return // the first delivery acks, with the reply
		case reply == nil:
			b.ack(req, nil)
			return
		}
		if p, ok := ackPayload(req, reply); ok {
			b.ack(req, p)
			b.then(ctx, req, cmd.ResponseURL, reply)
			return
		}
		b.ack(req, nil)
		b.reply(ctx, req, cmd.ResponseURL, reply)
	case <-timer.C:
		b.ack(req, nil)
		if res := <-done; !res.duplicate {
			b.reply(ctx, req, cmd.ResponseURL, res.reply)
		}
	}
}

// escape makes plain text safe for mrkdwn: it shows literally.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// unescape turns the &amp;, &lt; and &gt; Slack puts in typed text back
// into characters; handlers escape all user text again on output.
var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace

// ackPayload encodes a reply to ride on req's ack, once; false when it is
// too big for an ack (slack-go refuses maxAck bytes and more).
func ackPayload(req envelope, r *commands.Reply) (json.RawMessage, bool) {
	data, err := json.Marshal(payloadOf(r))
	envelope := len(`{"envelope_id":"","payload":}`) + len(req.EnvelopeID)
	return data, err == nil && envelope+len(data) < maxAck
}

// reply sends a handler's reply through a response_url.
func (b *Bot) reply(ctx context.Context, req envelope, url string, reply *commands.Reply) {
	if reply == nil || url == "" {
		return
	}
	if err := b.api.respond(ctx, url, reply); err != nil {
		b.log.Error("reply not delivered", "type", req.Type, "envelope_id", req.EnvelopeID, "err", err)
		return
	}
	b.then(ctx, req, url, reply)
}

// then sends what a reply says to the person after it, privately.
func (b *Bot) then(ctx context.Context, req envelope, url string, reply *commands.Reply) {
	if reply.Then == nil || url == "" {
		return
	}
	if err := b.api.respond(ctx, url, &commands.Reply{Message: *reply.Then}); err != nil {
		b.log.Error("reply not delivered", "type", req.Type, "envelope_id", req.EnvelopeID, "err", err)
	}
}

// serveInteraction answers a click (ack first, reply through the
// response_url) or a modal submission (the ack carries its errors).
func (b *Bot) serveInteraction(ctx context.Context, req envelope, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		b.ack(req, nil)
		if len(cb.ActionCallback.BlockActions) == 0 {
			return
		}
		act := cb.ActionCallback.BlockActions[0]
		channel := cb.Container.ChannelID
		if channel == "" {
			channel = cb.Channel.ID
		}
		if !validIDs(cb.Team.ID, cb.User.ID) || (channel != "" && !validIDs(channel)) {
			return
		}
		rt, ok := b.router.action(act.ActionID)
		if !ok {
			b.log.Warn("no route for action", "action_id", act.ActionID)
			return
		}
		if !b.first(ctx, req, rt, cb.Team.ID, cb.TriggerID) {
			return
		}
		value := act.Value
		if act.SelectedOption.Value != "" { // a menu's pick
			value = act.SelectedOption.Value
		}
		r := commands.Request{
			Team: cb.Team.ID, Channel: channel, User: cb.User.ID, ChannelName: cb.Channel.Name, UserName: cb.User.Name,
			TriggerID: cb.TriggerID, ActionID: act.ActionID, Value: value, ActionTS: act.ActionTs, ResponseURL: cb.ResponseURL,
		}
		reply, _ := b.run(ctx, req, rt, r)
		b.reply(ctx, req, cb.ResponseURL, reply)
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		b.ack(req, nil)
		b.serveShortcut(ctx, req, cb)
	case slack.InteractionTypeViewSubmission:
		rt, ok := b.router.views[cb.View.CallbackID]
		if !ok || !validIDs(cb.Team.ID, cb.User.ID) {
			b.ack(req, nil)
			return
		}
		r := commands.Request{Team: cb.Team.ID, User: cb.User.ID, UserName: cb.User.Name, TriggerID: cb.TriggerID,
			Values: viewValues(cb.View.State), PrivateMetadata: cb.View.PrivateMetadata}
		type result struct {
			reply  *commands.Reply
			failed bool
		}
		done := make(chan result, 1)
		go func() {
			reply, failed := b.run(ctx, req, rt, r)
			done <- result{reply, failed}
		}()
		timer := time.NewTimer(b.opts.AckBudget)
		defer timer.Stop()
		select {
		case res := <-done:
			switch {
			case res.failed && len(r.Values) > 0:
				// An error for the whole form: show it on the first input.
				b.ack(req, map[string]any{"response_action": "errors", "errors": map[string]string{firstKey(r.Values): unescape(res.reply.Text)}})
			case res.reply != nil && res.reply.ViewErrors != nil:
				b.ack(req, map[string]any{"response_action": "errors", "errors": res.reply.ViewErrors})
			default:
				b.ack(req, nil)
			}
		case <-timer.C:
			// Slow work (a session with many cards): close the form in
			// time and let it finish; it reports in the channel.
			b.ack(req, nil)
			<-done
		}
	default:
		b.ack(req, nil)
	}
}

func viewValues(state *slack.ViewState) map[string]string {
	out := map[string]string{}
	if state == nil {
		return out
	}
	for blockID, actions := range state.Values {
		for _, a := range actions {
			v := a.Value
			switch {
			case a.SelectedOption.Value != "":
				v = a.SelectedOption.Value
			case len(a.SelectedOptions) > 0:
				values := make([]string, len(a.SelectedOptions))
				for i, o := range a.SelectedOptions {
					values[i] = o.Value
				}
				v = strings.Join(values, ",")
			case a.SelectedConversation != "":
				v = a.SelectedConversation
			case len(a.SelectedUsers) > 0:
				v = strings.Join(a.SelectedUsers, ",")
			}
			out[blockID] = v
		}
	}
	return out
}

// serveShortcut runs a global or message shortcut (acked already). A
// message shortcut's channel, message ts and author are checked like any
// id; the handler opens a form with the trigger_id, or answers through
// the response_url.
func (b *Bot) serveShortcut(ctx context.Context, req envelope, cb slack.InteractionCallback) {
	rt, ok := b.router.shortcuts[cb.CallbackID]
	if !ok || !validIDs(cb.Team.ID, cb.User.ID) {
		b.log.Warn("no route for shortcut", "callback_id", cb.CallbackID)
		return
	}
	r := commands.Request{Team: cb.Team.ID, User: cb.User.ID, UserName: cb.User.Name, TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL}
	if r.UserName == "" {
		r.UserName = cb.User.Username
	}
	if cb.Type == slack.InteractionTypeMessageAction {
		m := cb.Message
		if !validIDs(cb.Channel.ID) || !slackTS.MatchString(m.Timestamp) || (m.User != "" && !validIDs(m.User)) {
			return
		}
		r.Channel, r.ChannelName = cb.Channel.ID, cb.Channel.Name
		r.Shared = &commands.SharedMessage{Channel: cb.Channel.ID, ChannelName: cb.Channel.Name, TS: m.Timestamp, User: m.User, Text: m.Text}
	}
	if !b.first(ctx, req, rt, cb.Team.ID, cb.TriggerID) {
		return
	}
	reply, _ := b.run(ctx, req, rt, r)
	b.reply(ctx, req, cb.ResponseURL, reply)
}

func firstKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0]
}

// serveEvent runs an Events API event once, however often Slack delivers it.
func (b *Bot) serveEvent(ctx context.Context, req envelope, ev slackevents.EventsAPIEvent) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || !validIDs(ev.TeamID) {
		return
	}
	rt, ok := b.router.events[ev.InnerEvent.Type]
	if !ok {
		return
	}
	first, err := b.dedupe.FirstDelivery(ctx, ev.TeamID, cb.EventID)
	if err != nil {
		b.log.Error("event dedupe failed", "envelope_id", req.EnvelopeID, "err", err)
		return
	}
	if !first {
		b.log.Debug("duplicate event ignored", "event_id", cb.EventID, "retry_attempt", req.RetryAttempt)
		return
	}
	r := commands.Request{Team: ev.TeamID}
	if e, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
		r.User, r.Channel = e.User, e.Channel
	}
	if r.User != "" && !validIDs(r.User) {
		return
	}
	b.run(ctx, req, rt, r) // errors are logged in run; an event has nobody to reply to
}

package slackemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The person API: what a Slack user does, as the bot receives it.

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func (s *Server) userLocked(id string) (*User, error) {
	u, ok := s.users[id]
	if !ok {
		return nil, fmt.Errorf("slackemu: no user %s", id)
	}
	return u, nil
}

// newTriggerLocked issues a trigger_id valid for 3 s. Call with s.mu held.
func (s *Server) newTriggerLocked(user string) string {
	id := s.nextID("trig-")
	s.triggers[id] = trigger{user: user, expires: time.Now().Add(3 * time.Second)}
	return id
}

// SlashCommand types "/command text" in a channel as user. It returns once
// the bot has acked (ErrTimeout if it did not in time); a reply carried by
// the ack is shown at once, later replies arrive through the response_url.
func (s *Server) SlashCommand(ctx context.Context, user, channel, command, text string) error {
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	c, ok := s.channels[channel]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: no channel %s", channel)
	}
	ru := &responseURL{user: user, channel: channel}
	payload := map[string]any{
		"token": "legacy-verification-token", "team_id": u.Team, "team_domain": "emulated",
		"channel_id": channel, "channel_name": c.name, "user_id": user, "user_name": u.Name,
		"command": command, "text": text, "api_app_id": AppID, "is_enterprise_install": false,
		"response_url": s.newResponseURLLocked(ru), "trigger_id": s.newTriggerLocked(user),
	}
	s.mu.Unlock()
	ack, err := s.deliver(ctx, "slash_commands", mustJSON(payload), true)
	if err != nil {
		return err
	}
	return s.applyAck(ru, ack)
}

// applyAck shows a message carried by an ack (ephemeral unless in_channel).
func (s *Server) applyAck(ru *responseURL, ack json.RawMessage) error {
	if len(ack) == 0 || string(ack) == "null" || string(ack) == "{}" {
		return nil
	}
	var p responsePayload
	if err := json.Unmarshal(ack, &p); err != nil {
		return fmt.Errorf("slackemu: bad ack payload: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changedLocked()
	return s.respondLocked(ru, p)
}

// Click presses the button labelled label on message m as user, the way
// Slack sends it: a block_actions payload with the message, container and a
// response_url. It returns once the bot acked.
func (s *Server) Click(ctx context.Context, user string, m Message, label string) error {
	return s.ClickRow(ctx, user, m, "", label)
}

// ClickForged sends a click on message m with any action id and value, as
// a tampering client could: for tests that the bot trusts nothing in a payload.
func (s *Server) ClickForged(ctx context.Context, user string, m Message, actionID, value string) error {
	return s.click(ctx, user, m, func([]placed) (*button, error) {
		return &button{blockID: "forged", el: element{Type: "button", ActionID: actionID, Value: value, Text: &textObj{Type: "plain_text", Text: "forged"}}}, nil
	})
}

// ClickRow presses the button labelled label in the row under the text that
// starts with row (the section just above the buttons), as a person picks
// "8" under "Effort" when every row has an 8. An empty row takes the first
// button with that label.
func (s *Server) ClickRow(ctx context.Context, user string, m Message, row, label string) error {
	return s.click(ctx, user, m, byLabel(row, label))
}

// Pick opens the overflow menu (⋯) on message m as user and picks the
// option labelled option, as Slack sends it: a block_actions payload with
// the selected option.
func (s *Server) Pick(ctx context.Context, user string, m Message, label string) error {
	return s.PickRow(ctx, user, m, "", label)
}

// PickRow picks option label in the menu of the row whose text starts
// with row (a list's line, say "2. #5 Export"); an empty row takes the
// first menu offering it.
func (s *Server) PickRow(ctx context.Context, user string, m Message, row, label string) error {
	return s.click(ctx, user, m, func(all []placed) (*button, error) {
		var offered []string
		for _, b := range all {
			if b.el.Type != "overflow" || !strings.HasPrefix(b.row, row) {
				continue
			}
			for _, o := range b.el.Options {
				if o.Text.Text == label {
					picked := b.button
					picked.el.Options = []option{o}
					return &picked, nil
				}
				offered = append(offered, o.Text.Text)
			}
		}
		return nil, fmt.Errorf("slackemu: no menu option %q on the message (it offers %v)", label, offered)
	})
}

// ClickPayload is the block_actions payload ClickRow would send, for
// benchmarks of what decoding it costs; nothing is sent.
func (s *Server) ClickPayload(user string, m Message, row, label string) ([]byte, error) {
	return s.clickBody(user, m, byLabel(row, label))
}

func byLabel(row, label string) func([]placed) (*button, error) {
	return func(all []placed) (*button, error) {
		var labels []string
		for _, b := range all {
			if !strings.HasPrefix(b.row, row) || b.el.Type != "button" {
				continue
			}
			if b.el.Text.Text == label {
				return &b.button, nil
			}
			labels = append(labels, b.el.Text.Text)
		}
		return nil, fmt.Errorf("slackemu: no button %q under %q on the message (it has %v)", label, row, labels)
	}
}

// A block_actions payload as Slack sends it, less the message, which is
// spliced in as the emulator keeps it encoded (msg.payload).
type (
	clickPayload struct {
		Type                string         `json:"type"`
		Team                teamRef        `json:"team"`
		User                userRef        `json:"user"`
		APIAppID            string         `json:"api_app_id"`
		Token               string         `json:"token"`
		Container           clickContainer `json:"container"`
		TriggerID           string         `json:"trigger_id"`
		Channel             channelRef     `json:"channel"`
		ResponseURL         string         `json:"response_url"`
		State               map[string]any `json:"state"`
		IsEnterpriseInstall bool           `json:"is_enterprise_install"`
		Actions             []clickAction  `json:"actions"`
	}
	teamRef struct {
		ID     string `json:"id"`
		Domain string `json:"domain"`
	}
	userRef struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
		TeamID   string `json:"team_id"`
	}
	channelRef struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	clickContainer struct {
		Type        string `json:"type"`
		MessageTS   string `json:"message_ts"`
		ChannelID   string `json:"channel_id"`
		IsEphemeral bool   `json:"is_ephemeral"`
		ThreadTS    string `json:"thread_ts,omitempty"`
	}
	clickAction struct {
		Type     string `json:"type"`
		ActionID string `json:"action_id"`
		BlockID  string `json:"block_id"`
		Text     struct {
			Type  string `json:"type"`
			Text  string `json:"text"`
			Emoji bool   `json:"emoji"`
		} `json:"text"`
		Value          string  `json:"value,omitempty"`
		SelectedOption *option `json:"selected_option,omitempty"`
		ActionTS       string  `json:"action_ts"`
	}
)

func (s *Server) click(ctx context.Context, user string, m Message, pick func([]placed) (*button, error)) error {
	body, err := s.clickBody(user, m, pick)
	if err != nil {
		return err
	}
	_, err = s.deliver(ctx, "interactive", body, true)
	return err
}

func (s *Server) clickBody(user string, m Message, pick func([]placed) (*button, error)) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.userLocked(user)
	if err != nil {
		return nil, err
	}
	c, cur := s.findLocked(m.Channel, m.TS)
	if cur == nil {
		return nil, fmt.Errorf("slackemu: message %s in %s is gone", m.TS, m.Channel)
	}
	if cur.ephemeral && cur.forUser != user {
		return nil, fmt.Errorf("slackemu: %s cannot see that ephemeral message", u.Name)
	}
	hit, err := pick(s.placedLocked(cur))
	if err != nil {
		return nil, err
	}
	ru := &responseURL{user: user, channel: c.id, messageTS: cur.ts, threadTS: cur.threadTS}
	p := clickPayload{
		Type: "block_actions", Team: teamRef{u.Team, "emulated"}, User: userRef{u.ID, u.Name, u.Name, u.Team},
		APIAppID: AppID, Token: "legacy-verification-token",
		Container: clickContainer{Type: "message", MessageTS: cur.ts, ChannelID: c.id, IsEphemeral: cur.ephemeral, ThreadTS: cur.threadTS},
		TriggerID: s.newTriggerLocked(user), Channel: channelRef{c.id, c.name}, ResponseURL: s.newResponseURLLocked(ru),
		State:   map[string]any{"values": map[string]any{}},
		Actions: []clickAction{{Type: hit.el.Type, ActionID: hit.el.ActionID, BlockID: hit.blockID, Value: hit.el.Value, ActionTS: s.nextTS()}},
	}
	if hit.el.Type == "overflow" { // a menu's pick: the option chosen, no text of its own
		p.Actions[0].SelectedOption = &hit.el.Options[0]
	} else {
		p.Actions[0].Text.Type, p.Actions[0].Text.Text, p.Actions[0].Text.Emoji = "plain_text", hit.el.Text.Text, true
	}
	if cur.payload == nil {
		message := map[string]any{"type": "message", "ts": cur.ts, "text": cur.text, "blocks": cur.raw, "user": cur.user}
		if cur.user == BotUserID {
			message["bot_id"] = BotID
		}
		if cur.threadTS != "" {
			message["thread_ts"] = cur.threadTS
		}
		cur.payload = mustJSON(message)
	}
	body := mustJSON(p)
	return append(append(append(body[:len(body)-1], `,"message":`...), cur.payload...), '}'), nil
}

// Submit fills the modal in front of user with values (input block id ->
// text, selected option value, or users and conversations by id) and
// presses its submit button; an input not in values keeps what the form
// filled in. It returns the errors the bot put on the form
// (response_action "errors"), if any.
func (s *Server) Submit(ctx context.Context, user string, values map[string]string) (map[string]string, error) {
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	v, ok := s.views[s.modals[user]]
	if !ok {
		s.mu.Unlock()
		return nil, fmt.Errorf("slackemu: %s has no modal open", u.Name)
	}
	if forged, ok := ctx.Value(forgedMeta{}).(string); ok {
		copied := *v
		copied.PrivateMetadata = forged
		v = &copied
	}
	state := map[string]any{}
	for _, b := range v.blocks {
		if b.Type != "input" {
			continue
		}
		val := map[string]any{"type": b.Element.Type}
		given, ok := values[b.BlockID]
		if !ok {
			given = initial(b.Element)
		}
		chosen := strings.Split(given, ",")
		switch b.Element.Type {
		case "conversations_select", "channels_select":
			val["selected_conversation"] = given
			if b.Element.Type == "channels_select" {
				delete(val, "selected_conversation")
				val["selected_channel"] = given
			}
		case "static_select":
			val["selected_option"] = nil
			for _, o := range b.Element.Options {
				if o.Value == given {
					val["selected_option"] = map[string]any{"text": o.Text, "value": o.Value}
				}
			}
		case "multi_static_select":
			picked := []map[string]any{}
			for _, o := range b.Element.Options {
				if slices.Contains(chosen, o.Value) {
					picked = append(picked, map[string]any{"text": o.Text, "value": o.Value})
				}
			}
			val["selected_options"] = picked
		case "users_select":
			val["selected_user"] = given
		case "multi_users_select":
			users := []string{}
			for _, u := range chosen {
				if u != "" {
					users = append(users, u)
				}
			}
			val["selected_users"] = users
		default:
			val["value"] = given
		}
		state[b.BlockID] = map[string]any{b.Element.ActionID: val}
	}
	payload := map[string]any{
		"type": "view_submission", "team": map[string]any{"id": u.Team, "domain": "emulated"},
		"user":       map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.Team},
		"api_app_id": AppID, "token": "legacy-verification-token", "trigger_id": s.newTriggerLocked(user),
		"view": map[string]any{"id": v.ID, "type": v.Type, "callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
			"hash": v.ID + "-hash", "team_id": u.Team, "app_id": AppID, "state": map[string]any{"values": state}},
		"is_enterprise_install": false,
	}
	s.mu.Unlock()
	ack, err := s.deliver(ctx, "interactive", mustJSON(payload), true)
	if err != nil {
		return nil, err
	}
	var answer struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if len(ack) > 0 {
		_ = json.Unmarshal(ack, &answer)
	}
	if answer.ResponseAction == "errors" {
		return answer.Errors, nil
	}
	s.mu.Lock()
	delete(s.modals, user)
	s.changedLocked()
	s.mu.Unlock()
	return nil, nil
}

type forgedMeta struct{}

// SubmitForged submits the modal in front of user as Submit does, but
// with private_metadata replaced: what a tampering client could send.
func (s *Server) SubmitForged(ctx context.Context, user, privateMetadata string, values map[string]string) (map[string]string, error) {
	return s.Submit(context.WithValue(ctx, forgedMeta{}, privateMetadata), user, values)
}

// initial is what an input holds before anyone types or picks.
func initial(e *element) string {
	switch {
	case e.InitialOption != nil:
		return e.InitialOption.Value
	case len(e.InitialOptions) > 0:
		values := make([]string, len(e.InitialOptions))
		for i, o := range e.InitialOptions {
			values[i] = o.Value
		}
		return strings.Join(values, ",")
	case len(e.InitialUsers) > 0:
		return strings.Join(e.InitialUsers, ",")
	case e.InitialUser != "":
		return e.InitialUser
	case e.InitialConversation != "":
		return e.InitialConversation
	}
	return e.InitialValue
}

// OpenHome opens the app's Home tab as user: an app_home_opened event.
func (s *Server) OpenHome(ctx context.Context, user string) error {
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	im := s.imLocked(user)
	eventTS := s.nextTS()
	payload := map[string]any{
		"token": "legacy-verification-token", "team_id": u.Team, "api_app_id": AppID, "type": "event_callback",
		"event_id": s.nextID("Ev"), "event_time": time.Now().Unix(), "authorizations": []map[string]any{{"team_id": u.Team, "user_id": BotUserID, "is_bot": true}},
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": im.id, "tab": "home", "event_ts": eventTS},
	}
	s.mu.Unlock()
	_, err = s.deliver(ctx, "events_api", mustJSON(payload), false)
	return err
}

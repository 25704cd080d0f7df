package slackemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	ack, err := s.deliver(ctx, "slash_commands", payload, true)
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
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	c, cur := s.findLocked(m.Channel, m.TS)
	if cur == nil {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: message %s in %s is gone", m.TS, m.Channel)
	}
	if cur.ephemeral && cur.forUser != user {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: %s cannot see that ephemeral message", u.Name)
	}
	var hit *button
	for _, b := range buttons(cur.blocks) {
		if b.el.Text.Text == label {
			hit = &b
			break
		}
	}
	if hit == nil {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: no button %q on the message (it has %v)", label, s.snapshotLocked(cur).Buttons)
	}
	ru := &responseURL{user: user, channel: c.id, messageTS: cur.ts, threadTS: cur.threadTS}
	container := map[string]any{"type": "message", "message_ts": cur.ts, "channel_id": c.id, "is_ephemeral": cur.ephemeral}
	message := map[string]any{"type": "message", "ts": cur.ts, "text": cur.text, "blocks": cur.raw, "user": cur.user}
	if cur.user == BotUserID {
		message["bot_id"] = BotID
	}
	if cur.threadTS != "" {
		container["thread_ts"] = cur.threadTS
		message["thread_ts"] = cur.threadTS
	}
	payload := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": u.Team, "domain": "emulated"},
		"user":       map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.Team},
		"api_app_id": AppID, "token": "legacy-verification-token", "container": container,
		"trigger_id": s.newTriggerLocked(user), "channel": map[string]any{"id": c.id, "name": c.name},
		"message": message, "response_url": s.newResponseURLLocked(ru),
		"state": map[string]any{"values": map[string]any{}}, "is_enterprise_install": false,
		"actions": []map[string]any{{
			"type": "button", "action_id": hit.el.ActionID, "block_id": hit.blockID,
			"text": map[string]any{"type": "plain_text", "text": label, "emoji": true}, "value": hit.el.Value,
			"action_ts": s.nextTS(),
		}},
	}
	s.mu.Unlock()
	_, err = s.deliver(ctx, "interactive", payload, true)
	return err
}

// Submit fills the modal in front of user with values (input block id ->
// text or selected option value) and presses its submit button. It returns
// the errors the bot put on the form (response_action "errors"), if any.
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
	state := map[string]any{}
	for _, b := range v.blocks {
		if b.Type != "input" {
			continue
		}
		val := map[string]any{"type": b.Element.Type}
		if b.Element.Type == "static_select" {
			val["selected_option"] = nil
			for _, o := range b.Element.Options {
				if o.Value == values[b.BlockID] {
					val["selected_option"] = map[string]any{"text": o.Text, "value": o.Value}
				}
			}
		} else {
			val["value"] = values[b.BlockID]
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
	ack, err := s.deliver(ctx, "interactive", payload, true)
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
	_, err = s.deliver(ctx, "events_api", payload, false)
	return err
}

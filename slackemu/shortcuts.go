package slackemu

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// Shortcut is one of the app's shortcuts, as its manifest declares it: a
// global one (the ⚡ menu) or a message one (a message's ⋯ menu).
type Shortcut struct {
	Name, Type, CallbackID string
}

// Command is one of the app's slash commands, as its manifest declares it.
type Command struct {
	Name, Description, UsageHint string
	// ShouldEscape: mentions in the typed text reach the app as <@U…|name>.
	ShouldEscape bool
}

// readManifest reads the slash commands and shortcuts of an app manifest
// (YAML): the lists under features.slash_commands and features.shortcuts.
func readManifest(text string) ([]Command, []Shortcut, error) {
	var m struct {
		Features struct {
			SlashCommands []struct {
				Command, Description string
				UsageHint            string `yaml:"usage_hint"`
				ShouldEscape         bool   `yaml:"should_escape"`
			} `yaml:"slash_commands"`
			Shortcuts []struct {
				Name, Type string
				CallbackID string `yaml:"callback_id"`
			}
		}
	}
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		return nil, nil, fmt.Errorf("slackemu: the manifest: %w", err)
	}
	var commands []Command
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, Command{Name: c.Command, Description: c.Description, UsageHint: c.UsageHint, ShouldEscape: c.ShouldEscape})
	}
	var shortcuts []Shortcut
	for _, sc := range m.Features.Shortcuts {
		shortcuts = append(shortcuts, Shortcut{Name: sc.Name, Type: sc.Type, CallbackID: sc.CallbackID})
	}
	if len(commands) == 0 && len(shortcuts) == 0 {
		return nil, nil, fmt.Errorf("slackemu: the manifest declares no slash commands and no shortcuts")
	}
	return commands, shortcuts, nil
}

// Shortcuts lists the app's shortcuts, as its manifest declares them.
func (s *Server) Shortcuts() []Shortcut { return slices.Clone(s.shortcuts) }

// Commands lists the app's slash commands, as its manifest declares them.
func (s *Server) Commands() []Command { return slices.Clone(s.commands) }

// shortcutLocked finds the app's shortcut of a type by the name people see.
func (s *Server) shortcutLocked(name, typ string) (Shortcut, error) {
	for _, sc := range s.shortcuts {
		if sc.Name == name && sc.Type == typ {
			return sc, nil
		}
	}
	return Shortcut{}, fmt.Errorf("slackemu: the app has no %s shortcut named %q (its manifest has %v)", typ, name, s.shortcuts)
}

// Say posts a message as a person, as they would type it in a channel (or
// in a thread, with threadTS). The bot is told nothing: it subscribes to no
// message events.
func (s *Server) Say(user, channel, threadTS, text string) (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.userLocked(user); err != nil {
		return Message{}, err
	}
	c, ok := s.channels[channel]
	if !ok {
		return Message{}, fmt.Errorf("slackemu: no channel %s", channel)
	}
	m := &msg{channel: channel, ts: s.nextTS(), threadTS: threadTS, user: user, text: text}
	c.messages = append(c.messages, m)
	s.changedLocked()
	return s.snapshotLocked(m), nil
}

// MessageShortcut picks the app's message shortcut called name from the ⋯
// menu of message m, as user: a message_action payload, as Slack sends it,
// with the message, the channel, a trigger_id and a response_url.
func (s *Server) MessageShortcut(ctx context.Context, user string, m Message, name string) error {
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	sc, err := s.shortcutLocked(name, "message")
	if err != nil {
		s.mu.Unlock()
		return err
	}
	c, ok := s.channels[m.Channel]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: no channel %s", m.Channel)
	}
	message := map[string]any{"type": "message", "user": m.User, "text": s.rawTextLocked(m), "ts": m.TS}
	if m.ThreadTS != "" {
		message["thread_ts"] = m.ThreadTS
	}
	payload := map[string]any{
		"type": "message_action", "token": "legacy-verification-token", "action_ts": actionTS(),
		"team": map[string]any{"id": u.Team, "domain": "emulated"}, "user": map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.Team},
		"channel": map[string]any{"id": c.id, "name": c.name}, "is_enterprise_install": false, "enterprise": nil,
		"callback_id": sc.CallbackID, "trigger_id": s.newTriggerLocked(user), "message_ts": m.TS, "message": message,
		"response_url": s.newResponseURLLocked(&responseURL{user: user, channel: c.id}),
	}
	s.mu.Unlock()
	_, err = s.deliver(ctx, "interactive", mustJSON(payload), false)
	return err
}

// GlobalShortcut picks the app's global shortcut called name from the ⚡
// menu, as user: a shortcut payload, as Slack sends it (no channel).
func (s *Server) GlobalShortcut(ctx context.Context, user, name string) error {
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	sc, err := s.shortcutLocked(name, "global")
	if err != nil {
		s.mu.Unlock()
		return err
	}
	payload := map[string]any{
		"type": "shortcut", "token": "legacy-verification-token", "action_ts": actionTS(),
		"team": map[string]any{"id": u.Team, "domain": "emulated"}, "user": map[string]any{"id": u.ID, "username": u.Name, "team_id": u.Team},
		"is_enterprise_install": false, "enterprise": nil, "callback_id": sc.CallbackID, "trigger_id": s.newTriggerLocked(user),
	}
	s.mu.Unlock()
	_, err = s.deliver(ctx, "interactive", mustJSON(payload), false)
	return err
}

// rawTextLocked is a message's text as Slack sends it in payloads.
func (s *Server) rawTextLocked(m Message) string {
	for _, mm := range s.channels[m.Channel].messages {
		if mm.ts == m.TS {
			return mm.text
		}
	}
	return m.Fallback
}

func actionTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

// IM is the direct-message conversation between the bot and a person, where
// they can type commands too.
func (s *Server) IM(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imLocked(user).id
}

// ClickHome presses the button labelled label on the Home tab the bot
// published for user: a block_actions payload from a view, as Slack sends
// it (no channel, no response_url; a trigger_id to open a form).
func (s *Server) ClickHome(ctx context.Context, user, label string) error {
	return s.clickHome(ctx, user, func(b button) bool { return b.el.Type == "button" && b.el.Text != nil && b.el.Text.Text == label }, fmt.Sprintf("no button %q", label))
}

// ClickHomeAction presses the Home tab's button with the given block and
// action ids and value: the web client knows the button it shows.
func (s *Server) ClickHomeAction(ctx context.Context, user, blockID, actionID, value string) error {
	return s.clickHome(ctx, user, func(b button) bool {
		return b.blockID == blockID && b.el.ActionID == actionID && b.el.Value == value
	}, "no such button")
}

func (s *Server) clickHome(ctx context.Context, user string, pick func(button) bool, missing string) error {
	s.mu.Lock()
	u, err := s.userLocked(user)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	v, ok := s.views[s.homes[user]]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: %s has no Home tab published", u.Name)
	}
	var hit *button
	for _, b := range buttons(v.blocks) {
		if pick(b) {
			hit = &b
			break
		}
	}
	if hit == nil {
		s.mu.Unlock()
		return fmt.Errorf("slackemu: %s on %s's Home", missing, u.Name)
	}
	payload := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": u.Team, "domain": "emulated"},
		"user": map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.Team}, "api_app_id": AppID,
		"token": "legacy-verification-token", "container": map[string]any{"type": "view", "view_id": v.ID},
		"trigger_id": s.newTriggerLocked(user), "view": map[string]any{"id": v.ID, "type": "home", "team_id": u.Team},
		"actions": []map[string]any{{"type": "button", "action_id": hit.el.ActionID, "block_id": hit.blockID, "value": hit.el.Value,
			"text": map[string]any{"type": "plain_text", "text": hit.el.Text.Text}, "action_ts": s.nextTS()}},
	}
	s.mu.Unlock()
	_, err = s.deliver(ctx, "interactive", mustJSON(payload), false)
	return err
}

package slackemu

import (
	"encoding/json"
	"strings"
)

// msg is a message as the emulator keeps it.
type msg struct {
	channel, ts, threadTS string
	user                  string // author: a person's id or BotUserID
	text                  string
	raw                   json.RawMessage // blocks as posted
	blocks                []block
	linkNames             bool
	ephemeral             bool
	forUser               string // ephemeral: the one person who sees it
	files                 []string
	edits                 int

	// Worked out on the first click and kept until the blocks change:
	// a burst of clicks on one card parses and renders it once.
	placed  []placed
	payload json.RawMessage // the message as a click payload carries it
}

// setContent replaces what a message says (chat.update, response_url).
func (m *msg) setContent(text string, raw json.RawMessage, blocks []block) {
	m.text, m.raw, m.blocks = text, raw, blocks
	m.placed, m.payload = nil, nil
}

// Message is what a person sees of one message.
type Message struct {
	Channel, TS, ThreadTS string
	User                  string   // who posted it: a person's id, or BotUserID
	Text                  string   // rendered as a person reads it (blocks if any, else the text field)
	Fallback              string   // the top-level text field: notifications and screen readers
	Buttons               []string // visible button labels, in order
	Menu                  []string // the options of its overflow menus (⋯), in order
	Mentions              []string // whom it notifies: user ids, "channel", "here", "everyone"
	Ephemeral             bool
	For                   string   // an ephemeral message's only reader
	Files                 []string // ids of files shared with it
	Edits                 int      // how often chat.update or a response_url replaced it
	Blocks                int      // how many blocks it has
	BlockKit              json.RawMessage
	Replies               int // replies in its thread (Seen only)
}

// Contains reports whether the rendered text contains every one of parts.
func (m Message) Contains(parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(m.Text, p) {
			return false
		}
	}
	return true
}

// snapshotLocked renders m for reading. Call with s.mu held.
func (s *Server) snapshotLocked(m *msg) Message {
	text, mentions := s.renderLocked(m.text, m.blocks, m.linkNames)
	out := Message{
		Channel: m.channel, TS: m.ts, ThreadTS: m.threadTS, User: m.user,
		Text: text, Fallback: m.text, Mentions: mentions,
		Ephemeral: m.ephemeral, For: m.forUser, Files: append([]string(nil), m.files...),
		Edits: m.edits, Blocks: len(m.blocks), BlockKit: m.raw,
	}
	for _, b := range buttons(m.blocks) {
		if b.el.Type == "overflow" {
			for _, o := range b.el.Options {
				out.Menu = append(out.Menu, o.Text.Text)
			}
			continue
		}
		out.Buttons = append(out.Buttons, b.el.Text.Text)
	}
	return out
}

func (s *Server) collect(keep func(*channel, *msg) bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range sortedKeys(s.channels) {
		c := s.channels[id]
		for _, m := range c.messages {
			if keep(c, m) {
				out = append(out, s.snapshotLocked(m))
			}
		}
	}
	return out
}

// Messages returns the top-level messages everyone in a channel sees, oldest first.
func (s *Server) Messages(channelID string) []Message {
	return s.collect(func(c *channel, m *msg) bool {
		return c.id == channelID && !m.ephemeral && (m.threadTS == "" || m.threadTS == m.ts)
	})
}

// Thread returns the replies in the thread under a message, oldest first.
func (s *Server) Thread(channelID, ts string) []Message {
	return s.collect(func(c *channel, m *msg) bool {
		return c.id == channelID && !m.ephemeral && m.threadTS == ts && m.ts != ts
	})
}

// Ephemerals returns the ephemeral messages a user was shown in a channel.
func (s *Server) Ephemerals(user, channelID string) []Message {
	return s.collect(func(c *channel, m *msg) bool {
		return c.id == channelID && m.ephemeral && m.forUser == user
	})
}

// DMs returns the messages the bot sent a user in their direct conversation.
func (s *Server) DMs(user string) []Message {
	return s.collect(func(c *channel, m *msg) bool { return c.im && c.user == user })
}

// All returns every message of every channel, ephemeral ones included.
func (s *Server) All() []Message {
	return s.collect(func(*channel, *msg) bool { return true })
}

// Last returns the newest message in list that contains every one of parts.
func Last(list []Message, parts ...string) (Message, bool) {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Contains(parts...) {
			return list[i], true
		}
	}
	return Message{}, false
}

// findLocked finds a message by channel and ts. Call with s.mu held.
func (s *Server) findLocked(channelID, ts string) (*channel, *msg) {
	c := s.channels[channelID]
	if c == nil {
		return nil, nil
	}
	for _, m := range c.messages {
		if m.ts == ts {
			return c, m
		}
	}
	return c, nil
}

// deleteLocked removes a message. Call with s.mu held.
func (c *channel) deleteLocked(ts string) bool {
	for i, m := range c.messages {
		if m.ts == ts {
			c.messages = append(c.messages[:i], c.messages[i+1:]...)
			return true
		}
	}
	return false
}

package slackemu

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// What a Slack client shows and does, for the playground's web client:
// the conversations a person sees, their messages with the blocks as
// posted, and the composer that turns typed text into a message or a
// slash command the way Slack's own client does.

// Changes returns a channel that is closed at the emulator's next change:
// wait on it, then read what you show again.
func (s *Server) Changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Users lists the people of every workspace, by name.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []User
	for _, u := range s.users {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Conversation is a channel, or a person's DM with the bot, as a sidebar
// lists it.
type Conversation struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
	IM      bool   `json:"im"` // the person's DM with the app
}

// Conversations lists what user's sidebar shows: the public channels of
// their workspace, the private ones they are in, and their DM with the bot.
func (s *Server) Conversations(user string) []Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[user]
	if !ok {
		return nil
	}
	out := []Conversation{}
	for _, id := range sortedKeys(s.channels) {
		c := s.channels[id]
		if c.team != u.Team || c.im || (c.private && !slices.Contains(c.members, user)) {
			continue
		}
		out = append(out, Conversation{ID: c.id, Name: c.name, Private: c.private})
	}
	slices.SortFunc(out, func(a, b Conversation) int { return strings.Compare(a.Name, b.Name) })
	return append(out, Conversation{ID: s.imLocked(user).id, Name: "priobot", IM: true})
}

// canSeeLocked reports whether user may read channel c.
func (s *Server) canSeeLocked(user string, c *channel) bool {
	u := s.users[user]
	switch {
	case u == nil || c.team != u.Team:
		return false
	case c.im:
		return c.user == user
	case c.private:
		return slices.Contains(c.members, user)
	}
	return true
}

// Seen returns what user sees in a channel, oldest first: with threadTS
// empty its top-level messages (each with its reply count), else the
// thread's parent and replies; their own ephemeral messages included.
func (s *Server) Seen(user, channel, threadTS string) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channel]
	if !ok || !s.canSeeLocked(user, c) {
		return nil, fmt.Errorf("slackemu: %s cannot see channel %s", user, channel)
	}
	replies := map[string]int{}
	for _, m := range c.messages {
		if m.threadTS != "" && m.threadTS != m.ts && !m.ephemeral {
			replies[m.threadTS]++
		}
	}
	out := []Message{}
	for _, m := range c.messages {
		if m.ephemeral && m.forUser != user {
			continue
		}
		top := m.threadTS == "" || m.threadTS == m.ts
		if (threadTS == "" && top) || (threadTS != "" && (m.ts == threadTS || m.threadTS == threadTS)) {
			snap := s.snapshotLocked(m)
			snap.Replies = replies[m.ts]
			out = append(out, snap)
		}
	}
	return out, nil
}

// Mark is a timestamp later than every message so far. A client that
// opens compares ephemeral messages with it: Slack's client forgets them
// on reload.
func (s *Server) Mark() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextTS()
}

// Before reports whether message timestamp a is older than b.
func Before(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	return as+"."+af < bs+"."+bf
}

// File returns an uploaded file by id.
func (s *Server) File(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return File{}, false
	}
	return *f, true
}

// ErrNotACommand answers text that starts with "/" but names none of the
// app's commands: Slack's client refuses to send it.
var ErrNotACommand = errors.New("not a valid command")

// Type sends what user typed in a channel's composer (or a thread's, with
// threadTS) as Slack's client does: "/command text" runs one of the app's
// slash commands (in the channel; Slack sends no thread), anything else is
// posted as a message. Typed text reaches the app escaped (&amp; &lt;
// &gt;), and @name and #channel become <@U…|name> and <#C…|name> in
// messages and in commands whose manifest says should_escape.
func (s *Server) Type(ctx context.Context, user, channel, threadTS, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	name, args, _ := strings.Cut(text, " ")
	if strings.HasPrefix(name, "/") {
		i := slices.IndexFunc(s.commands, func(c Command) bool { return c.Name == name })
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrNotACommand, name)
		}
		args = escapeTyped(strings.TrimSpace(args))
		if s.commands[i].ShouldEscape {
			args = s.linkNames(user, args)
		}
		return s.SlashCommand(ctx, user, channel, name, args)
	}
	_, err := s.Say(user, channel, threadTS, s.linkNames(user, escapeTyped(text)))
	return err
}

var escapeTyped = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

var namedRef = regexp.MustCompile(`(^|[\s(,])([@#])([a-z0-9][a-z0-9._-]*)`)

// linkNames turns @name and #channel of user's workspace into mentions.
func (s *Server) linkNames(user, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	if u == nil {
		return text
	}
	return namedRef.ReplaceAllStringFunc(text, func(ref string) string {
		m := namedRef.FindStringSubmatch(ref)
		lead, sigil, name := m[1], m[2], strings.TrimRight(m[3], ".")
		rest := m[3][len(name):]
		if sigil == "@" {
			if name == "channel" || name == "here" || name == "everyone" {
				return lead + "<!" + name + ">" + rest
			}
			for _, other := range s.users {
				if other.Team == u.Team && other.Name == name {
					return lead + "<@" + other.ID + "|" + name + ">" + rest
				}
			}
			if g := s.groupNamedLocked(u.Team, name); g != nil {
				return lead + "<!subteam^" + g.ID + "|@" + name + ">" + rest
			}
			return ref
		}
		for _, c := range s.channels {
			if c.team == u.Team && !c.im && c.name == name && s.canSeeLocked(user, c) {
				return lead + "<#" + c.id + "|" + name + ">" + rest
			}
		}
		return ref
	})
}

// CloseModal closes the modal in front of user, as its Cancel button does
// (priobot asks for no view_closed events).
func (s *Server) CloseModal(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.modals, user)
	s.changedLocked()
}

// ClickAction presses the button with the given block and action ids and
// value on message m as user: the web client knows the button it shows.
func (s *Server) ClickAction(ctx context.Context, user string, m Message, blockID, actionID, value string) error {
	return s.click(ctx, user, m, byID(blockID, actionID, value))
}

func byID(blockID, actionID, value string) func([]placed) (*button, error) {
	return func(all []placed) (*button, error) {
		for _, b := range all {
			if b.blockID != blockID || b.el.ActionID != actionID {
				continue
			}
			if b.el.Type == "button" && b.el.Value == value {
				return &b.button, nil
			}
			for _, o := range b.el.Options { // a menu: the option picked
				if b.el.Type == "overflow" && o.Value == value {
					picked := b.button
					picked.el.Options = []option{o}
					return &picked, nil
				}
			}
		}
		return nil, fmt.Errorf("slackemu: the message has no such button any more")
	}
}

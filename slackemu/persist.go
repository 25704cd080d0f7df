package slackemu

import (
	"encoding/json"
	"fmt"
)

// The workspace as a file, for a playground whose state outlives the
// process: people, channels and their messages, Home tabs and files. What
// lives for seconds (triggers, response_urls, open modals, sockets) is not
// kept.

type savedState struct {
	Seq      int64             `json:"seq"`
	LastTS   int64             `json:"last_ts"` // µs
	Teams    []string          `json:"teams"`
	Users    []User            `json:"users"`
	Channels []savedChannel    `json:"channels"`
	Homes    map[string]string `json:"homes"` // user -> view id
	Views    []savedView       `json:"views"`
	Files    []File            `json:"files"`
	Groups   []group           `json:"groups,omitempty"`
}

type savedChannel struct {
	ID, Team, Name string
	Private, IM    bool
	BotMember      bool
	User           string
	Members        []string
	Messages       []savedMessage
}

type savedMessage struct {
	TS, ThreadTS, User, Text string
	Blocks                   json.RawMessage `json:",omitempty"`
	LinkNames, Ephemeral     bool
	ForUser                  string
	Files                    []string
	Edits                    int
}

type savedView struct {
	ID, User string
	JSON     json.RawMessage
}

// Save encodes the workspace (see Load).
func (s *Server) Save() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := savedState{Seq: s.seq, LastTS: s.lastTS, Teams: sortedKeys(s.teams), Homes: s.homes}
	for _, id := range sortedKeys(s.users) {
		st.Users = append(st.Users, *s.users[id])
	}
	for _, id := range sortedKeys(s.channels) {
		c := s.channels[id]
		sc := savedChannel{ID: c.id, Team: c.team, Name: c.name, Private: c.private, IM: c.im, BotMember: c.botMember, User: c.user, Members: c.members}
		for _, m := range c.messages {
			sc.Messages = append(sc.Messages, savedMessage{TS: m.ts, ThreadTS: m.threadTS, User: m.user, Text: m.text, Blocks: m.raw,
				LinkNames: m.linkNames, Ephemeral: m.ephemeral, ForUser: m.forUser, Files: m.files, Edits: m.edits})
		}
		st.Channels = append(st.Channels, sc)
	}
	for _, id := range s.homes {
		st.Views = append(st.Views, savedView{ID: id, User: s.views[id].User, JSON: s.views[id].raw})
	}
	for _, id := range sortedKeys(s.files) {
		st.Files = append(st.Files, *s.files[id])
	}
	for _, id := range sortedKeys(s.groups) {
		st.Groups = append(st.Groups, *s.groups[id])
	}
	return json.Marshal(st)
}

// Load replaces the workspace with one Save encoded.
func (s *Server) Load(data []byte) error {
	var st savedState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("slackemu: a saved workspace: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changedLocked()
	s.seq, s.lastTS = st.Seq, st.LastTS
	s.teams, s.users, s.channels, s.ims = map[string]bool{}, map[string]*User{}, map[string]*channel{}, map[string]string{}
	s.views, s.homes, s.files, s.groups = map[string]*View{}, map[string]string{}, map[string]*File{}, map[string]*group{}
	for _, g := range st.Groups {
		s.groups[g.ID] = &g
	}
	for _, t := range st.Teams {
		s.teams[t] = true
	}
	for _, u := range st.Users {
		s.users[u.ID] = &u
	}
	for _, sc := range st.Channels {
		c := &channel{id: sc.ID, team: sc.Team, name: sc.Name, private: sc.Private, im: sc.IM, botMember: sc.BotMember, user: sc.User, members: sc.Members}
		for _, sm := range sc.Messages {
			blocks, err := parseBlocks(sm.Blocks, maxMessageBlocks)
			if err != nil {
				return fmt.Errorf("slackemu: a saved message in %s: %w", sc.Name, err)
			}
			c.messages = append(c.messages, &msg{channel: c.id, ts: sm.TS, threadTS: sm.ThreadTS, user: sm.User, text: sm.Text,
				raw: sm.Blocks, blocks: blocks, linkNames: sm.LinkNames, ephemeral: sm.Ephemeral, forUser: sm.ForUser, files: sm.Files, edits: sm.Edits})
		}
		s.channels[c.id] = c
		if c.im {
			s.ims[c.user] = c.id
		}
	}
	for _, sv := range st.Views {
		v, err := s.parseViewLocked(string(sv.JSON), "home")
		if err != nil {
			return fmt.Errorf("slackemu: a saved Home: %w", err)
		}
		v.ID, v.User = sv.ID, sv.User
		s.views[v.ID] = v
		s.homes[v.User] = v.ID
	}
	for _, f := range st.Files {
		s.files[f.ID] = &f
	}
	return nil
}

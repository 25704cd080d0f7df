package slackemu

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// responseURL is a response_url handed out with a slash command or a click:
// 5 uses within 30 minutes, as in Slack.
type responseURL struct {
	user, channel string
	messageTS     string // for a click: the message it came from
	threadTS      string
	uses          int
	issued        time.Time // when the command or click that carried it was made
	expires       time.Time
	delay         time.Duration // how late calls to it are handled (SlowNextReply)
}

type responsePayload struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

// newResponseURLLocked registers a response_url. Call with s.mu held.
func (s *Server) newResponseURLLocked(r *responseURL) string {
	id := s.nextID("R")
	r.issued = time.Now()
	r.expires = r.issued.Add(30 * time.Minute)
	r.delay, s.slowNext = s.slowNext, 0
	s.replies[id] = r
	return s.base + "/respond/" + id
}

func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	s.mu.Lock()
	var delay time.Duration
	if ru, ok := s.replies[r.PathValue("id")]; ok {
		delay = ru.delay
	}
	s.mu.Unlock()
	time.Sleep(delay) // a slow network, injected by SlowNextReply
	s.mu.Lock()
	defer s.mu.Unlock()
	call := Call{Method: "response_url", Params: params{"body": string(data)}, At: time.Now(), Status: http.StatusOK}
	defer func() { s.calls = append(s.calls, call); s.changedLocked() }()
	fail := func(status int, code string) {
		call.Status, call.Error = status, code
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
	}
	ru, ok := s.replies[r.PathValue("id")]
	switch {
	case !ok:
		fail(http.StatusNotFound, "no_such_url")
		return
	case ru.uses >= 5 || time.Now().After(ru.expires):
		fail(http.StatusNotFound, "used_url")
		return
	}
	var p responsePayload
	if err := json.Unmarshal(data, &p); err != nil {
		fail(http.StatusBadRequest, "invalid_payload")
		return
	}
	ru.uses++
	if ru.uses == 1 {
		s.replyLatencies = append(s.replyLatencies, time.Since(ru.issued))
	}
	if err := s.respondLocked(ru, p); err != nil {
		var be blocksError
		if errorsAs(err, &be) {
			fail(http.StatusBadRequest, "invalid_blocks")
			return
		}
		fail(http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// respondLocked applies a response (from a response_url or an ack payload)
// the way Slack shows it. Call with s.mu held.
func (s *Server) respondLocked(ru *responseURL, p responsePayload) error {
	c, err := s.channelLocked(ru.channel)
	if err != nil {
		return err
	}
	if p.DeleteOriginal || p.ReplaceOriginal {
		_, orig := s.findLocked(ru.channel, ru.messageTS)
		if orig == nil {
			return apiError("message_not_found")
		}
		if p.DeleteOriginal {
			c.deleteLocked(orig.ts)
			return nil
		}
		blocks, err := parseBlocks(p.Blocks, maxMessageBlocks)
		if err != nil {
			return err
		}
		orig.setContent(p.Text, p.Blocks, blocks)
		orig.edits++
		return nil
	}
	thread := p.ThreadTS
	if thread == "" {
		thread = ru.threadTS
	}
	blocks, err := parseBlocks(p.Blocks, maxMessageBlocks)
	if err != nil {
		return err
	}
	if p.Text == "" && len(blocks) == 0 {
		return apiError("no_text")
	}
	m := &msg{channel: c.id, ts: s.nextTS(), threadTS: thread, user: BotUserID, text: p.Text, raw: p.Blocks, blocks: blocks}
	if p.ResponseType != "in_channel" {
		m.ephemeral, m.forUser = true, ru.user
	}
	c.messages = append(c.messages, m)
	return nil
}

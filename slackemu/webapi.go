package slackemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// params are a call's arguments: form fields as sent, or a JSON body's
// top-level fields (strings unquoted, anything else as JSON text).
type params map[string]string

// apiError is a Slack error code answered as {"ok":false,"error":code}.
type apiError string

func (e apiError) Error() string { return string(e) }

type apiMethod struct {
	appToken bool // needs the xapp- token instead of the bot token
	serve    func(s *Server, p params) (map[string]any, error)
}

// apiMethods are the Web API methods the emulator serves.
var apiMethods = map[string]apiMethod{
	"auth.test":                    {serve: (*Server).authTest},
	"apps.connections.open":        {appToken: true, serve: (*Server).connectionsOpen},
	"chat.postMessage":             {serve: (*Server).postMessage},
	"chat.update":                  {serve: (*Server).update},
	"chat.postEphemeral":           {serve: (*Server).postEphemeral},
	"chat.delete":                  {serve: (*Server).delete},
	"chat.getPermalink":            {serve: (*Server).permalink},
	"conversations.open":           {serve: (*Server).conversationsOpen},
	"conversations.info":           {serve: (*Server).conversationsInfo},
	"conversations.members":        {serve: (*Server).conversationsMembers},
	"users.info":                   {serve: (*Server).usersInfo},
	"usergroups.users.list":        {serve: (*Server).usergroupUsers},
	"users.list":                   {serve: (*Server).usersList},
	"views.open":                   {serve: (*Server).viewsOpen},
	"views.update":                 {serve: (*Server).viewsUpdate},
	"views.publish":                {serve: (*Server).viewsPublish},
	"files.getUploadURLExternal":   {serve: (*Server).uploadURL},
	"files.completeUploadExternal": {serve: (*Server).completeUpload},
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	p, token, err := readParams(r)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changedLocked()
	call := Call{Method: method, Params: p, At: now, Status: http.StatusOK}
	defer func() { s.calls = append(s.calls, call) }()

	if retryAfter, limited := s.limitedLocked(method, now); limited {
		call.Status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	answer := func(body map[string]any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(body)
	}
	fail := func(code string) {
		call.Error = code
		answer(map[string]any{"ok": false, "error": code})
	}
	m, ok := apiMethods[method]
	switch {
	case !ok:
		fail("unknown_method")
		return
	case err != nil:
		fail("invalid_arguments")
		return
	case token == "":
		fail("not_authed")
		return
	case m.appToken && token != AppToken, !m.appToken && token != BotToken:
		fail("invalid_auth")
		return
	}
	body, err := m.serve(s, p)
	if err != nil {
		var be blocksError
		if errors.As(err, &be) {
			call.Error = "invalid_blocks"
			answer(map[string]any{"ok": false, "error": "invalid_blocks", "errors": []string{be.reason}})
			return
		}
		fail(err.Error())
		return
	}
	body["ok"] = true
	answer(body)
}

// limitedLocked decides whether a call is rate limited: an injected 429, or
// a call that came before the Retry-After of the last one ran out (counted
// as too early, and answered 429 again as Slack does).
func (s *Server) limitedLocked(method string, now time.Time) (time.Duration, bool) {
	if until, ok := s.blocked[method]; ok && now.Before(until) {
		s.tooEarly++
		return until.Sub(now), true
	}
	if queue := s.limits[method]; len(queue) > 0 {
		retryAfter := queue[0]
		s.limits[method] = queue[1:]
		s.blocked[method] = now.Add(retryAfter)
		return retryAfter, true
	}
	return 0, false
}

func readParams(r *http.Request) (params, string, error) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	p := params{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var body map[string]json.RawMessage
		data, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil {
			return p, token, err
		}
		if len(data) > 0 {
			if err := json.Unmarshal(data, &body); err != nil {
				return p, token, err
			}
		}
		for k, v := range body {
			var str string
			if json.Unmarshal(v, &str) == nil {
				p[k] = str
			} else {
				p[k] = string(v)
			}
		}
		return p, token, nil
	}
	if err := r.ParseForm(); err != nil {
		return p, token, err
	}
	for k := range r.Form {
		p[k] = r.Form.Get(k)
	}
	if t := p["token"]; t != "" {
		token = t
	}
	delete(p, "token") // never keep a token in the call record
	return p, token, nil
}

func (s *Server) authTest(params) (map[string]any, error) {
	return map[string]any{"url": "https://emulator.slack.test/", "team": "Emulated", "user": "priobot",
		"team_id": DefaultTeam, "user_id": BotUserID, "bot_id": BotID}, nil
}

func (s *Server) connectionsOpen(params) (map[string]any, error) {
	ticket := s.nextID("ticket-")
	s.triggers["ws:"+ticket] = trigger{expires: time.Now().Add(30 * time.Second)}
	return map[string]any{"url": "ws" + strings.TrimPrefix(s.base, "http") + "/link/?ticket=" + ticket}, nil
}

// channelLocked resolves a channel argument: a channel id, or a user id for
// that user's DM with the bot.
func (s *Server) channelLocked(id string) (*channel, error) {
	if _, ok := s.users[id]; ok {
		return s.imLocked(id), nil
	}
	c, ok := s.channels[id]
	if !ok {
		return nil, apiError("channel_not_found")
	}
	return c, nil
}

// newMessageLocked validates text and blocks as chat.postMessage does.
func (s *Server) newMessageLocked(c *channel, p params) (*msg, error) {
	if c.private && !c.botMember {
		return nil, apiError("not_in_channel")
	}
	blocks, err := parseBlocks(json.RawMessage(p["blocks"]), maxMessageBlocks)
	if err != nil {
		return nil, err
	}
	if p["text"] == "" && len(blocks) == 0 && p["attachments"] == "" {
		return nil, apiError("no_text")
	}
	if utf8.RuneCountInString(p["text"]) > maxMessageText {
		return nil, apiError("msg_too_long")
	}
	m := &msg{channel: c.id, ts: s.nextTS(), threadTS: p["thread_ts"], user: BotUserID, text: p["text"],
		raw: json.RawMessage(p["blocks"]), blocks: blocks, linkNames: p["link_names"] == "true" || p["link_names"] == "1"}
	if m.threadTS != "" {
		if _, parent := s.findLocked(c.id, m.threadTS); parent == nil {
			return nil, apiError("thread_not_found")
		}
	}
	return m, nil
}

func (s *Server) postMessage(p params) (map[string]any, error) {
	c, err := s.channelLocked(p["channel"])
	if err != nil {
		return nil, err
	}
	m, err := s.newMessageLocked(c, p)
	if err != nil {
		return nil, err
	}
	c.messages = append(c.messages, m)
	return map[string]any{"channel": c.id, "ts": m.ts, "message": map[string]any{"type": "message", "ts": m.ts, "text": m.text, "bot_id": BotID}}, nil
}

func (s *Server) update(p params) (map[string]any, error) {
	c, old := s.findLocked(p["channel"], p["ts"])
	switch {
	case c == nil:
		return nil, apiError("channel_not_found")
	case old == nil:
		return nil, apiError("message_not_found")
	case old.user != BotUserID || old.ephemeral:
		return nil, apiError("cant_update_message")
	}
	if p["thread_ts"] == "" {
		p["thread_ts"] = old.threadTS
	}
	m, err := s.newMessageLocked(c, p)
	if err != nil {
		return nil, err
	}
	old.setContent(m.text, m.raw, m.blocks)
	old.linkNames = m.linkNames
	old.edits++
	return map[string]any{"channel": c.id, "ts": old.ts, "text": old.text}, nil
}

func (s *Server) postEphemeral(p params) (map[string]any, error) {
	c, err := s.channelLocked(p["channel"])
	if err != nil {
		return nil, err
	}
	if _, ok := s.users[p["user"]]; !ok {
		return nil, apiError("user_not_found")
	}
	m, err := s.newMessageLocked(c, p)
	if err != nil {
		return nil, err
	}
	m.ephemeral, m.forUser = true, p["user"]
	c.messages = append(c.messages, m)
	return map[string]any{"message_ts": m.ts}, nil
}

func (s *Server) delete(p params) (map[string]any, error) {
	c, m := s.findLocked(p["channel"], p["ts"])
	switch {
	case c == nil:
		return nil, apiError("channel_not_found")
	case m == nil:
		return nil, apiError("message_not_found")
	case m.user != BotUserID:
		return nil, apiError("cant_delete_message")
	}
	c.deleteLocked(m.ts)
	return map[string]any{"channel": c.id, "ts": m.ts}, nil
}

func (s *Server) permalink(p params) (map[string]any, error) {
	c, m := s.findLocked(p["channel"], p["message_ts"])
	if c == nil {
		return nil, apiError("channel_not_found")
	}
	if m == nil {
		return nil, apiError("message_not_found")
	}
	return map[string]any{"channel": c.id, "permalink": fmt.Sprintf("https://emulator.slack.test/archives/%s/p%s", c.id, trimTS(m.ts))}, nil
}

func (s *Server) conversationsOpen(p params) (map[string]any, error) {
	users := strings.Split(p["users"], ",")
	if len(users) != 1 || s.users[users[0]] == nil {
		return nil, apiError("user_not_found")
	}
	if code := s.noDMs[users[0]]; code != "" {
		return nil, apiError(code)
	}
	return map[string]any{"channel": map[string]any{"id": s.imLocked(users[0]).id}}, nil
}

func (s *Server) conversationsInfo(p params) (map[string]any, error) {
	c, ok := s.channels[p["channel"]]
	if !ok {
		return nil, apiError("channel_not_found")
	}
	if c.im || strings.HasPrefix(c.name, "mpdm-") {
		// The manifest asks for no im:read or mpim:read, as Slack would check.
		return nil, apiError("missing_scope")
	}
	return map[string]any{"channel": map[string]any{"id": c.id, "name": c.name, "is_private": c.private,
		"is_im": c.im, "is_channel": !c.im && !c.private, "is_group": c.private, "is_member": c.botMember,
		"context_team_id": c.team}}, nil
}

// conversationsMembers lists a channel's members, in one page; a private
// channel the bot is not in is not found, as for a bot with groups:read.
func (s *Server) conversationsMembers(p params) (map[string]any, error) {
	c, ok := s.channels[p["channel"]]
	if !ok || (c.private && !c.botMember) {
		return nil, apiError("channel_not_found")
	}
	if c.im || strings.HasPrefix(c.name, "mpdm-") {
		return nil, apiError("missing_scope")
	}
	members := append([]string{}, c.members...)
	if c.botMember && !slices.Contains(members, BotUserID) {
		members = append(members, BotUserID) // as in Slack, the bot is one of them
	}
	return membersPage(members, p)
}

func (s *Server) usersInfo(p params) (map[string]any, error) {
	u, ok := s.users[p["user"]]
	if !ok {
		return nil, apiError("user_not_found")
	}
	return map[string]any{"user": userObject(u)}, nil
}

// userObject is a person as users.info and users.list show them.
func userObject(u *User) map[string]any {
	offset := 0
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		_, offset = time.Now().In(loc).Zone()
	}
	return map[string]any{"id": u.ID, "team_id": u.Team, "name": u.Name, "real_name": u.Name, "deleted": false,
		"tz": u.TZ, "tz_label": u.TZ, "tz_offset": offset, "is_admin": u.Admin, "is_owner": u.Owner, "is_bot": u.Bot,
		"profile": map[string]any{"display_name": u.Name, "real_name": u.Name}}
}

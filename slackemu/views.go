package slackemu

import (
	"encoding/json"
	"time"
	"unicode/utf8"
)

// View is a modal or a home tab as a person sees it.
type View struct {
	ID, Type, CallbackID, PrivateMetadata string
	Title                                 string
	Text                                  string   // rendered like a message
	Buttons                               []string // visible button labels
	Inputs                                []string // block ids of its input blocks
	User                                  string
	SubmitLabel, CloseLabel               string          // a modal's buttons; no submit button when empty
	BlockKit                              json.RawMessage // its blocks as the app sent them
	raw                                   json.RawMessage
	blocks                                []block
}

type viewJSON struct {
	Type            string          `json:"type"`
	Title           *textObj        `json:"title"`
	Submit          *textObj        `json:"submit"`
	Close           *textObj        `json:"close"`
	Blocks          json.RawMessage `json:"blocks"`
	PrivateMetadata string          `json:"private_metadata"`
	CallbackID      string          `json:"callback_id"`
	ExternalID      string          `json:"external_id"`
}

// parseViewLocked validates a view as views.open/update/publish do.
func (s *Server) parseViewLocked(raw string, wantType string) (*View, error) {
	var v viewJSON
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return nil, apiError("invalid_arguments")
	}
	if v.Type != wantType {
		return nil, apiError("invalid_arguments")
	}
	if wantType == "modal" {
		if v.Title == nil || utf8.RuneCountInString(v.Title.Text) > 24 || v.Title.Text == "" {
			return nil, blocksError{"modal title must be 1 to 24 characters"}
		}
		for _, t := range []*textObj{v.Submit, v.Close} {
			if t != nil && utf8.RuneCountInString(t.Text) > 24 {
				return nil, blocksError{"submit and close must be at most 24 characters"}
			}
		}
	}
	if len(v.PrivateMetadata) > 3000 {
		return nil, blocksError{"private_metadata must be at most 3000 characters"}
	}
	blocks, err := parseBlocks(v.Blocks, maxViewBlocks)
	if err != nil {
		return nil, err
	}
	view := &View{Type: v.Type, CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, raw: json.RawMessage(raw), blocks: blocks}
	if v.Title != nil {
		view.Title = v.Title.Text
	}
	view.BlockKit = v.Blocks
	if v.Submit != nil {
		view.SubmitLabel = v.Submit.Text
	}
	view.CloseLabel = "Cancel"
	if v.Close != nil {
		view.CloseLabel = v.Close.Text
	}
	for _, b := range blocks {
		if b.Type == "input" {
			view.Inputs = append(view.Inputs, b.BlockID)
		}
	}
	return view, nil
}

func (s *Server) viewBody(v *View) map[string]any {
	return map[string]any{"view": map[string]any{"id": v.ID, "type": v.Type, "callback_id": v.CallbackID,
		"private_metadata": v.PrivateMetadata, "hash": v.ID + "-hash", "team_id": DefaultTeam, "app_id": AppID}}
}

func (s *Server) viewsOpen(p params) (map[string]any, error) {
	t, ok := s.triggers[p["trigger_id"]]
	if !ok {
		return nil, apiError("invalid_trigger_id")
	}
	delete(s.triggers, p["trigger_id"]) // a trigger opens one modal
	if time.Now().After(t.expires) {
		return nil, apiError("expired_trigger_id")
	}
	v, err := s.parseViewLocked(p["view"], "modal")
	if err != nil {
		return nil, err
	}
	v.ID, v.User = s.nextID("V"), t.user
	s.views[v.ID] = v
	s.modals[t.user] = v.ID
	return s.viewBody(v), nil
}

func (s *Server) viewsUpdate(p params) (map[string]any, error) {
	old, ok := s.views[p["view_id"]]
	if !ok {
		return nil, apiError("not_found")
	}
	v, err := s.parseViewLocked(p["view"], old.Type)
	if err != nil {
		return nil, err
	}
	v.ID, v.User = old.ID, old.User
	s.views[v.ID] = v
	return s.viewBody(v), nil
}

func (s *Server) viewsPublish(p params) (map[string]any, error) {
	user := p["user_id"]
	if _, ok := s.users[user]; !ok {
		return nil, apiError("user_not_found")
	}
	v, err := s.parseViewLocked(p["view"], "home")
	if err != nil {
		return nil, err
	}
	v.ID, v.User = s.homes[user], user
	if v.ID == "" {
		v.ID = s.nextID("V")
	}
	s.views[v.ID] = v
	s.homes[user] = v.ID
	return s.viewBody(v), nil
}

func (s *Server) snapshotViewLocked(id string) (View, bool) {
	v, ok := s.views[id]
	if !ok {
		return View{}, false
	}
	out := *v
	out.Text, _ = s.renderLocked("", v.blocks, false)
	for _, b := range buttons(v.blocks) {
		out.Buttons = append(out.Buttons, b.el.Text.Text)
	}
	return out, true
}

// Home returns the home tab the bot last published for a user.
func (s *Server) Home(user string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotViewLocked(s.homes[user])
}

// Modal returns the modal open in front of a user.
func (s *Server) Modal(user string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotViewLocked(s.modals[user])
}

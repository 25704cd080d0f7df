package slackemu

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Block Kit as the emulator reads it: enough structure to validate what
// Slack validates and to render what a person sees.
type block struct {
	Type      string            `json:"type"`
	BlockID   string            `json:"block_id"`
	Text      *textObj          `json:"text"`
	Fields    []textObj         `json:"fields"`
	Accessory *element          `json:"accessory"`
	Elements  []json.RawMessage `json:"elements"`
	Label     *textObj          `json:"label"`
	Element   *element          `json:"element"`
	Optional  bool              `json:"optional"`
	AltText   string            `json:"alt_text"`
	ImageURL  string            `json:"image_url"`
	Hint      *textObj          `json:"hint"`
}

type textObj struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Verbatim bool   `json:"verbatim"`
}

type option struct {
	Text  textObj `json:"text"`
	Value string  `json:"value"`
}

type element struct {
	Type          string   `json:"type"`
	ActionID      string   `json:"action_id"`
	Text          *textObj `json:"text"`
	Value         string   `json:"value"`
	URL           string   `json:"url"`
	Options       []option `json:"options"`
	InitialValue  string   `json:"initial_value"`
	Multiline     bool     `json:"multiline"`
	MaxLength     int      `json:"max_length"`
	Placeholder   *textObj `json:"placeholder"`
	AltText       string   `json:"alt_text"`
	InitialOption *option  `json:"initial_option"`
	// a multi_static_select's options ticked when it opens
	InitialOptions []option `json:"initial_options"`
	// users and conversations pickers
	InitialUsers        []string `json:"initial_users"`
	InitialUser         string   `json:"initial_user"`
	InitialConversation string   `json:"initial_conversation"`
	ImageURL            string   `json:"image_url"` // an image element's
	Confirm             *confirm `json:"confirm"`
	Style               string   `json:"style"` // a button's: primary or danger
}

// confirm is a button's "Are you sure?" dialog.
type confirm struct {
	Title   *textObj `json:"title"`
	Text    *textObj `json:"text"`
	Confirm *textObj `json:"confirm"`
	Deny    *textObj `json:"deny"`
}

// Slack's Block Kit limits (see shared/slack-reference.md).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxFields        = 10
	maxFieldText     = 2000
	maxHeaderText    = 150
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxURL           = 3000
	maxID            = 255
	maxActions       = 25
	maxContext       = 10
	maxOptions       = 100
	maxOptionText    = 75
	maxOptionValue   = 150
	maxMessageText   = 40000
)

// blocksError is Slack's invalid_blocks answer with its reason.
type blocksError struct{ reason string }

func (e blocksError) Error() string { return "invalid_blocks: " + e.reason }

// parseBlocks decodes and validates a blocks array as Slack would for a
// message (limit 50) or a view (limit 100).
func parseBlocks(raw json.RawMessage, limit int) ([]block, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var blocks []block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, blocksError{"blocks are not a JSON array of blocks: " + err.Error()}
	}
	if len(blocks) > limit {
		return nil, blocksError{fmt.Sprintf("no more than %d items allowed [json-pointer:/blocks]", limit)}
	}
	blockIDs := map[string]bool{}
	for i, b := range blocks {
		at := fmt.Sprintf("/blocks/%d", i)
		if b.BlockID != "" {
			if blockIDs[b.BlockID] {
				return nil, blocksError{"duplicate block_id " + at}
			}
			blockIDs[b.BlockID] = true
			if len(b.BlockID) > maxID {
				return nil, blocksError{"block_id too long " + at}
			}
		}
		if err := checkBlock(b, at); err != nil {
			return nil, err
		}
	}
	return blocks, nil
}

func checkBlock(b block, at string) error {
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			return blocksError{"section needs text or fields " + at}
		}
		if b.Text != nil {
			if err := checkText(*b.Text, 1, maxSectionText, at+"/text"); err != nil {
				return err
			}
		}
		if len(b.Fields) > maxFields {
			return blocksError{fmt.Sprintf("no more than %d items allowed %s/fields", maxFields, at)}
		}
		for j, f := range b.Fields {
			if err := checkText(f, 1, maxFieldText, fmt.Sprintf("%s/fields/%d", at, j)); err != nil {
				return err
			}
		}
		if b.Accessory != nil {
			return checkElement(*b.Accessory, at+"/accessory")
		}
	case "header":
		if b.Text == nil || b.Text.Type != "plain_text" {
			return blocksError{"header text must be plain_text " + at}
		}
		return checkText(*b.Text, 1, maxHeaderText, at+"/text")
	case "actions":
		if len(b.Elements) == 0 || len(b.Elements) > maxActions {
			return blocksError{fmt.Sprintf("actions need 1 to %d elements %s", maxActions, at)}
		}
		ids := map[string]bool{}
		for j, raw := range b.Elements {
			var e element
			if err := json.Unmarshal(raw, &e); err != nil {
				return blocksError{"bad element " + at}
			}
			if e.ActionID != "" {
				if ids[e.ActionID] {
					return blocksError{fmt.Sprintf("duplicate action_id %q %s/elements/%d", e.ActionID, at, j)}
				}
				ids[e.ActionID] = true
			}
			if err := checkElement(e, fmt.Sprintf("%s/elements/%d", at, j)); err != nil {
				return err
			}
		}
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > maxContext {
			return blocksError{fmt.Sprintf("context needs 1 to %d elements %s", maxContext, at)}
		}
		for j, raw := range b.Elements {
			var t textObj
			if err := json.Unmarshal(raw, &t); err != nil {
				return blocksError{"bad context element " + at}
			}
			if t.Type == "image" {
				continue
			}
			if err := checkText(t, 1, maxSectionText, fmt.Sprintf("%s/elements/%d", at, j)); err != nil {
				return err
			}
		}
	case "input":
		if b.Label == nil || b.Element == nil {
			return blocksError{"input needs a label and an element " + at}
		}
		if err := checkText(*b.Label, 1, maxFieldText, at+"/label"); err != nil {
			return err
		}
		return checkElement(*b.Element, at+"/element")
	case "divider", "image", "rich_text", "file", "video":
	default:
		return blocksError{fmt.Sprintf("unknown block type %q %s", b.Type, at)}
	}
	return nil
}

func checkText(t textObj, minLen, maxLen int, at string) error {
	if t.Type != "plain_text" && t.Type != "mrkdwn" {
		return blocksError{fmt.Sprintf("text type must be plain_text or mrkdwn, not %q %s", t.Type, at)}
	}
	n := utf8.RuneCountInString(t.Text)
	if n < minLen {
		return blocksError{"must be more than 0 characters " + at}
	}
	if n > maxLen {
		return blocksError{fmt.Sprintf("must be less than %d characters %s", maxLen+1, at)}
	}
	return nil
}

func checkElement(e element, at string) error {
	if len(e.ActionID) > maxID {
		return blocksError{"action_id too long " + at}
	}
	switch e.Type {
	case "button":
		if e.Text == nil || e.Text.Type != "plain_text" {
			return blocksError{"button text must be plain_text " + at}
		}
		if err := checkText(*e.Text, 1, maxButtonText, at+"/text"); err != nil {
			return err
		}
		if len(e.Value) > maxButtonValue {
			return blocksError{"button value too long " + at}
		}
		if len(e.URL) > maxURL {
			return blocksError{"button url too long " + at}
		}
		if c := e.Confirm; c != nil { // every part is required, each with its limit
			for _, part := range []struct {
				name string
				text *textObj
				max  int
			}{{"title", c.Title, 100}, {"text", c.Text, 300}, {"confirm", c.Confirm, 30}, {"deny", c.Deny, 30}} {
				if part.text == nil {
					return blocksError{"confirm needs a " + part.name + " " + at}
				}
				if err := checkText(*part.text, 1, part.max, at+"/confirm/"+part.name); err != nil {
					return err
				}
			}
		}
	case "static_select", "overflow", "radio_buttons", "checkboxes":
		if len(e.Options) == 0 || len(e.Options) > maxOptions || (e.Type == "overflow" && len(e.Options) > 5) {
			return blocksError{"wrong number of options " + at}
		}
		for j, o := range e.Options {
			if err := checkText(o.Text, 1, maxOptionText, fmt.Sprintf("%s/options/%d/text", at, j)); err != nil {
				return err
			}
			if len(o.Value) > maxOptionValue {
				return blocksError{fmt.Sprintf("option value too long %s/options/%d", at, j)}
			}
		}
	case "multi_static_select":
		if len(e.Options) == 0 || len(e.Options) > maxOptions {
			return blocksError{"wrong number of options " + at}
		}
		for _, o := range e.InitialOptions { // Slack refuses an initial option it does not offer
			if !slices.ContainsFunc(e.Options, func(x option) bool { return x.Value == o.Value && x.Text.Text == o.Text.Text }) {
				return blocksError{"initial_options must match options " + at}
			}
		}
	case "plain_text_input", "users_select", "multi_users_select", "conversations_select", "channels_select",
		"datepicker", "timepicker", "image", "number_input":
	default:
		return blocksError{fmt.Sprintf("unknown element type %q %s", e.Type, at)}
	}
	return nil
}

// buttons lists the buttons in blocks with the block that holds each.
type button struct {
	blockID string
	el      element
}

func buttons(blocks []block) []button {
	var out []button
	for _, b := range blocks {
		if b.Accessory != nil && (b.Accessory.Type == "button" || b.Accessory.Type == "overflow") {
			out = append(out, button{b.BlockID, *b.Accessory})
		}
		if b.Type == "actions" {
			for _, raw := range b.Elements {
				var e element
				if json.Unmarshal(raw, &e) == nil && (e.Type == "button" || e.Type == "overflow") {
					out = append(out, button{b.BlockID, e})
				}
			}
		}
	}
	return out
}

// placed is a button with the rendered text of the section, context or
// header above it: the row a person reads it in.
type placed struct {
	button
	row string
}

// placedLocked lists m's buttons with their rows, worked out once per
// version of the message. Call with s.mu held.
func (s *Server) placedLocked(m *msg) []placed {
	if m.placed != nil {
		return m.placed
	}
	out := []placed{}
	row := ""
	for _, b := range m.blocks {
		if b.Type == "section" || b.Type == "context" || b.Type == "header" {
			row, _ = s.renderLocked("", []block{b}, false)
		}
		for _, btn := range buttons([]block{b}) {
			out = append(out, placed{btn, row})
		}
	}
	m.placed = out
	return out
}

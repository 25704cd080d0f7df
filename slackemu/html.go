package slackemu

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Names tells the HTML renderer how people and channels are called, and
// the reader's zone for <!date^…>.
type Names struct {
	User    func(id string) string
	Channel func(id string) string
	Zone    *time.Location
}

// HTML renders a message's blocks (or, with none, its text) as a person
// sees them in Slack, for the playground's web client. An unknown block
// or element is an error: the client must show everything priobot sends.
func HTML(text string, blocks json.RawMessage, n Names) (string, error) {
	if n.Zone == nil {
		n.Zone = time.UTC
	}
	if len(blocks) == 0 || string(blocks) == "null" {
		return `<div class="text">` + mrkdwnHTML(text, n) + `</div>`, nil
	}
	var list []block
	if err := json.Unmarshal(blocks, &list); err != nil {
		return "", fmt.Errorf("blocks: %w", err)
	}
	var b strings.Builder
	for _, bl := range list {
		if err := blockHTML(&b, bl, n); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func blockHTML(b *strings.Builder, bl block, n Names) error {
	switch bl.Type {
	case "section":
		b.WriteString(`<div class="section">`)
		if bl.Text != nil {
			b.WriteString(`<div class="text">` + textHTML(*bl.Text, n) + `</div>`)
		}
		if len(bl.Fields) > 0 {
			b.WriteString(`<div class="fields">`)
			for _, f := range bl.Fields {
				b.WriteString(`<div class="field">` + textHTML(f, n) + `</div>`)
			}
			b.WriteString(`</div>`)
		}
		if bl.Accessory != nil {
			if err := elementHTML(b, bl.BlockID, *bl.Accessory, n); err != nil {
				return err
			}
		}
		b.WriteString(`</div>`)
	case "context":
		b.WriteString(`<div class="context">`)
		for _, raw := range bl.Elements {
			var e struct {
				Type     string `json:"type"`
				ImageURL string `json:"image_url"`
				AltText  string `json:"alt_text"`
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			switch e.Type {
			case "mrkdwn", "plain_text":
				b.WriteString(`<span>` + textHTML(textObj{Type: e.Type, Text: rawText(raw)}, n) + `</span>`)
			case "image":
				fmt.Fprintf(b, `<img class="context-image" src="%s" alt="%s">`, attr(e.ImageURL), attr(e.AltText))
			default:
				return fmt.Errorf("context element %q", e.Type)
			}
		}
		b.WriteString(`</div>`)
	case "actions":
		fmt.Fprintf(b, `<div class="actions" data-block="%s">`, attr(bl.BlockID))
		for _, raw := range bl.Elements {
			var e element
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			if err := elementHTML(b, bl.BlockID, e, n); err != nil {
				return err
			}
		}
		b.WriteString(`</div>`)
	case "header":
		if bl.Text == nil {
			return fmt.Errorf("header without text")
		}
		b.WriteString(`<h3 class="header">` + html.EscapeString(bl.Text.Text) + `</h3>`)
	case "divider":
		b.WriteString(`<hr class="divider">`)
	case "image":
		fmt.Fprintf(b, `<img class="image" src="%s" alt="%s">`, attr(bl.ImageURL), attr(bl.AltText))
	case "input":
		if bl.Label == nil || bl.Element == nil {
			return fmt.Errorf("input without label or element")
		}
		optional := ""
		if bl.Optional {
			optional = ` <span class="optional">(optional)</span>`
		}
		fmt.Fprintf(b, `<div class="input" data-block="%s" role="group" aria-label="%s"><span class="label">%s%s</span>`,
			attr(bl.BlockID), attr(bl.Label.Text), html.EscapeString(bl.Label.Text), optional)
		if err := elementHTML(b, bl.BlockID, *bl.Element, n); err != nil {
			return err
		}
		if bl.Hint != nil {
			b.WriteString(`<span class="hint">` + html.EscapeString(bl.Hint.Text) + `</span>`)
		}
		b.WriteString(`</div>`)
	default:
		return fmt.Errorf("block %q", bl.Type)
	}
	return nil
}

func elementHTML(b *strings.Builder, blockID string, e element, n Names) error {
	data := fmt.Sprintf(`data-block="%s" data-action="%s"`, attr(blockID), attr(e.ActionID))
	switch e.Type {
	case "button":
		if e.Text == nil {
			return fmt.Errorf("button without text")
		}
		class := "button"
		if e.Style == "primary" || e.Style == "danger" {
			class += " " + e.Style
		}
		if e.URL != "" { // a link button: Slack opens the link (and tells the app)
			fmt.Fprintf(b, `<a class="%s" href="%s" target="_blank" rel="noopener">%s</a>`, class, attr(e.URL), html.EscapeString(e.Text.Text))
			return nil
		}
		fmt.Fprintf(b, `<button class="%s" %s data-value="%s"%s>%s</button>`, class, data, attr(e.Value), confirmHTML(e.Confirm, n), html.EscapeString(e.Text.Text))
	case "overflow": // Slack's ⋯: a menu of options, each sent as the pick
		fmt.Fprintf(b, `<select class="overflow" %s aria-label="More actions"><option value="" selected>⋯</option>`, data)
		for _, o := range e.Options {
			fmt.Fprintf(b, `<option value="%s">%s</option>`, attr(o.Value), html.EscapeString(o.Text.Text))
		}
		b.WriteString(`</select>`)
	case "plain_text_input":
		limit := e.MaxLength
		if limit <= 0 {
			limit = 3000
		}
		hint := ""
		if e.Placeholder != nil {
			hint = fmt.Sprintf(` placeholder="%s"`, attr(e.Placeholder.Text))
		}
		if e.Multiline {
			fmt.Fprintf(b, `<textarea %s maxlength="%d"%s>%s</textarea>`, data, limit, hint, html.EscapeString(e.InitialValue))
		} else {
			fmt.Fprintf(b, `<input type="text" %s maxlength="%d"%s value="%s">`, data, limit, hint, attr(e.InitialValue))
		}
	case "static_select":
		fmt.Fprintf(b, `<select %s>`, data)
		if e.InitialOption == nil { // Slack shows the placeholder: nothing is chosen
			fmt.Fprintf(b, `<option value="" selected>%s</option>`, html.EscapeString(placeholder(e, "Select an item")))
		}
		for _, o := range e.Options {
			selected := map[bool]string{true: " selected"}[e.InitialOption != nil && e.InitialOption.Value == o.Value]
			fmt.Fprintf(b, `<option value="%s"%s>%s</option>`, attr(o.Value), selected, html.EscapeString(o.Text.Text))
		}
		b.WriteString(`</select>`)
	case "multi_static_select": // ticked in a list, as Slack's menu shows them
		fmt.Fprintf(b, `<div class="multi" %s>`, data)
		for _, o := range e.Options {
			ticked := map[bool]string{true: " checked"}[slices.ContainsFunc(e.InitialOptions, func(i option) bool { return i.Value == o.Value })]
			fmt.Fprintf(b, `<label><input type="checkbox" value="%s"%s> %s</label>`, attr(o.Value), ticked, html.EscapeString(o.Text.Text))
		}
		b.WriteString(`</div>`)
	case "users_select", "conversations_select", "channels_select":
		class, initial := "people", e.InitialUser
		if e.Type != "users_select" {
			class, initial = "conversations", e.InitialConversation
		}
		fmt.Fprintf(b, `<select class="%s" %s data-initial="%s" data-placeholder="%s"></select>`, class, data, attr(initial), attr(placeholder(e, "Select an item")))
	case "multi_users_select": // the page lists the workspace's people
		fmt.Fprintf(b, `<div class="multi people" %s data-initial="%s"></div>`, data, attr(strings.Join(e.InitialUsers, ",")))
	case "image":
		fmt.Fprintf(b, `<img class="accessory" src="%s" alt="%s">`, attr(e.ImageURL), attr(e.AltText))
	default:
		return fmt.Errorf("element %q", e.Type)
	}
	return nil
}

// placeholder is what a select shows while nothing is chosen.
func placeholder(e element, fallback string) string {
	if e.Placeholder != nil && e.Placeholder.Text != "" {
		return e.Placeholder.Text
	}
	return fallback
}

// confirmHTML writes a button's confirm dialog as data attributes, which
// the web client shows before it sends the click.
func confirmHTML(c *confirm, n Names) string {
	if c == nil {
		return ""
	}
	text := func(t *textObj, fallback string) string {
		if t == nil {
			return fallback
		}
		return t.Text
	}
	body := ""
	if c.Text != nil {
		body = textHTML(*c.Text, n)
	}
	return fmt.Sprintf(` data-confirm="%s" data-confirm-text="%s" data-confirm-ok="%s" data-confirm-deny="%s"`,
		attr(text(c.Title, "Are you sure?")), attr(body), attr(text(c.Confirm, "Yes")), attr(text(c.Deny, "Cancel")))
}

// rawText reads a context text element's text (element has no Text string).
func rawText(raw json.RawMessage) string {
	var t textObj
	_ = json.Unmarshal(raw, &t)
	return t.Text
}

func textHTML(t textObj, n Names) string {
	if t.Type == "plain_text" {
		return html.EscapeString(t.Text)
	}
	return mrkdwnHTML(t.Text, n)
}

func attr(s string) string { return html.EscapeString(s) }

var (
	bold   = regexp.MustCompile(`(^|[\s(])\*([^*\n]+)\*`)
	italic = regexp.MustCompile(`(^|[\s(])_([^_\n]+)_`)
	strike = regexp.MustCompile(`(^|[\s(])~([^~\n]+)~`)
	code   = regexp.MustCompile("`([^`\n]+)`")
)

// mrkdwnHTML renders Slack's mrkdwn: <…> entities (mentions by name,
// links, dates in the reader's zone), bold, italic, strike, code, quotes,
// line breaks; everything else shows literally.
func mrkdwnHTML(text string, n Names) string {
	out, rendered := entities(text, func(e string) string { return entityHTML(e, n) })
	out = html.EscapeString(unescape(out))
	out = code.ReplaceAllString(out, "<code>$1</code>")
	out = bold.ReplaceAllString(out, "$1<b>$2</b>")
	out = italic.ReplaceAllString(out, "$1<i>$2</i>")
	out = strike.ReplaceAllString(out, "$1<s>$2</s>")
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "&gt; "); ok {
			lines[i] = `<q>` + rest + `</q>`
		}
	}
	return restore(strings.Join(lines, "<br>"), rendered)
}

func entityHTML(e string, n Names) string {
	target, label, labelled := strings.Cut(e, "|")
	name := func(f func(string) string, id, fallback string) string {
		if f != nil {
			if v := f(id); v != "" {
				return v
			}
		}
		if fallback != "" {
			return fallback
		}
		return id
	}
	switch {
	case strings.HasPrefix(target, "@"):
		return `<span class="mention">@` + html.EscapeString(name(n.User, target[1:], label)) + `</span>`
	case strings.HasPrefix(target, "#"):
		return `<span class="channel">#` + html.EscapeString(name(n.Channel, target[1:], label)) + `</span>`
	case strings.HasPrefix(target, "!date^"):
		parts := strings.Split(target, "^")
		if len(parts) >= 3 {
			if secs, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
				return html.EscapeString(slackDate(time.Unix(secs, 0).In(n.Zone), parts[2]))
			}
		}
		return html.EscapeString(unescape(label))
	case strings.HasPrefix(target, "!"):
		return `<span class="mention">@` + html.EscapeString(strings.TrimPrefix(target, "!")) + `</span>`
	}
	shown := target
	if labelled {
		shown = label
	}
	return fmt.Sprintf(`<a href="%s" target="_blank" rel="noopener">%s</a>`, attr(unescape(target)), html.EscapeString(unescape(shown)))
}

// slackDate writes a <!date^…> token string in the reader's zone.
func slackDate(t time.Time, format string) string {
	return strings.NewReplacer(
		"{date_long}", t.Format("Monday, January 2, 2006"),
		"{date_short}", t.Format("Jan 2, 2006"),
		"{date}", t.Format("January 2, 2006"),
		"{time}", t.Format("15:04"),
	).Replace(format)
}

// CheckHTML renders every message, Home and modal the emulator holds as
// the web client would, and reports the first it cannot show: end-to-end
// tests call it, so every block priobot sends has a rendering.
func (s *Server) CheckHTML() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := Names{
		User: func(id string) string {
			if u, ok := s.users[id]; ok {
				return u.Name
			}
			return ""
		},
		Channel: func(id string) string {
			if c, ok := s.channels[id]; ok {
				return c.name
			}
			return ""
		},
	}
	for _, c := range s.channels {
		for _, m := range c.messages {
			if _, err := HTML(m.text, m.raw, n); err != nil {
				return fmt.Errorf("message %q in %s: %w", prefix(m.text), c.name, err)
			}
		}
	}
	for _, v := range s.views {
		var raw struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(v.raw, &raw); err != nil {
			return err
		}
		if _, err := HTML("", raw.Blocks, n); err != nil {
			return fmt.Errorf("%s view %q: %w", v.Type, v.Title, err)
		}
	}
	return nil
}

func prefix(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

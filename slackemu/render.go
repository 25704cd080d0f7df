package slackemu

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// render turns blocks into the plain text a person reads: one line per
// block, buttons as [Label], mrkdwn entities resolved as Slack shows them.
// It also returns who the text notifies ("U…" ids, "channel", "here").
func (s *Server) renderLocked(text string, blocks []block, linkNames bool) (string, []string) {
	r := renderer{s: s}
	// The text field is parsed for mentions even as a fallback to blocks:
	// Slack uses it for notifications.
	fallback := r.mrkdwn(text, !linkNames)
	if len(blocks) == 0 {
		return fallback, r.mentions
	}
	var lines []string
	for _, b := range blocks {
		var parts []string
		switch b.Type {
		case "header":
			parts = append(parts, b.Text.Text)
		case "section":
			if b.Text != nil {
				parts = append(parts, r.text(*b.Text))
			}
			for _, f := range b.Fields {
				parts = append(parts, r.text(f))
			}
			if b.Accessory != nil {
				parts = append(parts, r.element(*b.Accessory))
			}
		case "actions":
			for _, raw := range b.Elements {
				var e element
				_ = json.Unmarshal(raw, &e)
				parts = append(parts, r.element(e))
			}
		case "context":
			for _, raw := range b.Elements {
				var t textObj
				_ = json.Unmarshal(raw, &t)
				if t.Type != "image" {
					parts = append(parts, r.text(t))
				}
			}
		case "divider":
			parts = append(parts, "---")
		case "input":
			parts = append(parts, b.Label.Text+":")
		case "image":
			parts = append(parts, "[image: "+b.AltText+"]")
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n"), r.mentions
}

type renderer struct {
	s        *Server
	mentions []string
}

func (r *renderer) text(t textObj) string {
	if t.Type == "plain_text" {
		return t.Text
	}
	return r.mrkdwn(t.Text, t.Verbatim)
}

func (r *renderer) element(e element) string {
	switch e.Type {
	case "button":
		return "[" + e.Text.Text + "]"
	case "overflow": // Slack shows a ⋯ that opens the menu
		return "[⋯]"
	case "static_select":
		return "[" + e.Type + "]"
	}
	return ""
}

// mrkdwn renders mrkdwn as Slack shows it: <…> entities resolved, *bold*,
// _italic_, ~strike~ and `code` markers dropped, &-escapes decoded. Without
// verbatim, Slack also turns the bare words @here, @channel and @everyone
// into mentions, as it does in block text.
func (r *renderer) mrkdwn(text string, verbatim bool) string {
	out, rendered := entities(text, r.entity)
	if !verbatim {
		for _, w := range []string{"@here", "@channel", "@everyone"} {
			if strings.Contains(out, w) {
				r.mentions = append(r.mentions, w[1:])
			}
		}
	}
	for _, f := range formatting {
		out = f.ReplaceAllString(out, "$1$2")
	}
	return restore(unescape(out), rendered)
}

// formatting matches Slack's paired markers where they open a word.
var formatting = []*regexp.Regexp{
	regexp.MustCompile(`(^|[\s(\[{"'\x01])\*([^*\s](?:[^*\n]*[^*\s])?)\*`),
	regexp.MustCompile(`(^|[\s(\[{"'\x01])_([^_\s](?:[^_\n]*[^_\s])?)_`),
	regexp.MustCompile(`(^|[\s(\[{"'\x01])~([^~\s](?:[^~\n]*[^~\s])?)~`),
	regexp.MustCompile("(^|)`([^`\n]+)`"),
}

func (r *renderer) entity(e string) string {
	target, label, hasLabel := strings.Cut(e, "|")
	switch {
	case strings.HasPrefix(target, "@U"), strings.HasPrefix(target, "@W"):
		id := target[1:]
		r.mentions = append(r.mentions, id)
		if u, ok := r.s.users[id]; ok {
			return "@" + u.Name
		}
		if hasLabel {
			return "@" + label
		}
		return "@" + id
	case strings.HasPrefix(target, "#C"), strings.HasPrefix(target, "#G"):
		if c, ok := r.s.channels[target[1:]]; ok {
			return "#" + c.name
		}
		return "#" + label
	case target == "!channel", target == "!here", target == "!everyone":
		r.mentions = append(r.mentions, target[1:])
		return "@" + target[1:]
	case strings.HasPrefix(target, "!subteam^"):
		r.mentions = append(r.mentions, target[1:])
		return "@" + label
	case strings.HasPrefix(target, "!date^"):
		return unescape(label)
	case hasLabel:
		return unescape(label)
	}
	return unescape(target)
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescape(s string) string { return unescaper.Replace(s) }

// entities takes mrkdwn text's <…> entities out, leaving a placeholder for
// each (markers around one still pair up), and returns what render makes
// of each; restore puts them back once the rest is formatted.
func entities(text string, render func(inner string) string) (string, []string) {
	var (
		b   strings.Builder
		out []string
	)
	for {
		i := strings.IndexByte(text, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(text[:i])
		fmt.Fprintf(&b, "\x00%d\x01", len(out))
		out = append(out, render(text[i+1:i+j]))
		text = text[i+j+1:]
	}
	b.WriteString(text)
	return b.String(), out
}

func restore(text string, rendered []string) string {
	for i, e := range rendered {
		text = strings.Replace(text, fmt.Sprintf("\x00%d\x01", i), e, 1)
	}
	return text
}

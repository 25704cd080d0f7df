package prio

import "strings"

// SplitIdea splits the text of `/idea <title> | <description>` at the first
// "|" outside Slack's <…> markup, so a link Slack sends as <url|label> stays
// whole. Either part may be empty; NewIdea judges them.
func SplitIdea(text string) (title, description string) {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '<':
			if end := strings.IndexByte(text[i:], '>'); end > 0 {
				i += end // skip the whole <…>
			}
		case '|':
			return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:])
		}
	}
	return strings.TrimSpace(text), ""
}

// SplitWord returns the first word of text, lower-cased, and the rest with
// its surrounding white space trimmed. Slash commands route on that word.
func SplitWord(text string) (word, rest string) {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, isSpace)
	if i < 0 {
		return strings.ToLower(text), ""
	}
	return strings.ToLower(text[:i]), strings.TrimSpace(text[i:])
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' }

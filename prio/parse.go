package prio

import "strings"

// SplitIdea splits the text of `/idea <title> | <description>` at the first
// "|". Either part may be empty; NewIdea judges them.
func SplitIdea(text string) (title, description string) {
	title, description, _ = strings.Cut(text, "|")
	return strings.TrimSpace(title), strings.TrimSpace(description)
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

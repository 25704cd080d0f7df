package prio

import (
	"strings"
	"unicode/utf8"
)

// Source is the Slack message an idea was made from: where it is, who
// wrote it, and its permalink.
type Source struct {
	Channel, TS string
	Author      string // who wrote the message: a user id, or "" for an app
	AuthorName  string
	Permalink   string
	// Silent: priobot cannot post in the message's thread (a DM, or a
	// private channel it is not in), so its news go by DM only.
	Silent bool
}

// Sourced is what adding an idea with its requesters did.
type Sourced struct {
	Idea    Idea  // the idea made, or (Taken) the one the message made before
	Place   int64 // a new idea's place in the queue
	Taken   bool  // the message had made an idea in this backlog already
	Joined  int64 // Taken: how many became its supporters now
	Missing bool  // Taken, but that idea is gone: nothing was done
}

// TitleFrom proposes an idea's title from a message: its first line with
// visible text, folded like a title, cut at a word boundary to MaxTitle
// characters (with "…"), without Slack's markup of mentions and links or
// its bold, code and strike marks.
func TitleFrom(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = clean(strings.NewReplacer("*", "", "`", "", "~", "").Replace(Unmark(line)))
		if !strings.ContainsFunc(line, visible) {
			continue
		}
		if utf8.RuneCountInString(line) <= MaxTitle {
			return line
		}
		runes := []rune(line)[:MaxTitle-1]
		cut := strings.LastIndexAny(string(runes), " ,;:")
		if cut < MaxTitle/2 {
			return string(runes) + "…"
		}
		return strings.TrimRight(string(runes)[:cut], " ,;:") + "…"
	}
	return ""
}

// Unmark turns Slack's markup in a message's text into what people read:
// <@U123|ann> and <@U123> become @ann and @U123, <#C1|product> #product,
// <https://x|label> label, <https://x> the URL, &amp; &lt; &gt; the characters.
func Unmark(text string) string {
	var b strings.Builder
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
		inner := text[i+1 : i+j]
		target, label, labelled := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@") && labelled:
			b.WriteString("@" + label)
		case strings.HasPrefix(target, "#") && labelled:
			b.WriteString("#" + label)
		case strings.HasPrefix(target, "!") && labelled:
			b.WriteString(label)
		case strings.HasPrefix(target, "!"):
			b.WriteString("@" + strings.TrimPrefix(target, "!"))
		case labelled:
			b.WriteString(label)
		default:
			b.WriteString(target)
		}
		text = text[i+j+1:]
	}
	b.WriteString(text)
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.String())
}

// Placement is what decides where the idea form sends an idea: the
// backlog the person last added to, whether the message's own channel
// holds a backlog, the workspace's only backlog, and the idea the message
// already is (Taken.Number 0 for none).
type Placement struct {
	Last             string
	SourceHasBacklog bool
	Only             string
	Taken            struct {
		Channel string
		Number  int64
	}
}

// Backlog is the backlog the form opens on, for a message in channel
// (none for a form opened from no message): the one the person last added
// to, else the message's channel when it holds a backlog, else the
// workspace's only backlog, else none (the person picks).
func (p Placement) Backlog(channel string) string {
	switch {
	case p.Last != "":
		return p.Last
	case channel != "" && p.SourceHasBacklog:
		return channel
	}
	return p.Only
}

package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// esc escapes user text for mrkdwn so it shows literally: nobody can ping
// @channel or forge a link through a title. Slack wants exactly these three.
var esc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// mrkdwn is a mrkdwn text object that Slack does not scan for bare @here,
// #channel or URLs: our own markup is explicit, user text is escaped.
func mrkdwn(format string, args ...any) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprintf(format, args...), false, true)
}

func section(format string, args ...any) slack.Block {
	return slack.NewSectionBlock(mrkdwn(format, args...), nil, nil)
}

func note(format string, args ...any) slack.Block {
	return slack.NewContextBlock("", mrkdwn(format, args...))
}

// ordinal writes 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st.
func ordinal(n int64) string {
	suffix := "th"
	switch n % 10 {
	case 1:
		suffix = "st"
	case 2:
		suffix = "nd"
	case 3:
		suffix = "rd"
	}
	if n%100 >= 11 && n%100 <= 13 {
		suffix = "th"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// plural writes "1 idea", "2 ideas", "2 people".
func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "person" {
		return fmt.Sprintf("%d people", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func ephemeral(text string, blocks ...slack.Block) *Reply {
	return &Reply{Message: Message{Text: text, Blocks: blocks}}
}

func button(actionID, value, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
}

// date shows a time in each reader's own zone, with a UTC fallback.
func date(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short}|%s>", t.Unix(), t.UTC().Format("2 Jan 2006"))
}

// channelRef links a channel without notifying anyone in it.
func channelRef(id string) string { return "<#" + id + ">" }

package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"
)

// help answers `<command> help` from the route table, so help can never
// list a form the bot does not route, nor miss one it does.
func (a *App) help(command string) Handler {
	return func(context.Context, Request) (*Reply, error) {
		text := a.helpText(command)
		var blocks []slack.Block
		for _, part := range chunks(text, 2800) { // a section holds 3,000 characters
			blocks = append(blocks, section("%s", part))
		}
		return ephemeral(text, blocks...), nil
	}
}

// helpText lists the slash command forms of the given commands (all when none).
func (a *App) helpText(commands ...string) string {
	var b strings.Builder
	for _, r := range a.Routes() {
		if r.Kind != Slash || (len(commands) > 0 && !slices.Contains(commands, r.Name)) {
			continue
		}
		fmt.Fprintf(&b, "`%s` — %s\n", esc(r.Usage), r.Help)
	}
	if len(commands) == 0 || slices.Contains(commands, "/idea") {
		b.WriteString("*Add to backlog* in any message's ⋯ menu — Make the message an idea in a channel's backlog; whoever asked supports it, and its thread hears how it moves.\n")
		b.WriteString("*New idea* in the ⚡ menu, or on priobot's Home — The same form, from anywhere.\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// chunks cuts text at line ends into parts of at most n bytes.
func chunks(text string, n int) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if cur.Len() > 0 && cur.Len()+1+len(line) > n {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n")
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

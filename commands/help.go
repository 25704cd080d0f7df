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
		return ephemeral(a.helpText(command), section("%s", esc(a.helpText(command)))), nil
	}
}

func (a *App) helpText(commands ...string) string {
	var b strings.Builder
	for _, r := range a.Routes() {
		if r.Kind != Slash || (len(commands) > 0 && !slices.Contains(commands, r.Name)) {
			continue
		}
		fmt.Fprintf(&b, "%s — %s\n", r.Usage, r.Help)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// home publishes the App Home tab: what priobot does and how to use it.
func (a *App) home(ctx context.Context, r Request) (*Reply, error) {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "priobot", false, false)),
		section("Collect ideas in any channel, score them together, and always know where each one sits."),
		section("%s", esc(a.helpText())),
	}
	return nil, a.slack.PublishHome(ctx, r.User, blocks)
}

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/priobot/priobot/prio"
	"github.com/slack-go/slack"
)

// reasonClicked opens the one-line reason form for an outlier.
func (a *App) reasonClicked(ctx context.Context, r Request) (*Reply, error) {
	parts := strings.Split(r.Value, ":")
	if len(parts) != 3 {
		return nil, prio.Errorf(prio.Invalid, "That button doesn't belong to a poker card.")
	}
	input := slack.NewPlainTextInputBlockElement(nil, "value")
	input.MaxLength = 300
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewReason, PrivateMetadata: r.Channel + ":" + r.Value,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Why that vote?", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Post in thread", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock(inputReason, slack.NewTextBlockObject(slack.PlainTextType, "In one line", false, false), nil, input)}},
	}
	return nil, a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitReason posts an outlier's reason in the session's thread.
func (a *App) submitReason(ctx context.Context, r Request) (*Reply, error) {
	parts := strings.Split(r.PrivateMetadata, ":")
	if len(parts) != 4 {
		return nil, prio.Errorf(prio.Invalid, "That form lost its card; nothing was posted.")
	}
	reason := strings.TrimSpace(r.Values[inputReason])
	if reason == "" {
		return &Reply{ViewErrors: map[string]string{inputReason: "A line, please."}}, nil
	}
	sid, err1 := strconv.ParseInt(parts[1], 10, 64)
	n, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, prio.Errorf(prio.Invalid, "That form lost its card; nothing was posted.")
	}
	ps, card, _, fw, err := a.loadCard(ctx, r.Team, parts[0], sid, n)
	if err != nil {
		return nil, err
	}
	c := fw.Criterion(parts[3])
	vote := card.Votes[c.Key][r.User]
	if c.ID == "" || vote == "" {
		return nil, prio.Errorf(prio.Forbidden, "Only someone who voted on that card can explain a vote.")
	}
	text := fmt.Sprintf("%s on #%d (%s %s): “%s”", esc(r.UserName), n, c.Name, vote, esc(reason))
	_, err = a.slack.Post(ctx, ps.Channel, Message{Text: text, ThreadTS: ps.TS})
	return nil, err
}

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// openPokerForm opens the form `/poker` alone shows: pick ideas, voters,
// a deadline and a quorum.
func (a *App) openPokerForm(ctx context.Context, r Request) error {
	waiting, _, err := a.ideas.Awaiting(ctx, r.Team, r.Channel, 0, 60)
	if err != nil {
		return err
	}
	ranked, _, err := a.ideas.Ranked(ctx, r.Team, r.Channel, 0, 40)
	if err != nil {
		return err
	}
	var options []*slack.OptionBlockObject
	for _, idea := range append(waiting, ranked...) {
		label := prio.Shorten(fmt.Sprintf("#%d %s", idea.Number, idea.Title), 75)
		options = append(options, slack.NewOptionBlockObject(strconv.FormatInt(idea.Number, 10), slack.NewTextBlockObject(slack.PlainTextType, label, false, false), nil))
	}
	if len(options) == 0 {
		return prio.Errorf(prio.NotFound, "This channel's backlog has no ideas in play to score. Add some with `/idea`.")
	}
	pick := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "value", options...)
	maxIdeas := poker.MaxIdeas
	pick.MaxSelectedItems = &maxIdeas
	voters := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "value")
	deadlines := []*slack.OptionBlockObject{}
	for _, d := range []string{"30m", "1h", "4h", "24h", "3d", "7d"} {
		deadlines = append(deadlines, slack.NewOptionBlockObject(d, slack.NewTextBlockObject(slack.PlainTextType, d, false, false), nil))
	}
	deadline := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", deadlines...)
	quorum := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "e.g. 3", false, false), "value")
	input := func(id, label string, el slack.BlockElement, optional bool) *slack.InputBlock {
		b := slack.NewInputBlock(id, slack.NewTextBlockObject(slack.PlainTextType, label, false, false), nil, el)
		b.Optional = optional
		return b
	}
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewPoker, PrivateMetadata: r.Channel,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Priority poker", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Start", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			input(inputIdeas, "Ideas to score", pick, false),
			input(inputVoters, "Voters (empty: anyone in the channel)", voters, true),
			input(inputFor, "Voting closes after", deadline, true),
			input(inputQuorum, "Reveal once this many have voted", quorum, true),
		}},
	}
	return a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitPokerForm starts the session the form describes.
func (a *App) submitPokerForm(ctx context.Context, r Request) (*Reply, error) {
	words := []string{}
	for _, n := range strings.Split(r.Values[inputIdeas], ",") {
		if n != "" {
			words = append(words, "#"+n)
		}
	}
	if v := r.Values[inputVoters]; v != "" {
		words = append(words, "with")
		for _, u := range strings.Split(v, ",") {
			words = append(words, "<@"+u+">")
		}
	}
	if d := r.Values[inputFor]; d != "" {
		words = append(words, "for", d)
	}
	if q := strings.TrimSpace(r.Values[inputQuorum]); q != "" {
		words = append(words, "quorum", q)
	}
	start, err := poker.ParseStart(strings.Join(words, " "))
	if err != nil {
		return &Reply{ViewErrors: map[string]string{inputIdeas: prio.ErrorMessage(err)}}, nil
	}
	r.Channel = r.PrivateMetadata
	reply, err := a.runSession(ctx, r, start)
	if err != nil {
		return &Reply{ViewErrors: map[string]string{inputIdeas: prio.ErrorMessage(err)}}, nil
	}
	if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, reply.Message); err != nil {
		a.log.WarnContext(ctx, "poker start not confirmed", "err", err)
	}
	return nil, nil
}

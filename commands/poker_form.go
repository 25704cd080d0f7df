package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// pokerFormMeta is what the poker form remembers: who opened it, in which
// workspace and channel; a submission from anyone else is refused.
type pokerFormMeta struct {
	Team    string `json:"t"`
	User    string `json:"u"`
	Channel string `json:"c"`
}

// openPokerForm opens the form `/poker` alone shows: pick ideas (those
// chosen ticked already), voters, a deadline and a quorum. Ideas on an
// open card are not offered: one session scores an idea at a time.
func (a *App) openPokerForm(ctx context.Context, r Request, chosen []int64) error {
	inPlay, err := a.poker.InPlay(ctx, r.Team, r.Channel)
	if err != nil {
		return err
	}
	waiting, _, err := a.ideas.Awaiting(ctx, r.Team, r.Channel, 0, 60)
	if err != nil {
		return err
	}
	ranked, _, err := a.ideas.Ranked(ctx, r.Team, r.Channel, 0, 40)
	if err != nil {
		return err
	}
	var options, ticked []*slack.OptionBlockObject
	for _, idea := range append(waiting, ranked...) {
		if _, on := inPlay[idea.Number]; on {
			continue
		}
		label := prio.Shorten(fmt.Sprintf("#%d %s", idea.Number, idea.Title), 75)
		o := slack.NewOptionBlockObject(strconv.FormatInt(idea.Number, 10), slack.NewTextBlockObject(slack.PlainTextType, label, false, false), nil)
		options = append(options, o)
		if slices.Contains(chosen, idea.Number) && len(ticked) < poker.MaxIdeas {
			ticked = append(ticked, o)
		}
	}
	var left []int64
	for _, n := range chosen {
		if _, on := inPlay[n]; on {
			left = append(left, n)
		}
	}
	if len(options) == 0 {
		if len(inPlay) > 0 {
			return prio.Errorf(prio.Conflict, "Every idea in play in this backlog is on an open poker card already. Its session's thread has them.")
		}
		return prio.Errorf(prio.NotFound, "This channel's backlog has no ideas in play to score. Add some with `/idea`.")
	}
	pick := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "value", options...)
	pick.InitialOptions = ticked
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
	blocks := []slack.Block{input(inputIdeas, "Ideas to score", pick, false)}
	if len(left) > 0 {
		verb, pronoun := "are", "they are"
		if len(left) == 1 {
			verb, pronoun = "is", "it is"
		}
		blocks = append(blocks, note("%s %s left out: %s on an open card of a session already, and one session scores an idea at a time.",
			refList(left), verb, pronoun))
	}
	blocks = append(blocks,
		input(inputVoters, "Voters (empty: anyone in the channel)", voters, true),
		input(inputFor, "Voting closes after", deadline, true),
		input(inputQuorum, "Reveal once this many have voted", quorum, true))
	meta, _ := json.Marshal(pokerFormMeta{Team: r.Team, User: r.User, Channel: r.Channel})
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewPoker, PrivateMetadata: string(meta),
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Priority poker", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Start", false, false),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
	return a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitPokerForm starts the session the form describes.
func (a *App) submitPokerForm(ctx context.Context, r Request) (*Reply, error) {
	var meta pokerFormMeta
	if err := json.Unmarshal([]byte(r.PrivateMetadata), &meta); err != nil || meta.Team != r.Team || meta.User != r.User || !channelID.MatchString(meta.Channel) {
		return &Reply{ViewErrors: map[string]string{inputIdeas: "This form was not opened by you here. Type `/poker` in the channel again."}}, nil
	}
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
	r.Channel = meta.Channel
	reply, err := a.runSession(ctx, r, start)
	if err != nil {
		return &Reply{ViewErrors: map[string]string{inputIdeas: prio.ErrorMessage(err)}}, nil
	}
	if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, reply.Message); err != nil {
		a.log.WarnContext(ctx, "poker start not confirmed", "err", err)
	}
	return nil, nil
}

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
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
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("reason", slack.NewTextBlockObject(slack.PlainTextType, "In one line", false, false), nil, input)}},
	}
	return nil, a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitReason posts an outlier's reason in the session's thread.
func (a *App) submitReason(ctx context.Context, r Request) (*Reply, error) {
	parts := strings.Split(r.PrivateMetadata, ":")
	if len(parts) != 4 {
		return nil, prio.Errorf(prio.Invalid, "That form lost its card; nothing was posted.")
	}
	reason := strings.TrimSpace(r.Values["reason"])
	if reason == "" {
		return &Reply{ViewErrors: map[string]string{"reason": "A line, please."}}, nil
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

// RunScheduler reveals cards whose voting deadline has passed, every tick,
// until ctx ends. Any number of replicas may run it: each card is revealed
// once. Sessions due while no bot ran are revealed at the next start.
func (a *App) RunScheduler(ctx context.Context, tick time.Duration) {
	a.every(ctx, tick, "poker deadlines", func() { a.revealDue(ctx); a.remindDue(ctx) })
}

func (a *App) revealDue(ctx context.Context) {
	a.eachDue(ctx, "deadlines", a.store.DueSessions, func(ps poker.Session) {
		revealed, err := a.store.RevealDue(ctx, ps, a.now())
		if err != nil {
			a.log.WarnContext(ctx, "scheduler: reveal", "session", ps.ID, "err", err)
			return
		}
		// Revealed cards are drawn and their outliers asked even if
		// shutdown begins meanwhile: no other replica would do it.
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), itemTimeout)
		defer cancel()
		for _, n := range revealed {
			a.afterReveal(work, ps, n)
		}
	})
}

// eachDue runs work on each session an index (due) says is due by now,
// until ctx ends.
func (a *App) eachDue(ctx context.Context, what string, due func(context.Context, time.Time) ([]poker.Ref, error), work func(poker.Session)) {
	refs, err := due(ctx, a.now())
	if err != nil {
		a.log.WarnContext(ctx, "scheduler: due "+what, "err", err)
		return
	}
	for _, ref := range refs {
		if ctx.Err() != nil {
			return
		}
		if ps, err := a.store.Session(ctx, ref.Team, ref.Channel, ref.ID); err == nil {
			work(ps)
		}
	}
}

// openPokerForm opens the form `/poker` alone shows: pick ideas, voters,
// a deadline and a quorum.
func (a *App) openPokerForm(ctx context.Context, r Request) error {
	waiting, _, err := a.store.Awaiting(ctx, r.Team, r.Channel, 0, 60)
	if err != nil {
		return err
	}
	ranked, _, err := a.store.Ranked(ctx, r.Team, r.Channel, 0, 40)
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
			input("ideas", "Ideas to score", pick, false),
			input("voters", "Voters (empty: anyone in the channel)", voters, true),
			input("deadline", "Voting closes after", deadline, true),
			input("quorum", "Reveal once this many have voted", quorum, true),
		}},
	}
	return a.slack.OpenModal(ctx, r.TriggerID, view)
}

// submitPokerForm starts the session the form describes.
func (a *App) submitPokerForm(ctx context.Context, r Request) (*Reply, error) {
	words := []string{}
	for _, n := range strings.Split(r.Values["ideas"], ",") {
		if n != "" {
			words = append(words, "#"+n)
		}
	}
	if v := r.Values["voters"]; v != "" {
		words = append(words, "with")
		for _, u := range strings.Split(v, ",") {
			words = append(words, "<@"+u+">")
		}
	}
	if d := r.Values["deadline"]; d != "" {
		words = append(words, "for", d)
	}
	if q := strings.TrimSpace(r.Values["quorum"]); q != "" {
		words = append(words, "quorum", q)
	}
	start, err := poker.ParseStart(strings.Join(words, " "))
	if err != nil {
		return &Reply{ViewErrors: map[string]string{"ideas": prio.ErrorMessage(err)}}, nil
	}
	r.Channel = r.PrivateMetadata
	reply, err := a.runSession(ctx, r, start)
	if err != nil {
		return &Reply{ViewErrors: map[string]string{"ideas": prio.ErrorMessage(err)}}, nil
	}
	if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, reply.Message); err != nil {
		a.log.WarnContext(ctx, "poker start not confirmed", "err", err)
	}
	return nil, nil
}

package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// The idea card's menu (⋯): what can be done to an idea, by click. Each
// action runs the command it stands for, so the checks, refusals and
// answers are the command's; a form is checked again on submit.

// menuOption is one option of a card's menu: its label and the verb its
// value carries.
type menuOption struct{ label, verb string }

// menuFor is what the menu offers for an idea in its state (Slack's
// overflow menu holds at most 5).
func menuFor(idea prio.Idea) []menuOption {
	if idea.Status.Open() {
		return []menuOption{{"Change status…", "status"}, {"Score…", "score"}, {"Merge into…", "merge"}, {"Link…", "link"}, {"Start poker", "poker"}}
	}
	return []menuOption{{"Reopen", "reopen"}, {"Link…", "link"}, {"History", "history"}}
}

// ideaMenu is a card's ⋯ menu; each value is "verb:number:channel".
func ideaMenu(idea prio.Idea) *slack.OverflowBlockElement {
	var options []*slack.OptionBlockObject
	for _, o := range menuFor(idea) {
		value := fmt.Sprintf("%s:%d:%s", o.verb, idea.Number, idea.Channel)
		options = append(options, slack.NewOptionBlockObject(value, slack.NewTextBlockObject(slack.PlainTextType, o.label, false, false), nil))
	}
	return slack.NewOverflowBlockElement(actIdeaMenu, options...)
}

// withMenu is a section of text about an idea, with the idea's menu when
// the idea is in channel (where the menu's picks are checked).
func withMenu(idea prio.Idea, channel, format string, args ...any) slack.Block {
	if idea.Channel != channel || idea.Number == 0 {
		return section(format, args...)
	}
	return slack.NewSectionBlock(mrkdwn(format, args...), nil, slack.NewAccessory(ideaMenu(idea)))
}

// menuPicked serves a pick in a card's menu.
func (a *App) menuPicked(ctx context.Context, r Request) (*Reply, error) {
	parts := strings.Split(r.Value, ":")
	var n int64
	var err error
	if len(parts) == 3 {
		n, err = prio.ParseRef(parts[1])
	}
	if len(parts) != 3 || err != nil || parts[2] != r.Channel {
		return nil, prio.Errorf(prio.Invalid, "That menu belongs to a card in another channel; use it there, or type the command.")
	}
	ref := fmt.Sprintf("#%d", n)
	switch r.Text = ref; parts[0] {
	case "reopen":
		return a.reopen(ctx, r)
	case "history":
		return a.history(ctx, r)
	case "poker":
		return nil, a.openPokerForm(ctx, r, []int64{n})
	case "status", "score", "merge", "link":
		return nil, a.openIdeaForm(ctx, r, parts[0], n)
	}
	return nil, prio.Errorf(prio.Invalid, "That menu option is not one priobot knows; type the command instead.")
}

// ideaFormMeta is what an idea form remembers: who opened it, where, for
// which idea; a submission from anyone else is refused.
type ideaFormMeta struct {
	Team    string `json:"t"`
	User    string `json:"u"`
	Channel string `json:"c"`
	Idea    int64  `json:"n"`
}

// openIdeaForm opens the form for an action on idea n, once the person may
// take it: the refusal is the command's.
func (a *App) openIdeaForm(ctx context.Context, r Request, verb string, n int64) error {
	idea, _, err := a.ideas.Where(ctx, r.Team, r.Channel, n)
	if err != nil {
		return err
	}
	if idea.Author != r.User || verb == "status" || verb == "score" {
		what := map[string]string{"status": fmt.Sprintf("move #%d", n), "score": fmt.Sprintf("score #%d", n),
			"merge": fmt.Sprintf("merge #%d (its author may too)", n), "link": fmt.Sprintf("change #%d's links (its author may too)", n)}[verb]
		if err := a.mayManage(ctx, r, what); err != nil {
			return err
		}
	}
	var f actionForm
	switch verb {
	case "status":
		f = a.statusForm(ctx, r, idea)
	case "score":
		f, err = a.scoreForm(ctx, r, idea)
	case "merge":
		f, err = a.mergeForm(ctx, r, idea)
	case "link":
		f, err = a.linkForm(ctx, r, idea)
	}
	if err != nil {
		return err
	}
	meta, _ := json.Marshal(ideaFormMeta{Team: r.Team, User: r.User, Channel: r.Channel, Idea: n})
	return a.slack.OpenModal(ctx, r.TriggerID, slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: f.callback, PrivateMetadata: string(meta),
		Title:  slack.NewTextBlockObject(slack.PlainTextType, prio.Shorten(f.title, 24), false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, f.submit, false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks: slack.Blocks{BlockSet: f.blocks},
	})
}

// actionForm is one of the idea forms, ready to open.
type actionForm struct {
	callback, title, submit string
	blocks                  []slack.Block
}

// input is a form's input block.
func input(id, label string, el slack.BlockElement, optional bool, hint string) *slack.InputBlock {
	var h *slack.TextBlockObject
	if hint != "" {
		h = slack.NewTextBlockObject(slack.PlainTextType, hint, false, false)
	}
	b := slack.NewInputBlock(id, slack.NewTextBlockObject(slack.PlainTextType, label, false, false), h, el)
	b.Optional = optional
	return b
}

// plainOption is a select's option whose label is its text.
func plainOption(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, slack.NewTextBlockObject(slack.PlainTextType, prio.Shorten(label, 75), false, false), nil)
}

// whoHears says who a change to idea tells by DM, before it is made.
func whoHears(idea prio.Idea) string {
	switch {
	case idea.Supporters == 0 && idea.Author == "":
		return "Nobody is told by direct message: it has no author in Slack and no supporters."
	case idea.Supporters == 0:
		return fmt.Sprintf("%s hears of it by direct message.", esc(idea.AuthorName))
	case idea.Author == "":
		return fmt.Sprintf("Its %s hear of it by direct message.", plural(idea.Supporters, "supporter"))
	}
	return fmt.Sprintf("%s, its author, and %s hear of it by direct message.", esc(idea.AuthorName), plural(idea.Supporters, "supporter"))
}

// statusForm moves an idea: to planned, in progress or shipped, or
// declined with a reason, which it then requires.
func (a *App) statusForm(_ context.Context, _ Request, idea prio.Idea) actionForm {
	var options []*slack.OptionBlockObject
	for _, s := range []prio.Status{prio.StatusPlanned, prio.StatusInProgress, prio.StatusShipped, prio.StatusDeclined} {
		if s != idea.Status {
			options = append(options, plainOption(string(s), s.Label()))
		}
	}
	pick := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", options...)
	reason := slack.NewPlainTextInputBlockElement(nil, "value")
	reason.Multiline, reason.MaxLength = true, prio.MaxReason
	return actionForm{callback: viewIdeaStatus, title: fmt.Sprintf("Move #%d", idea.Number), submit: "Move", blocks: []slack.Block{
		section("*#%d %s* is %s.", idea.Number, esc(idea.Title), idea.Status.Label()),
		input(inputStatus, "Move it to", pick, false, ""),
		input(inputReason, "Why (needed to decline)", reason, true, "Its author and supporters read it."),
		note("%s", whoHears(idea)),
	}}
}

// submitStatusForm runs `/backlog status` or `/backlog decline`.
func (a *App) submitStatusForm(ctx context.Context, r Request) (*Reply, error) {
	r, n, problem := a.readIdeaForm(r)
	if problem != nil {
		return problem, nil
	}
	to, reason := r.Values[inputStatus], strings.TrimSpace(r.Values[inputReason])
	if to == string(prio.StatusDeclined) {
		if reason == "" {
			return &Reply{ViewErrors: map[string]string{inputReason: "Say why it is declined: its author and supporters read it."}}, nil
		}
		r.Text = fmt.Sprintf("#%d %s", n, reason)
		return a.viaForm(ctx, r, a.decline, inputStatus)
	}
	r.Text = fmt.Sprintf("#%d %s", n, to)
	return a.viaForm(ctx, r, a.setStatus, inputStatus)
}

// scoreForm scores an idea on each criterion of the backlog's framework:
// a card of its scale, or a value between its ends typed in.
func (a *App) scoreForm(ctx context.Context, r Request, idea prio.Idea) (actionForm, error) {
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return actionForm{}, err
	}
	blocks := []slack.Block{section("*#%d %s*, scored %s.", idea.Number, esc(idea.Title), fw.Formula)}
	for _, c := range fw.Criteria {
		var options []*slack.OptionBlockObject
		var chosen *slack.OptionBlockObject
		for _, v := range c.Scale {
			o := plainOption(c.Label(v), c.Label(v))
			options = append(options, o)
			if cur, ok := idea.Values[c.ID]; ok && cur == v {
				chosen = o
			}
		}
		pick := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", options...)
		pick.InitialOption = chosen
		typed := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "e.g. 6.5", false, false), "value")
		if cur, ok := idea.Values[c.ID]; ok && chosen == nil {
			typed.InitialValue = c.Label(cur)
		}
		better := "lower is better"
		if c.Higher {
			better = "higher is better"
		}
		blocks = append(blocks, input(inputCriterion+c.Key, c.Name, pick, true, better),
			input(inputBetween+c.Key, c.Name+": or a value between the cards", typed, true, ""))
	}
	return actionForm{callback: viewIdeaScore, title: fmt.Sprintf("Score #%d", idea.Number), submit: "Score", blocks: blocks}, nil
}

// submitScoreForm runs `/backlog score`.
func (a *App) submitScoreForm(ctx context.Context, r Request) (*Reply, error) {
	r, n, problem := a.readIdeaForm(r)
	if problem != nil {
		return problem, nil
	}
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	words := []string{fmt.Sprintf("#%d", n)}
	for _, c := range fw.Criteria {
		v := strings.TrimSpace(r.Values[inputBetween+c.Key])
		if v == "" {
			v = r.Values[inputCriterion+c.Key]
		}
		if v == "" {
			return &Reply{ViewErrors: map[string]string{inputCriterion + c.Key: "Pick a card, or type a value between the cards below."}}, nil
		}
		words = append(words, c.Key+"="+v)
	}
	r.Text = strings.Join(words, " ")
	return a.viaForm(ctx, r, a.score, inputCriterion+fw.Criteria[0].Key)
}

// mergeForm merges an idea into another, picked by title or number.
func (a *App) mergeForm(ctx context.Context, r Request, idea prio.Idea) (actionForm, error) {
	var options []*slack.OptionBlockObject
	for _, list := range []func(context.Context, string, string, int64, int64) ([]prio.Idea, int64, error){a.ideas.Ranked, a.ideas.Awaiting, a.ideas.Unscored} {
		ideas, _, err := list(ctx, r.Team, r.Channel, 0, 40)
		if err != nil {
			return actionForm{}, err
		}
		for _, i := range ideas {
			if i.Number != idea.Number && len(options) < 100 {
				options = append(options, plainOption(strconv.FormatInt(i.Number, 10), fmt.Sprintf("#%d %s", i.Number, i.Title)))
			}
		}
	}
	blocks := []slack.Block{section("Merge *#%d %s* into another idea of this backlog: its supporters move there, and it is closed as merged.", idea.Number, esc(idea.Title))}
	if len(options) > 0 {
		blocks = append(blocks, input(inputInto, "Into", slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", options...), true, ""))
	}
	number := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "#7", false, false), "value")
	blocks = append(blocks, input(inputIntoNumber, "Or its number", number, true, ""), note("%s", whoHears(idea)))
	return actionForm{callback: viewIdeaMerge, title: fmt.Sprintf("Merge #%d", idea.Number), submit: "Merge", blocks: blocks}, nil
}

// submitMergeForm runs `/backlog merge`.
func (a *App) submitMergeForm(ctx context.Context, r Request) (*Reply, error) {
	r, n, problem := a.readIdeaForm(r)
	if problem != nil {
		return problem, nil
	}
	into := strings.TrimPrefix(strings.TrimSpace(r.Values[inputIntoNumber]), "#")
	if into == "" {
		into = r.Values[inputInto]
	}
	if into == "" {
		return &Reply{ViewErrors: map[string]string{inputIntoNumber: "Pick the idea to merge into, or type its number."}}, nil
	}
	r.Text = fmt.Sprintf("#%d into #%s", n, into)
	return a.viaForm(ctx, r, a.merge, inputIntoNumber)
}

// readIdeaForm checks an idea form's metadata against who submitted it
// and returns the request as if typed in the idea's channel.
func (a *App) readIdeaForm(r Request) (Request, int64, *Reply) {
	var meta ideaFormMeta
	if err := json.Unmarshal([]byte(r.PrivateMetadata), &meta); err != nil || meta.Team != r.Team || meta.User != r.User ||
		!channelID.MatchString(meta.Channel) || meta.Idea < 1 {
		return r, 0, &Reply{ViewErrors: map[string]string{firstInput(r): "This form was not opened by you here. Open it again from the idea's card."}}
	}
	r.Channel = meta.Channel
	return r, meta.Idea, nil
}

// firstInput names an input of the form submitted, to hang an error on.
func firstInput(r Request) string {
	for id := range r.Values {
		return id
	}
	return inputStatus
}

// viaForm runs a command for a form: a refusal shows on the form at block
// (the idea may have moved since it opened), an answer is said privately
// in the idea's channel, as the command's would be.
func (a *App) viaForm(ctx context.Context, r Request, h Handler, block string) (*Reply, error) {
	reply, err := inChannel(backlogWhere, h)(ctx, r)
	if err != nil {
		if prio.ErrorCode(err) == prio.Internal {
			return nil, err
		}
		return &Reply{ViewErrors: map[string]string{block: prio.ErrorMessage(err)}}, nil
	}
	if reply == nil {
		return nil, nil
	}
	if reply.InChannel { // what the command says to the channel, it says there
		if _, err := a.slack.Post(ctx, r.Channel, reply.Message); err != nil {
			return nil, err
		}
		reply.Message = Message{}
	}
	for _, m := range []*Message{&reply.Message, reply.Then} {
		if m != nil && (m.Text != "" || len(m.Blocks) > 0) {
			if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, *m); err != nil {
				_ = a.slack.DM(ctx, r.User, *m)
			}
		}
	}
	return nil, nil
}

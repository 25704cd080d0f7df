package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// submitIdea serves `/idea <title> | <description>`; `/idea` alone opens the form.
func (a *App) submitIdea(ctx context.Context, r Request) (*Reply, error) {
	if dm(r.Channel, r.ChannelName) {
		// No backlog here: the form asks for one, with what was typed.
		title, description := prio.SplitIdea(r.Text)
		f := sourcedForm{meta: formMeta{Team: r.Team, User: r.User}, title: title, description: description}
		return nil, a.slack.OpenModal(ctx, r.TriggerID, f.view())
	}
	if strings.TrimSpace(r.Text) == "" {
		return nil, a.slack.OpenModal(ctx, r.TriggerID, ideaForm(r.Channel))
	}
	title, description := prio.SplitIdea(r.Text)
	return a.createIdea(ctx, r, title, description)
}

// ideaForm is the modal `/idea` opens; it remembers the channel.
func ideaForm(channel string) slack.ModalViewRequest {
	title := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "Dark mode", false, false), "value")
	title.MaxLength = prio.MaxTitle
	desc := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "Who needs it, and why?", false, false), "value")
	desc.Multiline, desc.MaxLength = true, prio.MaxDescription
	descBlock := slack.NewInputBlock(inputDesc, slack.NewTextBlockObject(slack.PlainTextType, "Description", false, false), nil, desc)
	descBlock.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewNewIdea, PrivateMetadata: channel,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "New idea", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Submit", false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(inputTitle, slack.NewTextBlockObject(slack.PlainTextType, "Title", false, false), nil, title),
			descBlock,
		}},
	}
}

// submitIdeaForm serves the form: errors go back onto the form; on success
// the author gets the same private confirmation as from `/idea`.
func (a *App) submitIdeaForm(ctx context.Context, r Request) (*Reply, error) {
	r.Channel = r.PrivateMetadata
	if _, err := prio.NewIdea(r.Team, r.Channel, r.User, r.Values[inputTitle], r.Values[inputDesc], a.now()); err != nil {
		return &Reply{ViewErrors: map[string]string{inputTitle: prio.ErrorMessage(err)}}, nil
	}
	reply, err := a.createIdea(ctx, r, r.Values[inputTitle], r.Values[inputDesc])
	if err != nil {
		return nil, err
	}
	if err := a.slack.PostEphemeral(ctx, r.Channel, r.User, reply.Message); err != nil {
		_ = a.slack.DM(ctx, r.User, reply.Message) // not in the channel: say it in a DM
	}
	return nil, nil
}

// createIdea numbers an idea, posts its card in the channel and tells the
// author privately where it waits, and whether it looks like another.
func (a *App) createIdea(ctx context.Context, r Request, title, description string) (*Reply, error) {
	idea, err := prio.NewIdea(r.Team, r.Channel, r.User, title, description, a.now())
	if err != nil {
		return nil, err
	}
	idea.AuthorName = r.UserName
	idea.Via = "command"
	if r.Values != nil {
		idea.Via = "form"
	}
	a.notePrivacy(ctx, r.Team, r.Channel)
	idea, place, err := a.store.CreateIdea(ctx, idea)
	if err != nil {
		return nil, err
	}
	return a.postIdea(ctx, r, idea, place)
}

// postIdea follows a new idea's creation: its card in the backlog's
// channel, and the author's private confirmation with its place and
// whether it looks like another idea.
func (a *App) postIdea(ctx context.Context, r Request, idea prio.Idea, place int64) (*Reply, error) {
	a.announced(ctx, r.Team, r.Channel)
	ts, err := a.slack.Post(ctx, r.Channel, ideaCard(idea))
	if err != nil {
		a.log.WarnContext(ctx, "idea card not posted", "team", r.Team, "channel", r.Channel, "idea", idea.Number, "err", err)
		return ephemeral(fmt.Sprintf("Saved as #%d in this channel's backlog, but I couldn't post its card here. Invite me with `/invite @priobot` so everyone sees new ideas.", idea.Number)), nil
	}
	if err := a.store.SetCardTS(ctx, r.Team, r.Channel, idea.Number, ts); err != nil {
		return nil, err
	}
	a.homesChanged(r.Team, r.Channel)
	text := fmt.Sprintf("Thanks! #%d %s is in the backlog, %s in the queue awaiting scoring.", idea.Number, esc(idea.Title), ordinal(place))
	blocks := []slack.Block{section("%s", text)}
	if twin, ok := a.lookalike(ctx, idea); ok {
		text += fmt.Sprintf(" It looks like #%d %s.", twin.Number, esc(twin.Title))
		blocks = append(blocks,
			section("It looks like *#%d %s* (%s). Same idea? Merge yours into it and your support moves there.", twin.Number, esc(twin.Title), twin.Status.Label()),
			slack.NewActionBlock("lookalike",
				button(actMergeInto, fmt.Sprintf("%d>%d", idea.Number, twin.Number), fmt.Sprintf("Merge into #%d", twin.Number)),
				button(actKeep, strconv.FormatInt(idea.Number, 10), "Keep mine")))
	}
	return ephemeral(text, blocks...), nil
}

// lookalike finds the open idea of the same backlog whose title is most
// like idea's, if any is alike enough.
func (a *App) lookalike(ctx context.Context, idea prio.Idea) (prio.Idea, bool) {
	titles, err := a.store.Titles(ctx, idea.Team, idea.Channel)
	if err != nil {
		return prio.Idea{}, false // a hint is not worth failing the submission for
	}
	var candidates []int64
	for n, t := range titles {
		if n != idea.Number && prio.Similarity(t, idea.Title) >= prio.SimilarThreshold {
			candidates = append(candidates, n)
		}
	}
	ideas, err := a.store.Ideas(ctx, idea.Team, idea.Channel, candidates)
	if err != nil {
		return prio.Idea{}, false
	}
	var best prio.Idea
	found := false
	for _, c := range ideas {
		if c.Status.Open() && (!found || prio.Similarity(c.Title, idea.Title) > prio.Similarity(best.Title, idea.Title) ||
			(prio.Similarity(c.Title, idea.Title) == prio.Similarity(best.Title, idea.Title) && c.Number < best.Number)) {
			best, found = c, true
		}
	}
	return best, found
}

// notePrivacy records once per backlog whether its channel is private, so
// its ideas are never shown elsewhere. Without the answer the channel is
// taken as private.
func (a *App) notePrivacy(ctx context.Context, team, channel string) {
	if _, known, err := a.store.ChannelPrivacy(ctx, team, channel); err != nil || known {
		return
	}
	private, err := a.slack.ChannelPrivate(ctx, channel)
	if err != nil {
		a.log.WarnContext(ctx, "channel privacy unknown; treating as private", "channel", channel, "err", err)
		private = true
	}
	_ = a.store.SetChannelPrivacy(ctx, team, channel, private)
}

// ideaCard is the message that announces an idea in its channel and keeps
// its status and support up to date.
func ideaCard(idea prio.Idea) Message {
	blocks := []slack.Block{section("*#%d %s*", idea.Number, esc(idea.Title))}
	if idea.Description != "" {
		blocks = append(blocks, section("%s", esc(idea.Description)))
	}
	status := idea.Status.Label()
	if idea.Scored && idea.Status.Open() {
		status += " · score " + prio.FormatScore(idea.Score)
	}
	if idea.Status == prio.StatusMerged {
		status += fmt.Sprintf(" into #%d", idea.MergedInto)
	}
	line := fmt.Sprintf("Submitted by %s · %s", esc(idea.AuthorName), status)
	if idea.Source != nil {
		line = fmt.Sprintf("Submitted by %s %s · %s", esc(idea.AuthorName), from(idea.Source), status)
	}
	if idea.Supporters > 0 {
		line += " · " + plural(idea.Supporters, "supporter")
	}
	blocks = append(blocks, note("%s", line))
	if l := links(idea); l != "" {
		blocks = append(blocks, note("%s", l))
	}
	num := strconv.FormatInt(idea.Number, 10)
	if idea.Status.Open() {
		blocks = append(blocks, slack.NewActionBlock("idea", button(actSupport, num, "Me too"), button(actWhere, num, "Where does it sit?")))
	} else {
		blocks = append(blocks, slack.NewActionBlock("idea", button(actWhere, num, "Where does it sit?")))
	}
	return Message{Text: fmt.Sprintf("Idea #%d: %s (%s)", idea.Number, esc(idea.Title), idea.Status.Label()), Blocks: blocks}
}

// refreshCard redraws an idea's card after a change, coalesced to about
// once a second; a failure is logged, not shown: the change was saved.
func (a *App) refreshCard(team, channel string, n int64) {
	a.coalesce(fmt.Sprintf("idea card %s:%s:%d", team, channel, n), redrawEvery,
		func(ctx context.Context) (bool, error) { return a.store.ClaimIdeaRedraw(ctx, team, channel, n) },
		func(ctx context.Context) (int64, error) {
			idea, _, err := a.store.Where(ctx, team, channel, n)
			if err != nil || idea.CardTS == "" {
				return idea.Rev, err
			}
			return idea.Rev, a.slack.Update(ctx, channel, idea.CardTS, ideaCard(idea))
		},
		func(ctx context.Context) (int64, error) {
			idea, _, err := a.store.Where(ctx, team, channel, n)
			return idea.Rev, err
		})
}

// clickedIdea reads the idea number a button carries. Clicks come from
// cards in the idea's own channel, so the number is looked up there.
func clickedIdea(r Request) (int64, error) {
	return prio.ParseRef(r.Value)
}

// support serves **Me too**: the first click supports, the next withdraws.
func (a *App) support(ctx context.Context, r Request) (*Reply, error) {
	n, err := clickedIdea(r)
	if err != nil {
		return nil, err
	}
	on, count, err := a.store.ToggleSupport(ctx, r.Team, r.Channel, n, r.actor(), a.now())
	if err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	if on {
		return ephemeral(fmt.Sprintf("You support #%d now (%s). You'll hear when its status changes; click again to withdraw.", n, plural(count, "supporter"))), nil
	}
	return ephemeral(fmt.Sprintf("You no longer support #%d.", n)), nil
}

// mergeClicked serves **Merge into #7** on the look-alike prompt.
func (a *App) mergeClicked(ctx context.Context, r Request) (*Reply, error) {
	from, into, err := mergeValue(r.Value)
	if err != nil {
		return nil, err
	}
	reply, err := a.doMerge(ctx, r, from, into)
	if err != nil {
		return nil, err
	}
	reply.Replace = true
	return reply, nil
}

// mergeValue reads the value of a **Merge into** button: "<from>><into>".
func mergeValue(v string) (from, into int64, err error) {
	fromText, intoText, ok := strings.Cut(v, ">")
	from, err1 := prio.ParseRef(fromText)
	into, err2 := prio.ParseRef(intoText)
	if !ok || err1 != nil || err2 != nil || from == into {
		return 0, 0, prio.Errorf(prio.Invalid, "That button is broken; use `/backlog merge #12 into #7`.")
	}
	return from, into, nil
}

// keepClicked serves **Keep mine**: nothing changes; the prompt goes.
func (a *App) keepClicked(_ context.Context, r Request) (*Reply, error) {
	n, err := clickedIdea(r)
	if err != nil {
		return nil, err
	}
	return &Reply{Message: Message{Text: fmt.Sprintf("Kept #%d as its own idea.", n)}, Replace: true}, nil
}

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// IdeaStore keeps the backlog: ideas, their statuses, scores, supporters and
// links, and where each ranks. store.Store implements it.
type IdeaStore interface {
	CreateIdea(ctx context.Context, idea prio.Idea) (prio.Idea, int64, error)
	SetCardTS(ctx context.Context, team, channel string, number int64, ts string) error
	Locate(ctx context.Context, team string, n int64) (string, error)
	Where(ctx context.Context, team, channel string, n int64) (prio.Idea, prio.Position, error)
	Ranked(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	UserSupports(ctx context.Context, team, user string, offset, limit int64) ([]prio.Idea, int64, error)
	Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Unscored(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error)
	Ideas(ctx context.Context, team, channel string, numbers []int64) ([]prio.Idea, error)
	Titles(ctx context.Context, team, channel string) (map[int64]string, error)
	Counts(ctx context.Context, team, channel string) (map[prio.Status]int64, error)
	UserIdeas(ctx context.Context, team, user string, offset, limit int64) ([]prio.Idea, int64, error)
	SetStatus(ctx context.Context, team, channel string, n int64, actor prio.Actor, to prio.Status, reason string, from []prio.Status, now time.Time) (was, is prio.Status, told int, err error)
	Merge(ctx context.Context, team, channel string, from, into int64, actor prio.Actor, now time.Time) (told int, err error)
	History(ctx context.Context, team, channel string, n int64, offset, limit int64) ([]prio.Event, int64, int64, error)
	ChangeLinks(ctx context.Context, team, channel string, n int64, actor prio.Actor, op, link string, now time.Time) error
	ToggleSupport(ctx context.Context, team, channel string, n int64, user prio.Actor, now time.Time) (bool, int64, error)
	Supporters(ctx context.Context, team, channel string, n int64) ([]string, error)
	SetScore(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, session int64, now time.Time) (prio.Idea, int, error)
	ClaimIdeaRedraw(ctx context.Context, team, channel string, n int64) (bool, error)
	ChannelPrivacy(ctx context.Context, team, channel string) (private, known bool, err error)
	SetChannelPrivacy(ctx context.Context, team, channel string, private bool) error
	WouldRank(ctx context.Context, team, channel string, n int64, score float64) (int64, int64, error)
}

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
	idea, place, err := a.ideas.CreateIdea(ctx, idea)
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
	ts, err := a.slack.Post(ctx, r.Channel, ideaCard(idea, ""))
	if err != nil {
		a.log.WarnContext(ctx, "idea card not posted", "team", r.Team, "channel", r.Channel, "idea", idea.Number, "err", err)
		return ephemeral(fmt.Sprintf("Saved as #%d in this channel's backlog, but I couldn't post its card here. Invite me with `/invite @priobot` so everyone sees new ideas.", idea.Number)), nil
	}
	if err := a.ideas.SetCardTS(ctx, r.Team, r.Channel, idea.Number, ts); err != nil {
		return nil, err
	}
	a.homesChanged(r.Team, r.Channel)
	text := fmt.Sprintf("Thanks! #%d %s is in %s's backlog, %s in the queue awaiting scoring.", idea.Number, esc(idea.Title), channelRef(r.Channel), ordinal(place))
	blocks := []slack.Block{section("%s", text)}
	if twin, ok := a.lookalike(ctx, idea); ok {
		text += fmt.Sprintf(" It looks like #%d %s.", twin.Number, esc(twin.Title))
		blocks = append(blocks,
			section("It looks like *#%d %s* (%s). Same idea? Merge yours into it and your support moves there.", twin.Number, esc(twin.Title), twin.Status.Label()),
			slack.NewActionBlock("lookalike",
				button(actMergeInto, fmt.Sprintf("%d>%d>%s", idea.Number, twin.Number, r.Channel), fmt.Sprintf("Merge into #%d", twin.Number)),
				button(actKeep, strconv.FormatInt(idea.Number, 10), "Keep mine")))
	}
	return ephemeral(text, blocks...), nil
}

// lookalike finds the open idea of the same backlog whose title is most
// like idea's, if any is alike enough.
func (a *App) lookalike(ctx context.Context, idea prio.Idea) (prio.Idea, bool) {
	titles, err := a.ideas.Titles(ctx, idea.Team, idea.Channel)
	if err != nil {
		return prio.Idea{}, false // a hint is not worth failing the submission for
	}
	var candidates []int64
	for n, t := range titles {
		if n != idea.Number && prio.Similarity(t, idea.Title) >= prio.SimilarThreshold {
			candidates = append(candidates, n)
		}
	}
	ideas, err := a.ideas.Ideas(ctx, idea.Team, idea.Channel, candidates)
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
	if _, known, err := a.ideas.ChannelPrivacy(ctx, team, channel); err != nil || known {
		return
	}
	private, err := a.slack.ChannelPrivate(ctx, channel)
	if err != nil {
		a.log.WarnContext(ctx, "channel privacy unknown; treating as private", "channel", channel, "err", err)
		private = true
	}
	_ = a.ideas.SetChannelPrivacy(ctx, team, channel, private)
}

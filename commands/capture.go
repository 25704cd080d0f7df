package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// CaptureStore records ideas made from Slack messages and their source threads. store.Store implements it.
type CaptureStore interface {
	CreateRequested(ctx context.Context, idea prio.Idea, requesters []string, actor prio.Actor, now time.Time) (prio.Sourced, error)
	SilenceSource(ctx context.Context, team, channel string, n int64) error
	Placement(ctx context.Context, team, user, channel, ts string) (prio.Placement, error)
}

// formMeta is what the idea form remembers: who opened it, in which
// workspace (a submission from anyone else is refused), and the message
// it was opened on, if any.
type formMeta struct {
	Team    string `json:"t"`
	User    string `json:"u"`
	Channel string `json:"c,omitempty"` // the message's conversation
	TS      string `json:"ts,omitempty"`
	Author  string `json:"a,omitempty"` // who wrote the message
}

// addToBacklog serves the message shortcut **Add to backlog**: the idea
// form, filled in from the message.
func (a *App) addToBacklog(ctx context.Context, r Request) (*Reply, error) {
	m := r.Shared
	meta := formMeta{Team: r.Team, User: r.User, Channel: m.Channel, TS: m.TS, Author: m.User}
	text := prio.Unmark(m.Text)
	desc := []rune(strings.TrimSpace(text))
	if len(desc) > prio.MaxDescription {
		desc = append(desc[:prio.MaxDescription-1], '…')
	}
	f := sourcedForm{meta: meta, title: prio.TitleFrom(m.Text), description: string(desc)}
	source := m.Channel
	if dm(m.Channel, m.ChannelName) {
		source = ""
	}
	pl, err := a.capture.Placement(ctx, r.Team, r.User, m.Channel, m.TS)
	if err != nil {
		a.log.WarnContext(ctx, "form placement unknown", "err", err) // the person picks
	}
	f.backlog = pl.Backlog(source)
	if userID.MatchString(m.User) {
		f.requesters = []string{m.User}
	}
	if pl.Taken.Number != 0 {
		f.backlog, f.lead = pl.Taken.Channel, a.alreadyAnIdea(ctx, r, pl.Taken.Channel, pl.Taken.Number)
	}
	if f.title == "" {
		f.notes = append(f.notes, "This message has no text: give the idea a title.")
	}
	if a.private(ctx, m.Channel, m.ChannelName) {
		f.notes = append(f.notes, "This message is in a private conversation. Added to a backlog in another channel, its title and description will be visible there.")
	}
	return nil, a.slack.OpenModal(ctx, r.TriggerID, f.view())
}

// newIdeaShortcut serves the global shortcut **New idea** and the App
// Home's **New idea** button: the idea form with a backlog picker.
func (a *App) newIdeaShortcut(ctx context.Context, r Request) (*Reply, error) {
	pl, err := a.capture.Placement(ctx, r.Team, r.User, "", "")
	if err != nil {
		a.log.WarnContext(ctx, "form placement unknown", "err", err)
	}
	return nil, a.slack.OpenModal(ctx, r.TriggerID, sourcedForm{meta: formMeta{Team: r.Team, User: r.User}, backlog: pl.Backlog("")}.view())
}

// alreadyAnIdea tells whoever opens the form on a message that is an idea
// already where it sits, and that submitting adds them as requesters.
func (a *App) alreadyAnIdea(ctx context.Context, r Request, backlog string, n int64) string {
	const join = " *Add me as requester* adds you, and whoever you name below, as requesters: you hear how it moves. No second idea is made."
	if a.private(ctx, backlog, "") {
		if in, err := a.slack.Member(ctx, backlog, r.User); err != nil || !in {
			return "This message is already an idea, in a private channel's backlog." + join
		}
	}
	line, err := a.shortWhere(ctx, r.Team, backlog, n)
	if err != nil {
		return "This message is already an idea." + join
	}
	return "This message is already " + line + "." + join
}

// dm says whether a conversation is a direct message or a group DM: no
// backlog lives there, and priobot may not read it (it has no im:read).
func dm(channel, name string) bool {
	return strings.HasPrefix(channel, "D") || name == "directmessage" || strings.HasPrefix(name, "mpdm-")
}

// private says whether a conversation's messages are private to its
// members: a DM, a group DM or a private channel (or one priobot cannot see).
func (a *App) private(ctx context.Context, channel, name string) bool {
	if dm(channel, name) {
		return true
	}
	private, err := a.slack.ChannelPrivate(ctx, channel)
	return err != nil || private
}

// sourcedForm is the form the shortcuts open.
type sourcedForm struct {
	meta               formMeta
	title, description string
	backlog            string
	requesters         []string
	notes              []string
	lead               string // what the form says first: the message is an idea already
}

func (f sourcedForm) view() slack.ModalViewRequest {
	label := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	title := slack.NewPlainTextInputBlockElement(label("Dark mode"), "value")
	title.MaxLength, title.InitialValue = prio.MaxTitle, f.title
	desc := slack.NewPlainTextInputBlockElement(label("Who needs it, and why?"), "value")
	desc.Multiline, desc.MaxLength, desc.InitialValue = true, prio.MaxDescription, f.description
	descBlock := slack.NewInputBlock(inputDesc, label("Description"), nil, desc)
	descBlock.Optional = true
	backlog := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, label("Choose a channel"), "value")
	backlog.InitialConversation = f.backlog
	backlog.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
	askers := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, label("Who asked for it?"), "value")
	askers.InitialUsers = f.requesters
	askersBlock := slack.NewInputBlock(inputAskers, label("Requested by"), label("They support it and hear how it moves."), askers)
	askersBlock.Optional = true
	var blocks []slack.Block
	submit := "Add to backlog"
	if f.lead != "" {
		blocks, submit = append(blocks, section("%s", f.lead)), "Add me as requester"
	}
	blocks = append(blocks,
		slack.NewInputBlock(inputTitle, label("Title"), nil, title),
		descBlock,
		slack.NewInputBlock(inputBacklog, label("Backlog"), label("The channel whose backlog gets the idea."), backlog),
		askersBlock,
	)
	for _, n := range f.notes {
		blocks = append(blocks, note("%s", n))
	}
	meta, _ := json.Marshal(f.meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewIdeaFrom, PrivateMetadata: string(meta),
		Title: label("New idea"), Submit: label(submit), Close: label("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

var (
	channelID = regexp.MustCompile(`^[CG][A-Z0-9]{2,31}$`)
	userID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,31}$`)
)

// submitIdeaFrom serves the form: a new idea in the chosen backlog, its
// requesters as supporters, and (from a message) a reply in the message's
// thread; or, for a message added here before, support for that idea.
func (a *App) submitIdeaFrom(ctx context.Context, r Request) (*Reply, error) {
	form, problems := a.readIdeaFrom(ctx, r)
	if problems != nil {
		return &Reply{ViewErrors: problems}, nil
	}
	idea := form.idea
	idea.Source = a.sourceOf(ctx, form.meta)
	if idea.Source != nil {
		idea.Via = "message"
	}
	a.notePrivacy(ctx, r.Team, idea.Channel)
	done, err := a.capture.CreateRequested(ctx, idea, form.askers, r.actor(), a.now())
	if err != nil {
		return nil, err
	}
	reply, err := a.capturedReply(ctx, r, idea, done)
	if err != nil {
		return nil, err
	}
	// Told where they acted: in the message's conversation, else the backlog.
	where := idea.Channel
	if form.meta.Channel != "" {
		where = form.meta.Channel
	}
	if err := a.slack.PostEphemeral(ctx, where, r.User, reply.Message); err != nil {
		_ = a.slack.DM(ctx, r.User, reply.Message) // priobot cannot post there: say it in a DM
	}
	return nil, nil
}

// ideaFrom is the idea form as submitted and checked.
type ideaFrom struct {
	meta   formMeta
	idea   prio.Idea // in the chosen backlog, by the person who submitted
	askers []string  // the requesters named besides them
}

// readIdeaFrom checks the submitted idea form: who opened it and where, the
// backlog (a private one only for its members), the requesters and the
// title. A problem is returned by the input it concerns.
func (a *App) readIdeaFrom(ctx context.Context, r Request) (ideaFrom, map[string]string) {
	var meta formMeta
	if err := json.Unmarshal([]byte(r.PrivateMetadata), &meta); err != nil || meta.User != r.User || meta.Team != r.Team ||
		(meta.Channel != "" && !channelID.MatchString(meta.Channel) && !strings.HasPrefix(meta.Channel, "D")) {
		return ideaFrom{}, map[string]string{inputTitle: "This form was not opened by you here. Open it again from the message or the ⚡ menu."}
	}
	backlog := r.Values[inputBacklog]
	if !channelID.MatchString(backlog) {
		return ideaFrom{}, map[string]string{inputBacklog: "Choose the channel whose backlog gets the idea."}
	}
	if a.private(ctx, backlog, "") {
		if in, err := a.slack.Member(ctx, backlog, r.User); err != nil || !in {
			return ideaFrom{}, map[string]string{inputBacklog: "That backlog is in a private channel you are not in (or I am not in). Choose one you are a member of."}
		}
	}
	var askers []string
	for _, u := range strings.Split(r.Values[inputAskers], ",") {
		if userID.MatchString(u) && u != r.User {
			askers = append(askers, u)
		}
	}
	if prio.TitleFrom(r.Values[inputTitle]) == "" {
		return ideaFrom{}, map[string]string{inputTitle: "Give the idea a title: what should people call it?"}
	}
	idea, err := prio.NewIdea(r.Team, backlog, r.User, r.Values[inputTitle], r.Values[inputDesc], a.now())
	if err != nil {
		return ideaFrom{}, map[string]string{inputTitle: prio.ErrorMessage(err)}
	}
	idea.AuthorName, idea.Via = r.UserName, "form"
	return ideaFrom{meta: meta, idea: idea, askers: askers}, nil
}

// sourceOf is the message the form was opened on, as the idea's card and
// where-it-sits name it; nil for a form opened from no message.
func (a *App) sourceOf(ctx context.Context, meta formMeta) *prio.Source {
	if meta.TS == "" {
		return nil
	}
	src := &prio.Source{Channel: meta.Channel, TS: meta.TS, Author: meta.Author, Permalink: a.slack.Permalink(ctx, meta.Channel, meta.TS)}
	if u, err := a.slack.User(ctx, meta.Author); err == nil && meta.Author != "" {
		src.AuthorName = u.Name
	}
	return src
}

// capturedReply is what the person who submitted the form is told: the new
// idea (posted, with its thread told), or the idea their message already
// is, or that it is gone.
func (a *App) capturedReply(ctx context.Context, r Request, idea prio.Idea, done prio.Sourced) (*Reply, error) {
	backlog := idea.Channel
	switch {
	case done.Missing:
		return ephemeral(fmt.Sprintf("That message was added to %s's backlog before, as #%d, which is gone now; nothing was changed.", channelRef(backlog), done.Idea.Number)), nil
	case done.Taken:
		a.refreshCard(r.Team, backlog, done.Idea.Number)
		a.announced(ctx, r.Team, backlog)
		_, where, err := a.whereText(ctx, r.Team, backlog, done.Idea.Number)
		if err != nil {
			return nil, err
		}
		text := fmt.Sprintf("That message is already #%d in %s's backlog, so no second idea was made. %s", done.Idea.Number, channelRef(backlog), where)
		if done.Joined > 0 {
			text += fmt.Sprintf("\nYou and the people you named support it now: %s.", plural(done.Idea.Supporters, "supporter"))
		}
		return ephemeral(plainText(text), section("%s", text)), nil
	}
	br := r
	br.Channel = backlog
	reply, err := a.postIdea(ctx, br, done.Idea, done.Place)
	if err != nil {
		return nil, err
	}
	if idea.Source != nil {
		said := a.replyInThread(ctx, done.Idea, done.Place)
		reply.Text += " " + said
		reply.Blocks = append(reply.Blocks, note("%s", said))
	}
	return reply, nil
}

// replyInThread answers in the thread of the message an idea came from,
// pinging nobody; it returns what to tell whoever added it. Where priobot
// cannot post (a DM, a private channel it is not in), the idea's news go
// by DM only.
func (a *App) replyInThread(ctx context.Context, idea prio.Idea, place int64) string {
	src := idea.Source
	text := fmt.Sprintf("Added to %s's backlog as #%d %s — %s awaiting scoring. Updates will follow here.",
		channelRef(idea.Channel), idea.Number, esc(prio.Shorten(idea.Title, 80)), ordinal(place))
	if _, err := a.slack.Post(ctx, src.Channel, Message{Text: text, ThreadTS: src.TS}); err != nil {
		a.log.InfoContext(ctx, "source thread not answered", "channel", src.Channel, "idea", idea.Number, "err", err)
		if err := a.capture.SilenceSource(ctx, idea.Team, idea.Channel, idea.Number); err != nil {
			a.log.WarnContext(ctx, "source not silenced", "idea", idea.Number, "err", err)
		}
		return "I can't post in the conversation that message is in, so its thread won't get updates; its requesters hear by direct message."
	}
	return "I said so in the message's thread; updates will follow there."
}

// from says where an idea came from, linked to the message: "from dana's
// message in #support".
func from(src *prio.Source) string {
	who := "a message"
	if src.AuthorName != "" {
		who = esc(src.AuthorName) + "'s message"
	}
	if src.Permalink != "" {
		who = "<" + src.Permalink + "|" + who + ">"
	}
	if strings.HasPrefix(src.Channel, "D") {
		return "from " + who + " in a direct message"
	}
	return "from " + who + " in " + channelRef(src.Channel)
}

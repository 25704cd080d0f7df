package commands

import (
	"context"
	"strings"

	"github.com/priobot/priobot/prio"
	"github.com/slack-go/slack"
)

// Kind says what in Slack reaches a route.
type Kind int

// The kinds of routes.
const (
	Slash    Kind = iota // a slash command, by name and first word
	Action               // a button click, by action_id prefix
	View                 // a modal submission, by callback_id
	Event                // an Events API event, by event type
	Shortcut             // a global or message shortcut, by callback_id
)

// Request is what a handler needs to know of one envelope, already checked
// by the bot (ids are well-formed Slack ids).
type Request struct {
	Team, Channel, User string
	ChannelName         string            // as Slack sent it, for display
	UserName            string            // as Slack sent it, for display
	Text                string            // a slash command's text after its subcommand word
	TriggerID           string            // opens a modal within 3 s
	ActionID, Value     string            // a click
	ActionTS            string            // when Slack stamped the click; orders one person's clicks
	ResponseURL         string            // answers the click or command privately, 5 times in 30 minutes
	Values              map[string]string // a modal's inputs: block id -> value
	PrivateMetadata     string            // a modal's private_metadata
	Shared              *SharedMessage    // a message shortcut: the message it was picked on
}

// SharedMessage is the message a person picked a message shortcut on, as
// the bot checked it: its channel, ts, author and text (Slack's markup).
type SharedMessage struct {
	Channel, ChannelName, TS, User, Text string
}

func (r Request) actor() prio.Actor { return prio.Actor{ID: r.User, Name: r.UserName} }

// Reply is a handler's answer to the person who acted.
type Reply struct {
	Message
	InChannel  bool              // show to the channel; otherwise only to the person
	Then       *Message          // said to the person alone, after the reply
	Replace    bool              // replace the message the click came from
	ViewErrors map[string]string // a modal submission: errors by input block id
}

// Handler serves one route.
type Handler func(ctx context.Context, r Request) (*Reply, error)

// Route ties what Slack sends to a handler, and documents it for help.
type Route struct {
	Kind   Kind
	Name   string // "/idea", an action_id prefix, a callback_id or an event type
	Sub    string // for Slash: the first word that selects it; "" is the default
	Usage  string // for Slash: how to type it
	Help   string // for Slash: what it does
	Handle Handler
	// Idempotent routes may run twice for one action with no second effect,
	// so the bot need not de-duplicate their deliveries (a vote: the same
	// click stores the same vote).
	Idempotent bool
}

// Routes is the table of everything priobot answers. The bot routes by it
// and help is written from it.
func (a *App) Routes() []Route {
	return []Route{
		{Kind: Slash, Name: "/idea", Usage: "/idea <title> | <description>", Help: "Submit an idea to this channel's backlog; the description after `|` is optional. `/idea` alone opens a form.", Handle: a.submitIdea},
		{Kind: Slash, Name: "/idea", Sub: "help", Usage: "/idea help", Help: "Show how to submit ideas.", Handle: a.help("/idea")},
		{Kind: Slash, Name: "/backlog", Usage: "/backlog", Help: "This channel's backlog: counts per status, the ranking (every idea in play with a score) and the oldest awaiting scoring.", Handle: a.backlogHere},
		{Kind: Slash, Name: "/backlog", Usage: "/backlog #12", Help: "Where idea #12 sits and why.", Handle: a.backlogHere},
		{Kind: Slash, Name: "/backlog", Sub: "history", Usage: "/backlog history #12 [page]", Help: "An idea's story, oldest first: who submitted and supported it, every move and score (with poker rounds' revealed votes), merges and links.", Handle: inChannel(backlogWhere, a.history)},
		{Kind: Slash, Name: "/backlog", Sub: "mine", Usage: "/backlog mine [page]", Help: "Your ideas and where each sits, newest first, 20 at a time.", Handle: a.mine},
		{Kind: Slash, Name: "/backlog", Sub: "search", Usage: "/backlog search <words>", Help: "Find ideas in this channel's backlog.", Handle: inChannel(backlogWhere, a.search)},
		{Kind: Slash, Name: "/backlog", Sub: "export", Usage: "/backlog export", Help: "Get this channel's whole backlog as a CSV file in a DM, in the backlog's order, with places and names.", Handle: inChannel(backlogWhere, a.export)},
		{Kind: Slash, Name: "/backlog", Sub: "status", Usage: "/backlog status #12 planned|in-progress|shipped", Help: "Move an idea along (owners). Or: *Change status…* in its ⋯ menu.", Handle: inChannel(backlogWhere, a.setStatus)},
		{Kind: Slash, Name: "/backlog", Sub: "decline", Usage: "/backlog decline #12 <reason>", Help: "Decline an idea, saying why (owners). Or: *Change status…* → declined, in its ⋯ menu.", Handle: inChannel(backlogWhere, a.decline)},
		{Kind: Slash, Name: "/backlog", Sub: "merge", Usage: "/backlog merge #12 into #7", Help: "Merge a duplicate; its supporters move along (owners, or its author). Or: *Merge into…* in its ⋯ menu.", Handle: inChannel(backlogWhere, a.merge)},
		{Kind: Slash, Name: "/backlog", Sub: "reopen", Usage: "/backlog reopen #12", Help: "Put a shipped, declined or merged idea back in play (owners). Or: *Reopen* in its ⋯ menu.", Handle: inChannel(backlogWhere, a.reopen)},
		{Kind: Slash, Name: "/backlog", Sub: "score", Usage: "/backlog score #12 value=8 effort=3", Help: "Score an idea on the backlog's criteria (owners). Or: *Score…* in its ⋯ menu.", Handle: inChannel(backlogWhere, a.score)},
		{Kind: Slash, Name: "/backlog", Sub: "link", Usage: "/backlog link #12 <https-url>", Help: "Link an idea to where its work lives: a tracker issue, a spec (owners, or its author; at most 5). Or: *Link…* in its ⋯ menu.", Handle: inChannel(backlogWhere, a.link)},
		{Kind: Slash, Name: "/backlog", Sub: "unlink", Usage: "/backlog unlink #12 <https-url>", Help: "Remove one of an idea's links (owners, or its author). Or: *Link…* in its ⋯ menu.", Handle: inChannel(backlogWhere, a.unlink)},
		{Kind: Slash, Name: "/backlog", Sub: "framework", Usage: "/backlog framework [<name>]", Help: "Show the frameworks (built in: value-effort, rice, ice, wsjf; and the workspace's own), or switch this backlog's; switching re-ranks (owners). Or: `/backlog settings`, or *Settings* on your Home.", Handle: inChannel(backlogWhere, a.framework)},
		{Kind: Slash, Name: "/backlog", Sub: "framework", Usage: "/backlog framework new|edit <name>: <criterion> (<values>) benefit|cost [×weight], …", Help: "Define or change one of the workspace's own frameworks, for every backlog: score = weighted benefits ÷ weighted costs (owners).", Handle: inChannel(backlogWhere, a.framework)},
		{Kind: Slash, Name: "/backlog", Sub: "framework", Usage: "/backlog framework delete <name>", Help: "Delete one of the workspace's own frameworks that no backlog uses (owners).", Handle: inChannel(backlogWhere, a.framework)},
		{Kind: Slash, Name: "/backlog", Sub: "settings", Usage: "/backlog settings", Help: "One form for the framework, owners, weekly summary and webhooks (owners).", Handle: inChannel(backlogWhere, a.settingsCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "owners", Usage: "/backlog owners [add|remove @a @b]", Help: "Show or change who manages this backlog; with none, anyone may (and is told so after their first change). Or: `/backlog settings`, or *Settings* on your Home.", Handle: inChannel(backlogWhere, a.owners)},
		{Kind: Slash, Name: "/backlog", Sub: "schedule", Usage: "/backlog schedule [<weekday> <HH:MM> [Area/City] | off]", Help: "Show, set or stop this channel's weekly summary (owners set it). Or: `/backlog settings`, or *Settings* on your Home.", Handle: inChannel(backlogWhere, a.schedule)},
		{Kind: Slash, Name: "/backlog", Sub: "summary", Usage: "/backlog summary", Help: "Post this week's summary now, with the priority matrix.", Handle: inChannel(backlogWhere, a.summaryNow)},
		{Kind: Slash, Name: "/backlog", Sub: "matrix", Usage: "/backlog matrix", Help: "Post the priority matrix: benefit against cost.", Handle: inChannel(backlogWhere, a.matrixNow)},
		{Kind: Slash, Name: "/backlog", Sub: "outbox", Usage: "/backlog outbox", Help: "What priobot still has to tell people, and what it gave up on (owners).", Handle: inChannel(backlogWhere, a.outboxCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "webhook", Usage: "/backlog webhook", Help: "This backlog's webhooks, each with its last deliveries (owners).", Handle: inChannel(backlogWhere, a.webhookCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "webhook", Usage: "/backlog webhook add <https-url>", Help: "Send this backlog's changes to another tool, signed; the secret is shown once (owners, at most 5). Or: `/backlog settings`.", Handle: inChannel(backlogWhere, a.webhookCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "webhook", Usage: "/backlog webhook test|remove <https-url>", Help: "Send a webhook a ping, or remove it (owners). Or: `/backlog settings`.", Handle: inChannel(backlogWhere, a.webhookCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "github", Usage: "/backlog github", Help: "This backlog's sync with a GitHub repository: the repository, its label, the last poll and how many ideas are linked.", Handle: inChannel(backlogWhere, a.githubCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "github", Usage: "/backlog github connect owner/repo [label <name>]", Help: "Connect this backlog to a GitHub repository: its open issues with the label (default `priobot`) become ideas here (owners). Or: `/backlog settings`.", Handle: inChannel(backlogWhere, a.githubCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "github", Usage: "/backlog github push #12", Help: "Open an issue for an idea on the connected repository and link them: they move together from then on (its author or owners). Or: *Link…* → open an issue, in its ⋯ menu.", Handle: inChannel(backlogWhere, a.githubCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "github", Usage: "/backlog github disconnect", Help: "Stop the sync with GitHub; the ideas keep their links (owners). Or: `/backlog settings`.", Handle: inChannel(backlogWhere, a.githubCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "ratings", Usage: "/backlog ratings #3 #5 from @ann @sales-team #support [for 3d] [ask \"…\"]", Help: "Priority Ratings: ask up to 500 stakeholders (people, user groups, channels' members) to rate ideas from 1 to 5 on one question, anonymously, by DM; results in the thread, and their means can feed a benefit criterion (owners; open 3 days unless you say).", Handle: inChannel(backlogWhere, a.startRatings)},
		{Kind: Slash, Name: "/backlog", Sub: "goal", Usage: "/backlog goal add <name> [| <description>] · goal rename <name> = <new name> · goal remove <name>", Help: "The outcomes this backlog's ideas serve, at most 12 (owners); a goal ideas serve is not removed.", Handle: inChannel(backlogWhere, a.goal)},
		{Kind: Slash, Name: "/backlog", Sub: "goal", Usage: "/backlog goal #12 <goal>|none", Help: "Put an idea under a goal, or under none (owners).", Handle: inChannel(backlogWhere, a.goal)},
		{Kind: Slash, Name: "/backlog", Sub: "goals", Usage: "/backlog goals", Help: "The goals, each with its ideas on the roadmap per lane and what shipped for it in the last 90 days.", Handle: inChannel(backlogWhere, a.goals)},
		{Kind: Slash, Name: "/backlog", Sub: "roadmap", Usage: "/backlog roadmap #12 now|next|later|off", Help: "Place an idea on the roadmap (owners): into Now or Next plans it; Later keeps it ranked; an idea in progress stays in Now until it ships. `/roadmap` shows it.", Handle: inChannel(backlogWhere, a.placeCmd)},
		{Kind: Slash, Name: "/backlog", Sub: "help", Usage: "/backlog help", Help: "Show every backlog command.", Handle: a.help("/backlog")},
		{Kind: Action, Name: actSupport, Handle: a.support},
		{Kind: Action, Name: actWhere, Handle: a.whereClicked},
		{Kind: Action, Name: actMergeInto, Handle: a.mergeClicked},
		{Kind: Action, Name: actKeep, Handle: a.keepClicked},
		{Kind: Action, Name: actIdeaMenu, Handle: a.menuPicked},
		{Kind: Action, Name: actHistory, Handle: a.historyClicked},
		{Kind: View, Name: viewIdeaStatus, Handle: a.submitStatusForm},
		{Kind: View, Name: viewIdeaScore, Handle: a.submitScoreForm},
		{Kind: View, Name: viewIdeaMerge, Handle: a.submitMergeForm},
		{Kind: View, Name: viewIdeaLink, Handle: a.submitLinkForm},
		{Kind: View, Name: viewSettings, Handle: a.submitSettings},
		{Kind: Action, Name: actHomeOpen, Handle: a.homeOpened},
		{Kind: Action, Name: actHomeSettings, Handle: a.homeSettings},
		{Kind: Action, Name: actHomePoker, Handle: a.homePoker},
		{Kind: Action, Name: actHomeHelp, Handle: a.homeHelp},
		{Kind: Action, Name: actPage, Handle: a.pageClicked},
		{Kind: Slash, Name: "/roadmap", Usage: "/roadmap [team|exec]", Help: "This channel's roadmap, privately: `team` (the default) lists Now, Next and Later with each idea's goal, score, status, links and requesters; `exec` shows goals by lane, with counts, a few titles and what shipped, no scores or names.", Handle: inChannel(roadmapWhere, a.roadmapCmd)},
		{Kind: Slash, Name: "/roadmap", Sub: "share", Usage: "/roadmap share [team|exec]", Help: "Post the roadmap in the channel, with its picture in the thread (owners, or anyone where there are none).", Handle: inChannel(roadmapWhere, a.shareRoadmap)},
		{Kind: Slash, Name: "/roadmap", Sub: "help", Usage: "/roadmap help", Help: "Show how to build and share the roadmap.", Handle: a.help("/roadmap")},
		{Kind: Slash, Name: "/poker", Usage: "/poker #3 #5 #8 [with @a @b] [for 24h] [quorum 3] [remind off]", Help: "Score ideas together: hidden votes per criterion in a thread, then reveal. `/poker` alone opens a form. Or: *Start poker* in an idea's ⋯ menu, or *Start poker on these* on your Home or a weekly summary.", Handle: inChannel(pokerWhere, a.startPoker)},
		{Kind: Slash, Name: "/poker", Usage: "/poker next 5 [with …] [for …] [quorum …]", Help: "Poker on the 5 oldest ideas awaiting scoring.", Handle: inChannel(pokerWhere, a.startPoker)},
		{Kind: Slash, Name: "/poker", Sub: "nudge", Usage: "/poker nudge", Help: "DM the named voters who still owe votes in this channel's newest open session, once an hour (facilitator or owners).", Handle: inChannel(pokerWhere, a.nudgeCmd)},
		{Kind: Slash, Name: "/poker", Sub: "help", Usage: "/poker help", Help: "Show how to run priority poker.", Handle: a.help("/poker")},
		{Kind: Action, Name: actVote, Handle: a.vote, Idempotent: true},
		{Kind: Action, Name: actReveal, Handle: a.reveal},
		{Kind: Action, Name: actAccept, Handle: a.decide},
		{Kind: Action, Name: actRevote, Handle: a.decide},
		{Kind: Action, Name: actSkip, Handle: a.decide},
		{Kind: Action, Name: actEnd, Handle: a.endSession},
		{Kind: Action, Name: actNudge, Handle: a.nudge},
		{Kind: Action, Name: actReason, Handle: a.reasonClicked},
		{Kind: Action, Name: actSummaryPoker, Handle: a.summaryPoker},
		{Kind: Action, Name: actRate, Handle: a.rateClicked, Idempotent: true},
		{Kind: Action, Name: actRatingsNudge, Handle: a.ratingsNudgeClicked},
		{Kind: Action, Name: actRatingsClose, Handle: a.ratingsCloseClicked},
		{Kind: Action, Name: actRatingsUse, Handle: a.ratingsUseClicked},
		{Kind: View, Name: viewNewIdea, Handle: a.submitIdeaForm},
		{Kind: View, Name: viewPoker, Handle: a.submitPokerForm},
		{Kind: View, Name: viewReason, Handle: a.submitReason},
		{Kind: Event, Name: "app_home_opened", Handle: a.home},
		{Kind: Shortcut, Name: scAddToBacklog, Handle: a.addToBacklog},
		{Kind: Shortcut, Name: scNewIdea, Handle: a.newIdeaShortcut},
		{Kind: Action, Name: actHomeNewIdea, Handle: a.newIdeaShortcut},
		{Kind: View, Name: viewIdeaFrom, Handle: a.submitIdeaFrom},
	}
}

// inChannel serves a command only in a channel: backlogs live there, and
// a DM or group DM is not priobot's to read (it has no im:read). Where
// to run it is answered privately instead.
func inChannel(where string, h Handler) Handler {
	return func(ctx context.Context, r Request) (*Reply, error) {
		if dm(r.Channel, r.ChannelName) {
			return nil, prio.Errorf(prio.Invalid, "Backlogs live in channels: %s. Here, `/backlog mine` lists your ideas, `/backlog #12` says where one sits, and `/idea` opens a form to add one to any channel's backlog.", where)
		}
		n := &afterwords{}
		reply, err := h(context.WithValue(ctx, afterwordsKey{}, n), r)
		if err != nil || len(n.lines) == 0 || reply == nil {
			return reply, err
		}
		text := strings.Join(n.lines, "\n")
		reply.Then = &Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}
		return reply, nil
	}
}

// afterwords are what a handler's helpers add to its private answer (a
// word about a backlog without owners): said after the answer itself.
type afterwords struct{ lines []string }

type afterwordsKey struct{}

// sayAfter adds a line to what the person is told after the answer of the
// command being served; false when no answer gathers them (a click).
func sayAfter(ctx context.Context, line string) bool {
	n, ok := ctx.Value(afterwordsKey{}).(*afterwords)
	if ok {
		n.lines = append(n.lines, line)
	}
	return ok
}

// Where to run a command that needs a backlog.
const (
	backlogWhere = "run `/backlog` in the channel whose backlog you mean"
	pokerWhere   = "run `/poker` in the channel whose backlog you mean, and the session runs in a thread there"
	roadmapWhere = "run `/roadmap` in the channel whose roadmap you mean"
)

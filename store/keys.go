package store

import (
	"fmt"
	"strconv"
	"strings"
)

// Every Redis key priobot uses is built here. Keys are namespaced by Slack
// team and carry a Redis Cluster hash tag in braces: {team} for team-wide
// keys, {team:channel} for one backlog, so every script touches one slot.

func teamTag(team string) string             { return "priobot:{" + team + "}:" }
func backlogTag(team, channel string) string { return "priobot:{" + team + ":" + channel + "}:" }

// ideaSeqKey (STRING counter) hands out the team's idea numbers.
func ideaSeqKey(team string) string { return teamTag(team) + "idea:seq" }

// ideaIndexKey (HASH number -> channel) finds an idea's backlog by number.
func ideaIndexKey(team string) string { return teamTag(team) + "idea:channel" }

// userIdeasKey (ZSET "channel:number" scored by number) lists the ideas a
// person submitted, for `/backlog mine` and the App Home.
func userIdeasKey(team, user string) string { return teamTag(team) + "user:" + user + ":ideas" }

// backlogsKey (SET of channel ids) lists the team's channels that hold a
// backlog (an idea was added there), for the form's default backlog.
func backlogsKey(team string) string { return teamTag(team) + "backlogs" }

// lastBacklogKey (STRING channel id) is the backlog a person last added an
// idea to: the form opens on it.
func lastBacklogKey(team, user string) string { return teamTag(team) + "user:" + user + ":backlog" }

// messageIdeasKey (HASH "channel:ts" -> "backlog channel:number") finds,
// team-wide, the idea a Slack message was made into, when the form opens.
func messageIdeasKey(team string) string { return teamTag(team) + "message:ideas" }

// frameworksKey (HASH name -> JSON workspaceFramework) holds the
// frameworks a workspace defined, usable by every backlog of its team.
func frameworksKey(team string) string { return teamTag(team) + "frameworks" }

// frameworkUsersKey (SET of channel ids) lists the backlogs scoring with a
// workspace framework: it is not deleted while one does.
func frameworkUsersKey(team, name string) string {
	return teamTag(team) + "framework:" + name + ":users"
}

// userSupportsKey (ZSET "channel:number" scored by when) lists the ideas a
// person supports or asked for, in their team: written apart from the
// backlog, like userIdeasKey, so the Home finds them.
func userSupportsKey(team, user string) string { return teamTag(team) + "user:" + user + ":supports" }

// eventKey (STRING, expires) marks an Events API event_id as handled.
func eventKey(team, eventID string) string { return teamTag(team) + "event:" + eventID }

// ideaKey (HASH) holds one idea's fields; see ideas.go.
func ideaKey(team, channel string, number int64) string {
	return backlogTag(team, channel) + "idea:" + strconv.FormatInt(number, 10)
}

// ideaRenderKey (STRING, expires) is held by whoever redrew an idea's card
// in the last second.
func ideaRenderKey(team, channel string, number int64) string {
	return ideaKey(team, channel, number) + ":render"
}

// supportersKey (SET of user ids) holds who pressed Me too on an idea.
func supportersKey(team, channel string, number int64) string {
	return ideaKey(team, channel, number) + ":supporters"
}

// rankedKey (ZSET member(n) scored by -score) ranks a backlog's scored open
// ideas: ZRANGE from 0 is best first, and equal scores fall back to the
// zero-padded member, so the older idea comes first.
func rankedKey(team, channel string) string { return backlogTag(team, channel) + "ranked" }

// awaitingKey (ZSET member(n) scored by n) queues open ideas awaiting
// scoring, oldest first.
func awaitingKey(team, channel string) string { return backlogTag(team, channel) + "awaiting" }

// unscoredKey (ZSET member(n) scored by n) holds the open ideas planned or
// in progress without a score: in the works, in neither list above.
func unscoredKey(team, channel string) string { return backlogTag(team, channel) + "unscored" }

// titlesKey (HASH number -> title) lists every idea of a backlog, for
// search, similar titles, export and re-ranking.
func titlesKey(team, channel string) string { return backlogTag(team, channel) + "titles" }

// metaKey (HASH) holds a backlog's settings: framework, rev, private, name.
func metaKey(team, channel string) string { return backlogTag(team, channel) + "meta" }

// ownersKey (SET of user ids) holds who may manage a backlog; empty: anyone.
func ownersKey(team, channel string) string { return backlogTag(team, channel) + "owners" }

// unownedToldKey (SET of user ids) holds who was told that anyone may
// manage a backlog that has no owners: each person once.
func unownedToldKey(team, channel string) string { return backlogTag(team, channel) + "unowned:told" }

// countsKey (HASH status -> count) counts a backlog's ideas by status.
func countsKey(team, channel string) string { return backlogTag(team, channel) + "counts" }

// activityKey (ZSET "new:<n>"|"scored:<n>"|"status:<n>" scored by unix ms)
// remembers the latest of each kind of change to each idea, for summaries.
func activityKey(team, channel string) string { return backlogTag(team, channel) + "activity" }

// member is an idea's number as a sorted-set member: zero-padded, so equal
// scores order oldest first.
func member(n int64) string { return fmt.Sprintf("%012d", n) }

// Priority-poker keys. A session lives in its channel's backlog slot, with
// the ideas it scores; the team-wide indexes are written apart.

// teamsKey (SET of team ids) lists teams with scheduled work, for the scheduler.
func teamsKey() string { return "priobot:teams" }

func pokerSeqKey(team, channel string) string { return backlogTag(team, channel) + "poker:seq" }

// sessionKey (HASH) holds a session; see Session fields.
func sessionKey(team, channel string, sid int64) string {
	return backlogTag(team, channel) + "poker:" + strconv.FormatInt(sid, 10)
}

// cardKey (HASH: idea, state, round, ts, complete, version, revealed) is one voting card.
func cardKey(team, channel string, sid, n int64) string {
	return sessionKey(team, channel, sid) + ":card:" + strconv.FormatInt(n, 10)
}

// votesKey (HASH "voter|criterion" -> "vote|action_ts") holds a card's
// current round; the click's action_ts orders a person's clicks.
func votesKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":votes"
}

// progressKey (HASH voter -> criteria voted) counts each voter's votes on a card.
func progressKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":progress"
}

// roundKey (HASH, like votesKey) keeps the votes of an earlier round.
func roundKey(team, channel string, sid, n int64, round int) string {
	return cardKey(team, channel, sid, n) + ":round:" + strconv.Itoa(round)
}

// receiptsKey (HASH "<voter>:seq" -> how many votes they cast on the card,
// "<voter>:turn" -> until when (unix ms) one of their receipts is being
// sent, "<voter>:url" -> the response_url of their newest vote waiting for
// that) orders the receipts a voter reads for one card.
func receiptsKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":receipts"
}

// namesKey (HASH user -> name) remembers how a session's voters are called.
func namesKey(team, channel string, sid int64) string {
	return sessionKey(team, channel, sid) + ":names"
}

// renderKey (STRING, expires) is held by whoever redrew a card in the last second.
func renderKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":render"
}

// deadlinesKey (ZSET "channel|sid" scored by deadline, unix ms) is the
// team's sessions that reveal at a deadline.
func deadlinesKey(team string) string { return teamTag(team) + "poker:deadlines" }

// openSessionsKey (ZSET "channel|sid" scored by creation) lists a team's open sessions.
func openSessionsKey(team string) string { return teamTag(team) + "poker:open" }

// inPlayKey (HASH idea number -> session id) holds the ideas of a backlog
// that are on an open poker card: one card per idea at a time.
func inPlayKey(team, channel string) string { return backlogTag(team, channel) + "poker:inplay" }

// homesKey (ZSET user scored by when they last opened their App Home, unix
// ms) lists who looks at priobot's Home in a team, so a change can publish
// it again for them, and only for them.
func homesKey(team string) string { return teamTag(team) + "homes" }

// backlogHomesKey (ZSET, like homesKey) lists the Home viewers whose Home
// shows something of one backlog: their ideas in it, its top, its cards.
func backlogHomesKey(team, channel string) string { return backlogTag(team, channel) + "homes" }

// homeRenderKey (STRING, expires) is held by whoever published a user's
// Home in the last few seconds.
func homeRenderKey(team, user string) string { return teamTag(team) + "home:" + user + ":render" }

// The outbox of a backlog: what priobot has decided to say, written by the
// script that makes the change it tells of, so both commit or neither.
// It lives in the backlog's slot: a Redis Cluster shards it with the
// backlogs. outboxSeqKey (STRING counter) numbers its items.
func outboxSeqKey(team, channel string) string { return backlogTag(team, channel) + "outbox:seq" }

// outboxItemsKey (HASH id -> JSON item) holds the items still to deliver.
func outboxItemsKey(team, channel string) string { return backlogTag(team, channel) + "outbox:items" }

// outboxDueKey (ZSET id scored by when it may go next, unix ms; an item
// being delivered is due again when its lease ends).
func outboxDueKey(team, channel string) string { return backlogTag(team, channel) + "outbox:due" }

// outboxOrderKey (ZSET of "recipient|%012d id", all scored 0) keeps each
// recipient's items in order: only a recipient's first item may go.
func outboxOrderKey(team, channel string) string { return backlogTag(team, channel) + "outbox:order" }

// outboxAgeKey (ZSET id scored by when the item was written, unix ms) tells
// the age of the oldest item waiting.
func outboxAgeKey(team, channel string) string { return backlogTag(team, channel) + "outbox:age" }

// outboxDeadKey (LIST of JSON items, newest first, capped) keeps what could
// not be delivered after every retry.
func outboxDeadKey(team, channel string) string { return backlogTag(team, channel) + "outbox:dead" }

// outboxesKey (ZSET channel scored by when its outbox is next due, unix ms)
// is a team's hint of where delivery work waits; any replica reads it.
func outboxesKey(team string) string { return teamTag(team) + "outboxes" }

// webhooksKey (HASH endpoint id -> JSON webhook.Endpoint) holds the
// endpoints a backlog's events are sent to.
func webhooksKey(team, channel string) string { return backlogTag(team, channel) + "webhooks" }

// webhookSeqKey (STRING counter) numbers a backlog's endpoints; a number
// is never given twice.
func webhookSeqKey(team, channel string) string { return backlogTag(team, channel) + "webhook:seq" }

// webhookLogKey (LIST of JSON webhook.Attempt, newest first, capped)
// remembers an endpoint's last deliveries.
func webhookLogKey(team, channel, id string) string {
	return backlogTag(team, channel) + "webhook:" + id + ":log"
}

// eventKeys are the keys a script that makes a change takes to send its
// webhook events (the Lua announce): the endpoints, what an idea's
// snapshot reads besides the idea (meta and the three lists), and the
// outbox, in that order.
func eventKeys(team, channel string) []string {
	return append([]string{webhooksKey(team, channel), metaKey(team, channel), rankedKey(team, channel), awaitingKey(team, channel),
		unscoredKey(team, channel)}, outboxKeys(team, channel)...)
}

// with is keys followed by more.
func with(keys []string, more []string) []string { return append(keys, more...) }

// sourcesKey (HASH "channel:ts" of a Slack message -> idea number) makes
// an idea from a message once per backlog.
func sourcesKey(team, channel string) string { return backlogTag(team, channel) + "sources" }

// sourceRef names a Slack message in sourcesKey.
func sourceRef(channel, ts string) string { return channel + ":" + ts }

// issueRef is a tracker issue as a source of the backlog's sources HASH:
// an issue makes one idea per backlog, as a Slack message does. No Slack
// channel id starts with "github:".
func issueRef(repo string, number int) string {
	return "github:" + strings.ToLower(repo) + "#" + strconv.Itoa(number)
}

// remindersKey (ZSET "channel|sid" scored by when its next reminder may
// be due, unix ms) is the team's sessions with automatic reminders to send.
func remindersKey(team string) string { return teamTag(team) + "poker:reminders" }

// sessionRemindersKey (ZSET voter scored by when they are to be reminded,
// unix ms) is a session's plan of reminders, made once.
func sessionRemindersKey(team, channel string, sid int64) string {
	return sessionKey(team, channel, sid) + ":reminders"
}

// historyKey (LIST of JSON prio.Event, oldest first, capped) is an idea's
// story: created, supported, moved, scored, merged, linked.
func historyKey(team, channel string, n int64) string { return ideaKey(team, channel, n) + ":history" }

// githubKey (HASH) is a backlog's connection to a GitHub repository: repo,
// url (its web address), label, by, at, state (on, paused or off), why
// (paused), since and etag (the poll's cursor), polled, outcome.
func githubKey(team, channel string) string { return backlogTag(team, channel) + "github" }

// githubPollsKey (ZSET channel scored by when its repository is next
// polled, unix ms) is a team's schedule of polls; any replica reads it.
func githubPollsKey(team string) string { return teamTag(team) + "github:polls" }

// githubLeaseKey (STRING, expires) is held by the one replica polling a
// backlog's repository.
func githubLeaseKey(team, channel string) string { return backlogTag(team, channel) + "github:lease" }

// Priority Ratings keys. A round lives in its channel's backlog slot, with
// the ideas it rates; the team-wide schedules are written apart.

func ratingsSeqKey(team, channel string) string { return backlogTag(team, channel) + "ratings:seq" }

// ratingsKey (HASH: ideas, question, by, by_name, created, deadline, raters,
// closed, closed_by, ts, results_ts, nudged, used) is one round of ratings.
func ratingsKey(team, channel string, id int64) string {
	return backlogTag(team, channel) + "ratings:" + strconv.FormatInt(id, 10)
}

// ratersKey (SET of user ids) is who was asked to rate.
func ratersKey(team, channel string, id int64) string {
	return ratingsKey(team, channel, id) + ":raters"
}

// ratedKey (SET of user ids) is who answered at least one idea.
func ratedKey(team, channel string, id int64) string { return ratingsKey(team, channel, id) + ":rated" }

// givenKey (HASH "rater|idea" -> "rating|action_ts", rating 0 for Skip) is
// every answer: read only to count them, never to show who gave which.
func givenKey(team, channel string, id int64) string { return ratingsKey(team, channel, id) + ":given" }

// ratingsRemindKey (ZSET rater scored by when they are reminded, unix ms)
// is a round's plan of reminders, made when it starts.
func ratingsRemindKey(team, channel string, id int64) string {
	return ratingsKey(team, channel, id) + ":reminders"
}

// ratingsRenderKey (STRING, expires) is held by whoever redrew a round's
// progress message in the last second.
func ratingsRenderKey(team, channel string, id int64) string {
	return ratingsKey(team, channel, id) + ":render"
}

// ratingsDueKey (ZSET "channel|id" scored by deadline, unix ms) is the
// team's open rounds, closed at their deadline.
func ratingsDueKey(team string) string { return teamTag(team) + "ratings:deadlines" }

// ratingsRemindersKey (ZSET "channel|id" scored by when its next reminder
// is due, unix ms) is the team's rounds with reminders to send.
func ratingsRemindersKey(team string) string { return teamTag(team) + "ratings:reminders" }

// Roadmap keys. An idea's lane and goal live in its HASH ("placed",
// "goal"); these index them, written by the scripts that change them.

// roadmapKey (ZSET member(n), all scored 0) lists the ideas on a
// backlog's roadmap: planned, in progress, or placed in Later.
func roadmapKey(team, channel string) string { return backlogTag(team, channel) + "roadmap" }

// doneKey (ZSET member(n) scored by when it shipped, unix ms) lists a
// backlog's shipped ideas, for the roadmap's Done and shipped per goal.
func doneKey(team, channel string) string { return backlogTag(team, channel) + "roadmap:done" }

// goalsKey (HASH id -> JSON prio.Goal) holds a backlog's goals.
func goalsKey(team, channel string) string { return backlogTag(team, channel) + "goals" }

func goalSeqKey(team, channel string) string { return backlogTag(team, channel) + "goal:seq" }

// goalIdeasKey (SET of idea numbers) lists the ideas under a goal: a goal
// is not removed while any is.
func goalIdeasKey(team, channel string, id int64) string {
	return backlogTag(team, channel) + "goal:" + strconv.FormatInt(id, 10) + ":ideas"
}

// ideaPrefix is the start of every idea key of a backlog, in its slot: a
// script given it as a key reads the ideas an index names.
func ideaPrefix(team, channel string) string { return backlogTag(team, channel) + "idea:" }

// roadmapSeenKey (HASH idea number -> lane, "goal:<n>" -> goal) is the
// roadmap as the last weekly summary showed it, to say what changed since.
func roadmapSeenKey(team, channel string) string { return backlogTag(team, channel) + "roadmap:seen" }

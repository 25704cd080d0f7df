package store

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// LinkedIdeas lists the numbers of a backlog's ideas tied to tracker issues.
func (s *Store) LinkedIdeas(ctx context.Context, team, channel string) ([]int64, error) {
	var out []int64
	it := s.rdb.HScan(ctx, sourcesKey(team, channel), 0, "github:*", 1000).Iterator()
	for i := 0; it.Next(ctx); i++ {
		if i%2 == 1 { // field, value, field, value…
			out = append(out, parseMember(it.Val()))
		}
	}
	return out, translate(it.Err())
}

// NoteComment remembers priobot's comment on idea n's issue: its id, and
// the idea's rev and the time it was written at; id 0 when it was not
// written (given up on, or nothing to write), so a later poll asks again.
func (s *Store) NoteComment(ctx context.Context, team, channel string, n, id, rev int64, at time.Time) error {
	key := ideaKey(team, channel, n)
	if id == 0 {
		return translate(s.rdb.HDel(ctx, key, fCommentDue).Err())
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, fCommentID, id, fCommentRev, rev, fCommentAt, at.UnixMilli())
		p.HDel(ctx, key, fCommentDue)
		return nil
	})
	return translate(err)
}

// queueComments asks the outbox to write priobot's comment on the issues
// of some ideas, once: an idea whose write is queued already, or that
// follows no issue any more, is passed over.
//
// KEYS[1..5] -> the outbox, KEYS[6..] -> the ideas (HASH)
// ARGV[1] -> now (unix ms), ARGV[2..] -> the ideas' numbers
// Output: how many writes were queued.
var queueComments = redis.NewScript(eventsLua + `
local queued = 0
for i = 6, #KEYS do
	local f = redis.call("HMGET", KEYS[i], "issue_repo", "issue_comment_queued")
	if f[1] and not f[2] then
		redis.call("HSET", KEYS[i], "issue_comment_queued", "1")
		local n = ARGV[i - 4]
		enqueue(1, "tracker:" .. n, {kind = "comment", idea = tonumber(n), actor = "", at = tonumber(ARGV[1])}, tonumber(ARGV[1]))
		queued = queued + 1
	end
end
return queued
`)

// QueueComments asks for priobot's comment on the issues of ideas
// numbers to be written (see queueComments); it returns how many were.
func (s *Store) QueueComments(ctx context.Context, team, channel string, numbers []int64, now time.Time) (int, error) {
	keys := outboxKeys(team, channel)
	args := []any{now.UnixMilli()}
	for _, n := range numbers {
		keys = append(keys, ideaKey(team, channel, n))
		args = append(args, n)
	}
	queued, err := queueComments.Run(ctx, s.rdb, keys, args...).Int()
	return queued, translate(err)
}

// SeeIssue remembers the state of idea n's issue as priobot last saw or
// wrote it, if the idea still follows that issue.
func (s *Store) SeeIssue(ctx context.Context, team, channel string, n int64, repo string, number int, state string) error {
	return translate(seeIssue.Run(ctx, s.rdb, []string{ideaKey(team, channel, n)}, repo, number, state).Err())
}

// seeIssue sets an idea's issue_seen while it follows the issue.
//
// KEYS[1] -> the idea (HASH)
// ARGV[1] -> repo, ARGV[2] -> issue number, ARGV[3] -> state
// Output: 1 when noted, 0 when the idea follows no such issue.
var seeIssue = redis.NewScript(`
local i = redis.call("HMGET", KEYS[1], "issue_repo", "issue_number")
if not i[1] or string.lower(i[1]) ~= string.lower(ARGV[1]) or i[2] ~= ARGV[2] then return 0 end
redis.call("HSET", KEYS[1], "issue_seen", ARGV[3])
return 1
`)

// linkIssue ties an idea to a tracker issue: the issue may tie no other
// idea of the backlog, and the idea no other issue.
//
// KEYS[1] -> the idea (HASH), KEYS[2] -> the backlog's sources (HASH)
// ARGV[1] -> the issue as a source ("github:owner/repo#5"), ARGV[2] -> the
// idea's number, ARGV[3] -> repo, ARGV[4] -> issue number, ARGV[5] -> its URL
// Output: {"ok"}, {"same"}, {"missing"}, {"taken", the idea it ties} or
// {"tied", the issue the idea ties}.
var linkIssue = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
local other = redis.call("HGET", KEYS[2], ARGV[1])
if other == ARGV[2] then return {"same"} end
if other then return {"taken", other} end
local repo = redis.call("HGET", KEYS[1], "issue_repo")
if repo then return {"tied", repo .. "#" .. redis.call("HGET", KEYS[1], "issue_number")} end
redis.call("HSET", KEYS[1], "issue_repo", ARGV[3], "issue_number", ARGV[4], "issue_url", ARGV[5])
redis.call("HINCRBY", KEYS[1], "rev", 1)
redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
return {"ok"}
`)

// LinkIssue ties idea n to issue number of repo, so their states move
// together; it returns "ok" or "same" (tied already).
func (s *Store) LinkIssue(ctx context.Context, team, channel string, n int64, repo string, number int, url string) (string, error) {
	res, err := linkIssue.Run(ctx, s.rdb, []string{ideaKey(team, channel, n), sourcesKey(team, channel)},
		issueRef(repo, number), n, repo, number, url).StringSlice()
	if err != nil {
		return "", translate(err)
	}
	switch res[0] {
	case "missing":
		return "", prio.Errorf(prio.NotFound, "There is no idea #%d in this channel's backlog.", n)
	case "taken":
		return "", prio.Errorf(prio.Conflict, "%s#%d is linked to #%s already: an issue follows one idea.", repo, number, res[1])
	case "tied":
		return "", prio.Errorf(prio.Conflict, "#%d follows %s already: an idea follows one issue (`/backlog unlink` that one first).", n, res[1])
	}
	return res[0], nil
}

// unlinkIssue unties an idea from its tracker issue.
//
// KEYS[1] -> the idea (HASH), KEYS[2] -> the backlog's sources (HASH)
// ARGV[1] -> the issue as a source, ARGV[2] -> the idea's number
// Output: 1 when untied, 0 when it was not tied to that issue.
var unlinkIssue = redis.NewScript(`
if redis.call("HGET", KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call("HDEL", KEYS[2], ARGV[1])
redis.call("HDEL", KEYS[1], "issue_repo", "issue_number", "issue_url", "issue_author")
redis.call("HINCRBY", KEYS[1], "rev", 1)
return 1
`)

// UnlinkIssue unties idea n from an issue; it reports whether it was tied.
func (s *Store) UnlinkIssue(ctx context.Context, team, channel string, n int64, repo string, number int) (bool, error) {
	untied, err := unlinkIssue.Run(ctx, s.rdb, []string{ideaKey(team, channel, n), sourcesKey(team, channel)}, issueRef(repo, number), n).Int()
	return untied == 1, translate(err)
}

// renameIdea gives an idea the title its tracker issue has now: once
// linked, the tracker owns the title.
//
// KEYS[1] -> the idea (HASH), KEYS[2] -> the backlog's titles (HASH),
// KEYS[3] -> its supporters, KEYS[4..13] -> the backlog's event keys
// (idea.updated, change "title"), KEYS[14] -> its history
// ARGV[1] -> the title, ARGV[2] -> the idea's number, ARGV[3] -> member,
// ARGV[4] -> now (unix ms), ARGV[5] -> who renamed it, by name
// Output: "ok", "same" or "missing".
var renameIdea = redis.NewScript(eventsLua + `
if redis.call("EXISTS", KEYS[1]) == 0 then return "missing" end
local was = redis.call("HGET", KEYS[1], "title")
if was == ARGV[1] then return "same" end
redis.call("HSET", KEYS[1], "title", ARGV[1])
redis.call("HSET", KEYS[2], ARGV[2], ARGV[1])
redis.call("HINCRBY", KEYS[1], "rev", 1)
record(KEYS[14], KEYS[1], {k = "renamed", at = tonumber(ARGV[4]), by = "", name = ARGV[5], from = was, to = ARGV[1]})
announce(4, {event = "idea.updated", change = "title", idea = tonumber(ARGV[2]), from = was, status = ARGV[1],
	actor = ARGV[5], actor_id = "", at = tonumber(ARGV[4])}, KEYS[1], KEYS[3], ARGV[3], tonumber(ARGV[4]))
return "ok"
`)

// RenameIdea gives idea n the title its issue has; it reports whether
// the title changed.
func (s *Store) RenameIdea(ctx context.Context, team, channel string, n int64, title, by string, now time.Time) (bool, error) {
	res, err := renameIdea.Run(ctx, s.rdb, with(with([]string{ideaKey(team, channel, n), titlesKey(team, channel), supportersKey(team, channel, n)},
		eventKeys(team, channel)), []string{historyKey(team, channel, n)}), title, n, member(n), now.UnixMilli(), by).Text()
	return res == "ok", translate(err)
}

// pushIssue asks for an issue to be opened for an idea in play, for its
// author or the backlog's owners: an outbox item (Push) does it, retried
// until GitHub has it, and links it.
//
// KEYS[1] -> the idea (HASH), KEYS[2] -> owners, KEYS[3..7] -> the outbox
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> the
// idea's number, ARGV[4] -> now (unix ms), ARGV[5] -> actor's name
// Output: {"ok"}, {"missing"}, {"forbidden"}, {"state", its status} or
// {"tied", the issue it follows}.
var pushIssue = redis.NewScript(prelude + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
local i = redis.call("HMGET", KEYS[1], "author", "status", "issue_repo", "issue_number")
if i[1] ~= ARGV[1] and not allowed(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if i[3] then return {"tied", i[3] .. "#" .. i[4]} end
if not isopen(i[2]) then return {"state", i[2]} end
enqueue(3, "tracker:" .. ARGV[3], {kind = "push", idea = tonumber(ARGV[3]), actor = ARGV[5], actor_id = ARGV[1], at = tonumber(ARGV[4])},
	tonumber(ARGV[4]))
return {"ok"}
`)

// PushIssue asks for an issue to be opened for idea n (see pushIssue).
func (s *Store) PushIssue(ctx context.Context, team, channel string, n int64, actor prio.Actor, now time.Time) error {
	res, err := pushIssue.Run(ctx, s.rdb, with([]string{ideaKey(team, channel, n), ownersKey(team, channel)}, outboxKeys(team, channel)),
		actor.ID, admin(actor), n, now.UnixMilli(), actor.Name).Slice()
	if err != nil {
		return translate(err)
	}
	switch res[0] {
	case "forbidden":
		return prio.Errorf(prio.Forbidden, "Only #%d's author or this backlog's owners (and workspace admins) can push it to GitHub.", n)
	case "tied":
		return prio.Errorf(prio.Conflict, "#%d follows %s already: an idea follows one issue. `/backlog #%d` shows it.", n, res[1], n)
	case "state":
		st := prio.Status(res[1].(string))
		return prio.Errorf(prio.Conflict, "#%d is %s, so there is nothing for GitHub to track. `/backlog reopen #%d` puts it back in play first.", n, st.Label(), n)
	}
	return refusal(res, n, "pushed")
}

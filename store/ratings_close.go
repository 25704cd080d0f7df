package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

// closeRatings closes a round, once across replicas: by an owner, or at
// its deadline. It has the outbox post the results in the progress
// message's thread and send ratings.closed, with how many gave each rating
// to each idea (never who).
//
// KEYS[1] -> round, KEYS[2] -> owners, KEYS[3] -> given, KEYS[4] -> rated,
// KEYS[5..14] -> the backlog's event keys
// ARGV[1] -> actor ("" at the deadline), ARGV[2] -> "1" if a workspace
// admin, ARGV[3] -> now (unix ms), ARGV[4] -> actor's name, ARGV[5] ->
// round id, ARGV[6] -> channel
// Output: {"ok"}, or {"closed"}, {"early"} (the deadline is still to
// come), {"forbidden"}, {"missing"}.
var closeRatings = redis.NewScript(prelude + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if ARGV[1] ~= "" and not allowed(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if redis.call("HEXISTS", KEYS[1], "closed") == 1 then return {"closed"} end
local now = tonumber(ARGV[3])
if ARGV[1] == "" and now < tonumber(redis.call("HGET", KEYS[1], "deadline")) then return {"early"} end
redis.call("HSET", KEYS[1], "closed", ARGV[3], "closed_by", ARGV[4])
local r = redis.call("HMGET", KEYS[1], "ideas", "question", "raters", "ts")
local dist, ideas = {}, {}
for n in string.gmatch(r[1], "[^,]+") do
	dist[n] = {0, 0, 0, 0, 0}
	table.insert(ideas, n)
end
local given = redis.call("HGETALL", KEYS[3])
for i = 1, #given, 2 do
	local n = string.match(given[i], "|(.*)$")
	local v = tonumber(string.match(given[i + 1], "^([^|]*)"))
	if dist[n] and v >= 1 and v <= 5 then dist[n][v] = dist[n][v] + 1 end
end
local rated = {}
for _, n in ipairs(ideas) do table.insert(rated, {idea = tonumber(n), dist = dist[n]}) end
local facts = {round = tonumber(ARGV[5]), question = r[2], raters = tonumber(r[3]), rated = redis.call("SCARD", KEYS[4]), ideas = rated}
enqueue(10, "thread:" .. ARGV[6] .. ":" .. (r[4] or ""), {kind = "ratings_results", session = tonumber(ARGV[5]), channel = ARGV[6],
	ts = r[4] or "", actor = ARGV[4], actor_id = ARGV[1], at = now}, now)
local who = nil
if ARGV[1] ~= "" then who = ARGV[1] end
announce(5, {event = "ratings.closed", ratings = facts, actor = ARGV[4], actor_id = who, at = now}, nil, nil, nil, now)
return {"ok"}
`)

// CloseRatings closes a round for an owner, or at its deadline (actor
// zero): it reports whether this call closed it; the outbox posts the
// results and sends ratings.closed.
func (s *Store) CloseRatings(ctx context.Context, r ratings.Round, actor prio.Actor, now time.Time) (bool, error) {
	t, c := r.Team, r.Channel
	keys := []string{ratingsKey(t, c, r.ID), ownersKey(t, c), givenKey(t, c, r.ID), ratedKey(t, c, r.ID)}
	res, err := closeRatings.Run(ctx, s.rdb, with(keys, eventKeys(t, c)), actor.ID, admin(actor), now.UnixMilli(), actor.Name, r.ID, c).StringSlice()
	if err != nil {
		return false, translate(err)
	}
	switch res[0] {
	case "forbidden":
		return false, errForbidden
	case "missing":
		return false, prio.Errorf(prio.NotFound, "Those ratings are not in this channel.")
	case "closed", "early":
		return false, nil
	}
	ref := c + "|" + strconv.FormatInt(r.ID, 10)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, ratingsDueKey(t), ref)
		p.ZRem(ctx, ratingsRemindersKey(t), ref)
		return nil
	})
	return true, translate(err)
}

// RatingsDists counts how many gave each rating to each idea of a round.
func (s *Store) RatingsDists(ctx context.Context, r ratings.Round) (map[int64][ratings.Highest]int, error) {
	given, err := s.rdb.HGetAll(ctx, givenKey(r.Team, r.Channel, r.ID)).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := map[int64][ratings.Highest]int{}
	for cell, v := range given {
		_, n, _ := strings.Cut(cell, "|")
		rating, _, _ := strings.Cut(v, "|")
		x, _ := strconv.Atoi(rating)
		if x >= ratings.Lowest && x <= ratings.Highest {
			d := out[parseMember(n)]
			d[x-1]++
			out[parseMember(n)] = d
		}
	}
	return out, nil
}

// nudgeRaters has the outbox ask again each rater who has rated nothing
// yet, for an owner; at most once every ARGV[4] ms.
//
// KEYS[1] -> round, KEYS[2] -> owners, KEYS[3] -> raters, KEYS[4] ->
// rated, KEYS[5..9] -> the outbox
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> now
// (unix ms), ARGV[4] -> least time between nudges (ms), ARGV[5] -> actor's
// name, ARGV[6] -> round id
// Output: {"ok", who…}, {"wait", when the next may go}, {"closed"} or {"forbidden"}.
var nudgeRaters = redis.NewScript(prelude + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if redis.call("HEXISTS", KEYS[1], "closed") == 1 then return {"closed"} end
local now = tonumber(ARGV[3])
local last = tonumber(redis.call("HGET", KEYS[1], "nudged") or "0")
if now - last < tonumber(ARGV[4]) then return {"wait", tostring(last + tonumber(ARGV[4]))} end
local out = {"ok"}
for _, u in ipairs(redis.call("SDIFF", KEYS[3], KEYS[4])) do
	enqueue(5, u, {kind = "ratings_nudge", session = tonumber(ARGV[6]), actor = ARGV[5], actor_id = ARGV[1], at = now}, now)
	table.insert(out, u)
end
if #out > 1 then redis.call("HSET", KEYS[1], "nudged", ARGV[3]) end
return out
`)

// NudgeRaters has the outbox ask again the raters of a round who have
// rated nothing yet, for an owner: it returns how many; inside
// NudgeEvery of the last nudge, when the next may go.
func (s *Store) NudgeRaters(ctx context.Context, r ratings.Round, actor prio.Actor, now time.Time) (int, time.Time, error) {
	t, c := r.Team, r.Channel
	keys := []string{ratingsKey(t, c, r.ID), ownersKey(t, c), ratersKey(t, c, r.ID), ratedKey(t, c, r.ID)}
	res, err := nudgeRaters.Run(ctx, s.rdb, with(keys, outboxKeys(t, c)), actor.ID, admin(actor), now.UnixMilli(), NudgeEvery.Milliseconds(),
		actor.Name, r.ID).StringSlice()
	if err != nil {
		return 0, time.Time{}, translate(err)
	}
	switch res[0] {
	case "forbidden":
		return 0, time.Time{}, errForbidden
	case "closed":
		return 0, time.Time{}, prio.Errorf(prio.Conflict, "These ratings have closed, so there is no one to nudge.")
	case "wait":
		return 0, millis(res[1]), nil
	}
	return len(res) - 1, time.Time{}, nil
}

// remindRaters sends the reminders due by now, each rater once across
// replicas (the plan loses them as they go), and only to those who have
// rated nothing while the round is open.
//
// KEYS[1] -> round, KEYS[2] -> its reminders, KEYS[3] -> rated, KEYS[4..8] -> the outbox
// ARGV[1] -> now (unix ms), ARGV[2] -> round id
// Output: {when the next reminder is due ("" for none), who was reminded…}.
var remindRaters = redis.NewScript(eventsLua + `
local open = redis.call("HEXISTS", KEYS[1], "closed") == 0
local now = tonumber(ARGV[1])
local out = {""}
for _, u in ipairs(redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", ARGV[1])) do
	redis.call("ZREM", KEYS[2], u)
	if open and redis.call("SISMEMBER", KEYS[3], u) == 0 then
		enqueue(4, u, {kind = "ratings_reminder", session = tonumber(ARGV[2]), actor = "", at = now}, now)
		table.insert(out, u)
	end
end
if open then out[1] = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")[2] or "" end
return out
`)

// RemindRaters has the outbox remind the raters due by now who have rated
// nothing yet; it returns how many, and moves the round's place in the
// team's reminders to its next one (or takes it out).
func (s *Store) RemindRaters(ctx context.Context, r ratings.Round, now time.Time) (int, error) {
	t, c := r.Team, r.Channel
	keys := []string{ratingsKey(t, c, r.ID), ratingsRemindKey(t, c, r.ID), ratedKey(t, c, r.ID)}
	res, err := remindRaters.Run(ctx, s.rdb, with(keys, outboxKeys(t, c)), now.UnixMilli(), r.ID).StringSlice()
	if err != nil {
		return 0, translate(err)
	}
	ref := c + "|" + strconv.FormatInt(r.ID, 10)
	if res[0] == "" {
		err = s.rdb.ZRem(ctx, ratingsRemindersKey(t), ref).Err()
	} else {
		next, _ := strconv.ParseFloat(res[0], 64)
		err = s.rdb.ZAdd(ctx, ratingsRemindersKey(t), redis.Z{Score: next, Member: ref}).Err()
	}
	return len(res) - 1, translate(err)
}

// DueRatings lists the open rounds past their deadline, in every team.
func (s *Store) DueRatings(ctx context.Context, now time.Time) ([]poker.Ref, error) {
	return s.dueRefs(ctx, ratingsDueKey, now)
}

// DueRatingReminders lists the rounds whose reminders may be due, in every team.
func (s *Store) DueRatingReminders(ctx context.Context, now time.Time) ([]poker.Ref, error) {
	return s.dueRefs(ctx, ratingsRemindersKey, now)
}

// useRatings marks a closed round's means used as a criterion, once per
// criterion, for an owner.
//
// KEYS[1] -> round, KEYS[2] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] ->
// criterion key, ARGV[4] -> "name|unix ms"
// Output: "ok", "open", "used" or "forbidden".
var useRatings = redis.NewScript(prelude + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return "forbidden" end
if redis.call("HEXISTS", KEYS[1], "closed") == 0 then return "open" end
if redis.call("HSETNX", KEYS[1], "used:" .. ARGV[3], ARGV[4]) == 0 then return "used" end
return "ok"
`)

// UseRatings marks a closed round's means used as criterion crit (a key),
// for an owner; it is refused while the round is open, and a second time.
func (s *Store) UseRatings(ctx context.Context, r ratings.Round, crit string, actor prio.Actor, now time.Time) error {
	res, err := useRatings.Run(ctx, s.rdb, []string{ratingsKey(r.Team, r.Channel, r.ID), ownersKey(r.Team, r.Channel)},
		actor.ID, admin(actor), crit, actor.Name+"|"+strconv.FormatInt(now.UnixMilli(), 10)).Text()
	switch {
	case err != nil:
		return translate(err)
	case res == "forbidden":
		return errForbidden
	case res == "open":
		return prio.Errorf(prio.Conflict, "These ratings are still open: close them first, then use their means.")
	case res == "used":
		return prio.Errorf(prio.Conflict, "These ratings' means were used as %s already.", crit)
	}
	return nil
}

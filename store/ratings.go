package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

// startRatings opens a round of ratings on open ideas, if the actor may
// manage the backlog: it records the raters and when each is reminded,
// and has the outbox ask each of them by DM.
//
// KEYS[1] -> round, KEYS[2] -> raters, KEYS[3] -> its reminders, KEYS[4]
// -> owners, KEYS[5..4+n] -> the ideas, then the outbox (seq, items, due,
// order, age)
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> now
// (unix ms), ARGV[4] -> deadline (unix ms), ARGV[5] -> question, ARGV[6]
// -> actor's name, ARGV[7] -> the ideas ("3,5,8"), ARGV[8] -> round id,
// ARGV[9] -> how many raters (r), ARGV[10..9+r] -> raters,
// ARGV[10+r..9+2r] -> when each is reminded (unix ms; "" for never)
// Output: {"ok"}, {"missing", n}, {"state", n, status} or {"forbidden"}.
var startRatings = redis.NewScript(prelude + `
if not allowed(KEYS[4], ARGV[1], ARGV[2]) then return {"forbidden"} end
local k = #KEYS - 4
local numbers = {}
for n in string.gmatch(ARGV[7], "[^,]+") do table.insert(numbers, n) end
for i = 5, k - 1 do
	local st = redis.call("HGET", KEYS[i], "status")
	if not st then return {"missing", numbers[i - 4]} end
	if not isopen(st) then return {"state", numbers[i - 4], st} end
end
local r = tonumber(ARGV[9])
redis.call("HSET", KEYS[1], "ideas", ARGV[7], "question", ARGV[5], "by", ARGV[1], "by_name", ARGV[6], "created", ARGV[3],
	"deadline", ARGV[4], "raters", r)
local ideas = {}
for _, n in ipairs(numbers) do table.insert(ideas, tonumber(n)) end
local now = tonumber(ARGV[3])
for i = 10, 9 + r do
	redis.call("SADD", KEYS[2], ARGV[i])
	if ARGV[i + r] ~= "" then redis.call("ZADD", KEYS[3], ARGV[i + r], ARGV[i]) end
	enqueue(k, ARGV[i], {kind = "ratings", session = tonumber(ARGV[8]), ideas = ideas, actor = ARGV[6], actor_id = ARGV[1], at = now}, now)
end
return {"ok"}
`)

// StartRatings opens a round of ratings (r: its ideas, question, deadline,
// who asks) for raters, each reminded at remind[rater] (none when
// missing), and has the outbox ask them. It returns the round as stored.
func (s *Store) StartRatings(ctx context.Context, r ratings.Round, raters []string, remind map[string]time.Time, actor prio.Actor) (ratings.Round, error) {
	t, c := r.Team, r.Channel
	id, err := s.rdb.Incr(ctx, ratingsSeqKey(t, c)).Result()
	if err != nil {
		return r, translate(err)
	}
	r.ID, r.Raters = id, len(raters)
	keys := []string{ratingsKey(t, c, id), ratersKey(t, c, id), ratingsRemindKey(t, c, id), ownersKey(t, c)}
	for _, n := range r.Ideas {
		keys = append(keys, ideaKey(t, c, n))
	}
	args := []any{actor.ID, admin(actor), r.Created.UnixMilli(), r.Deadline.UnixMilli(), r.Question, actor.Name, numberList(r.Ideas), id, len(raters)}
	for _, u := range raters {
		args = append(args, u)
	}
	for _, u := range raters {
		when := ""
		if at, ok := remind[u]; ok {
			when = strconv.FormatInt(at.UnixMilli(), 10)
		}
		args = append(args, when)
	}
	res, err := startRatings.Run(ctx, s.rdb, with(keys, outboxKeys(t, c)), args...).StringSlice()
	if err != nil {
		return r, translate(err)
	}
	switch res[0] {
	case "forbidden":
		return r, errForbidden
	case "missing":
		return r, notHere(parseMember(res[1]))
	case "state":
		return r, prio.Errorf(prio.Conflict, "#%s is %s, so it can't be rated: ratings are for open ideas.", res[1], prio.Status(res[2]).Label())
	}
	ref := c + "|" + strconv.FormatInt(id, 10)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, ratingsDueKey(t), redis.Z{Score: float64(r.Deadline.UnixMilli()), Member: ref})
		if first := firstReminder(remind); !first.IsZero() {
			p.ZAdd(ctx, ratingsRemindersKey(t), redis.Z{Score: float64(first.UnixMilli()), Member: ref})
		}
		p.SAdd(ctx, teamsKey(), t)
		return nil
	})
	r.By, r.ByName = actor.ID, actor.Name
	return r, translate(err)
}

func firstReminder(at map[string]time.Time) time.Time {
	var first time.Time
	for _, t := range at {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first
}

// numberList is "3,5,8".
func numberList(ns []int64) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, ",")
}

// SetRatingsTS records the round's progress message.
func (s *Store) SetRatingsTS(ctx context.Context, r ratings.Round, ts string) error {
	return translate(s.rdb.HSet(ctx, ratingsKey(r.Team, r.Channel, r.ID), "ts", ts).Err())
}

// SetRatingsResultsTS records the message in the thread that holds a
// round's results.
func (s *Store) SetRatingsResultsTS(ctx context.Context, r ratings.Round, ts string) error {
	return translate(s.rdb.HSet(ctx, ratingsKey(r.Team, r.Channel, r.ID), "results_ts", ts).Err())
}

// Ratings reads a round of ratings.
func (s *Store) Ratings(ctx context.Context, team, channel string, id int64) (ratings.Round, error) {
	var (
		h     *redis.MapStringStringCmd
		rated *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, ratingsKey(team, channel, id))
		rated = p.SCard(ctx, ratedKey(team, channel, id))
		return nil
	})
	if err != nil {
		return ratings.Round{}, translate(err)
	}
	if len(h.Val()) == 0 {
		return ratings.Round{}, prio.Errorf(prio.NotFound, "Those ratings are not in this channel.")
	}
	r := decodeRound(team, channel, id, h.Val())
	r.Rated = int(rated.Val())
	return r, nil
}

func decodeRound(team, channel string, id int64, h map[string]string) ratings.Round {
	r := ratings.Round{Team: team, Channel: channel, ID: id, Question: h["question"], By: h["by"], ByName: h["by_name"],
		Created: millis(h["created"]), Deadline: millis(h["deadline"]), Closed: millis(h["closed"]), ClosedBy: h["closed_by"],
		TS: h["ts"], ResultsTS: h["results_ts"]}
	r.Raters, _ = strconv.Atoi(h["raters"])
	for _, n := range splitList(h["ideas"]) {
		r.Ideas = append(r.Ideas, parseMember(n))
	}
	for f := range h {
		if crit, ok := strings.CutPrefix(f, "used:"); ok {
			r.Used = append(r.Used, crit)
		}
	}
	return r
}

// rate records one rater's answer on one idea (0 for Skip), unless the
// round closed, the idea left play, or a later click of theirs came first
// (Slack's redelivery of a click changes nothing). It answers with what
// the rater's DM shows.
//
// KEYS[1] -> round, KEYS[2] -> raters, KEYS[3] -> rated, KEYS[4] -> given,
// KEYS[5..] -> the round's ideas, in order
// ARGV[1] -> rater, ARGV[2] -> idea, ARGV[3] -> rating, ARGV[4] -> the
// click's action_ts, ARGV[5] -> the round's ideas as the button has them
// Output: {outcome ("ok", "same", "closed", "gone"), rated, raters, the
// question, who asked, deadline, closed ("" while open), then per idea:
// status, title, the rater's answer ("" for none)}, or
// {"missing"} or {"stranger"}.
var rate = redis.NewScript(`
if redis.call("HGET", KEYS[1], "ideas") ~= ARGV[5] then return {"missing"} end
if redis.call("SISMEMBER", KEYS[2], ARGV[1]) == 0 then return {"stranger"} end
local outcome = "ok"
local cell = ARGV[1] .. "|" .. ARGV[2]
if redis.call("HEXISTS", KEYS[1], "closed") == 1 then
	outcome = "closed"
else
	for i = 5, #KEYS do
		if redis.call("HGET", KEYS[i], "number") == ARGV[2] then
			local st = redis.call("HGET", KEYS[i], "status")
			if st ~= "new" and st ~= "ranked" and st ~= "planned" and st ~= "in-progress" then outcome = "gone" end
		end
	end
end
if outcome == "ok" then
	local had = redis.call("HGET", KEYS[4], cell)
	local at = had and tonumber(string.match(had, "|(.*)$")) or 0
	if at >= tonumber(ARGV[4]) then
		outcome = "same"
	else
		redis.call("HSET", KEYS[4], cell, ARGV[3] .. "|" .. ARGV[4])
		redis.call("SADD", KEYS[3], ARGV[1])
	end
end
local r = redis.call("HMGET", KEYS[1], "question", "by_name", "deadline", "closed")
local out = {outcome, redis.call("SCARD", KEYS[3]), redis.call("SCARD", KEYS[2]), r[1], r[2], r[3], r[4] or ""}
for i = 5, #KEYS do
	local f = redis.call("HMGET", KEYS[i], "status", "title", "number")
	local mine = redis.call("HGET", KEYS[4], ARGV[1] .. "|" .. (f[3] or ""))
	table.insert(out, f[1] or "")
	table.insert(out, f[2] or "")
	table.insert(out, mine and string.match(mine, "^([^|]*)") or "")
end
return out
`)

// Rate records a rater's answer (ratings.Skip, or 1 to 5) on idea n of a
// round whose ideas are ideas, in one round trip; see rate.
func (s *Store) Rate(ctx context.Context, team, channel string, id int64, ideas []int64, rater string, n int64, rating int, actionTS string) (ratings.Answer, error) {
	keys := []string{ratingsKey(team, channel, id), ratersKey(team, channel, id), ratedKey(team, channel, id), givenKey(team, channel, id)}
	for _, i := range ideas {
		keys = append(keys, ideaKey(team, channel, i))
	}
	res, err := rate.Run(ctx, s.rdb, keys, rater, n, rating, actionTS, numberList(ideas)).Slice()
	if err != nil {
		return ratings.Answer{}, translate(err)
	}
	switch res[0] {
	case "missing":
		return ratings.Answer{}, prio.Errorf(prio.NotFound, "Those ratings are no longer here.")
	case "stranger":
		return ratings.Answer{}, prio.Errorf(prio.Forbidden, "You were not asked to rate these ideas; only the people the owners asked can.")
	}
	out := ratings.Answer{Outcome: res[0].(string), Round: ratings.Round{Team: team, Channel: channel, ID: id, Ideas: ideas,
		Rated: int(res[1].(int64)), Raters: int(res[2].(int64)), Question: res[3].(string), ByName: res[4].(string),
		Deadline: millis(res[5].(string)), Closed: millis(res[6].(string))}}
	for i, number := range ideas {
		line := ratings.Line{Idea: number, Status: prio.Status(res[7+3*i].(string)), Title: res[8+3*i].(string)}
		if mine := res[9+3*i].(string); mine != "" {
			line.Mine, _ = strconv.Atoi(mine)
			line.Given = true
		}
		out.Lines = append(out.Lines, line)
	}
	return out, nil
}

// ClaimRatingsRender claims the redraw of a round's progress message for
// a second, across replicas.
func (s *Store) ClaimRatingsRender(ctx context.Context, r ratings.Round) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, ratingsRenderKey(r.Team, r.Channel, r.ID), 1, time.Second).Result()
	return ok, translate(err)
}

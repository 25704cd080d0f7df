package store

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/roadmap"
)

// roadmapLua files an idea in its backlog's roadmap (KEYS[r]) and shipped
// ideas (KEYS[r + 1]) as its status and placement say: on the roadmap when
// planned, in progress or placed in Later; a closed idea loses its place.
const roadmapLua = `
local function onroadmap(r, idea, member, status, now)
	local placed = redis.call("HGET", idea, "placed") or ""
	if not isopen(status) and placed ~= "" then
		redis.call("HDEL", idea, "placed")
		placed = ""
	end
	if status == "planned" or status == "in-progress" or (isopen(status) and placed == "later") then
		redis.call("ZADD", KEYS[r], 0, member)
	else
		redis.call("ZREM", KEYS[r], member)
	end
	if status == "shipped" then
		redis.call("ZADD", KEYS[r + 1], now, member)
	else
		redis.call("ZREM", KEYS[r + 1], member)
	end
end
`

// placeIdea places an idea on the roadmap (or takes it off), with the
// status that goes with it (prio.Place), if the actor may manage the
// backlog and the idea is as read: status, lane and indexes in one step.
//
// KEYS[1] -> idea, KEYS[2] -> ranked, KEYS[3] -> awaiting, KEYS[4] ->
// unscored, KEYS[5] -> owners, KEYS[6] -> counts, KEYS[7] -> activity,
// KEYS[8] -> supporters, KEYS[9..13] -> the outbox (the author and
// supporters hear of a status change; the source thread of a move into
// Now), KEYS[14..23] -> the backlog's event keys, KEYS[24] -> history,
// KEYS[25], KEYS[26] -> the roadmap and its done
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> the
// idea's rev when read, ARGV[4] -> status after ("unplan": back to
// scored or awaiting scoring), ARGV[5] -> placement ("now", "later" or
// ""), ARGV[6] -> now (unix ms), ARGV[7] -> member, ARGV[8] -> number,
// ARGV[9] -> actor's name, ARGV[10], ARGV[11] -> its lane before and after
// Output: {"ok", old status, new status, how many are told} or a refusal.
var placeIdea = redis.NewScript(prelude + roadmapLua + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if not allowed(KEYS[5], ARGV[1], ARGV[2]) then return {"forbidden"} end
if (redis.call("HGET", KEYS[1], "rev") or "0") ~= ARGV[3] then return {"stale"} end
local cur = redis.call("HGET", KEYS[1], "status")
local score = redis.call("HGET", KEYS[1], "score") or ""
local to = ARGV[4]
if to == "unplan" then to = scored("new", score) end
local now = tonumber(ARGV[6])
if ARGV[5] == "" then redis.call("HDEL", KEYS[1], "placed") else redis.call("HSET", KEYS[1], "placed", ARGV[5]) end
redis.call("HINCRBY", KEYS[1], "rev", 1)
local n = 0
if to ~= cur then
	redis.call("HSET", KEYS[1], "status", to, "status_by", ARGV[1], "status_by_name", ARGV[9], "status_at", ARGV[6], "reason", "")
	place(KEYS[2], KEYS[3], KEYS[4], ARGV[7], ARGV[8], to, score)
	count(KEYS[6], cur, to)
	redis.call("ZADD", KEYS[7], ARGV[6], "status:" .. ARGV[8])
	local people = redis.call("SMEMBERS", KEYS[8])
	table.insert(people, 1, redis.call("HGET", KEYS[1], "author"))
	n = tell(9, people, ARGV[1], {kind = "status", idea = tonumber(ARGV[8]), from = cur, status = to, actor = ARGV[9], at = now}, now)
	record(KEYS[24], KEYS[1], {k = "status", at = now, by = ARGV[1], name = ARGV[9], from = cur, to = to})
	announce(14, {event = "idea.updated", change = "status", idea = tonumber(ARGV[8]), from = cur, status = to,
		actor = ARGV[9], actor_id = ARGV[1], at = now}, KEYS[1], KEYS[8], ARGV[7], now)
end
onroadmap(25, KEYS[1], ARGV[7], to, now)
if ARGV[10] ~= ARGV[11] then
	record(KEYS[24], KEYS[1], {k = "roadmap", at = now, by = ARGV[1], name = ARGV[9], from = ARGV[10], to = ARGV[11]})
	announce(14, {event = "idea.updated", change = "roadmap", idea = tonumber(ARGV[8]), from = ARGV[10], status = ARGV[11],
		actor = ARGV[9], actor_id = ARGV[1], at = now}, KEYS[1], KEYS[8], ARGV[7], now)
end
-- The source thread hears of entering Now, else of a status change.
if ARGV[11] == "now" and ARGV[10] ~= "now" then
	inthread(9, KEYS[1], {idea = tonumber(ARGV[8]), from = cur, status = "now", actor = ARGV[9], at = now}, now)
elseif to ~= cur then
	inthread(9, KEYS[1], {idea = tonumber(ARGV[8]), from = cur, status = to, actor = ARGV[9], at = now}, now)
end
return {"ok", cur, to, n}
`)

// PlaceIdea places idea n in lane to of its backlog's roadmap (prio.Off
// takes it off), planning it or taking its plan back as prio.Place says,
// for an owner. It returns the idea's lane before and after, and how many
// people its outbox will tell of a status change.
func (s *Store) PlaceIdea(ctx context.Context, team, channel string, n int64, to prio.Lane, actor prio.Actor, now time.Time) (from prio.Lane, is prio.Idea, told int, err error) {
	for range maxTries {
		ideas, err := s.Ideas(ctx, team, channel, []int64{n})
		if err != nil {
			return "", prio.Idea{}, 0, err
		}
		if len(ideas) == 0 {
			return "", prio.Idea{}, 0, notHere(n)
		}
		idea := ideas[0]
		move, err := prio.Place(n, idea.Status, to)
		if err != nil {
			return "", prio.Idea{}, 0, err
		}
		after := idea
		after.Status, after.Placed = move.Status, move.Placed
		if move.Status == prio.Unplan {
			after.Status = prio.StatusRanked
			if !idea.Scored {
				after.Status = prio.StatusNew
			}
		}
		res, err := placeIdea.Run(ctx, s.rdb, with([]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel),
			unscoredKey(team, channel), ownersKey(team, channel), countsKey(team, channel), activityKey(team, channel), supportersKey(team, channel, n)},
			with(outboxKeys(team, channel), with(eventKeys(team, channel), []string{historyKey(team, channel, n), roadmapKey(team, channel), doneKey(team, channel)}))),
			actor.ID, admin(actor), idea.Rev, string(move.Status), string(move.Placed), now.UnixMilli(), member(n), n, actor.Name,
			string(idea.Lane()), string(after.Lane())).Slice()
		if err != nil {
			return "", prio.Idea{}, 0, translate(err)
		}
		if err := refusal(res, n, "placed"); err != errStale {
			if err != nil {
				return "", prio.Idea{}, 0, err
			}
			return idea.Lane(), after, int(res[3].(int64)), nil
		}
	}
	return "", prio.Idea{}, 0, errStale
}

// readRoadmap reads a backlog's roadmap in one step: its goals, the ideas
// on it (with their supporters and place in the ranking) and those shipped
// since ARGV[1].
//
// The first read of a backlog written before there were roadmaps builds
// the two indexes from every idea, once (meta's "roadmap" says it did).
//
// KEYS[1] -> roadmap, KEYS[2] -> done, KEYS[3] -> goals, KEYS[4] ->
// ranked, KEYS[5] -> the backlog's idea key prefix (its slot: each idea's
// key is the prefix and its number), KEYS[6] -> meta, KEYS[7] -> titles
// ARGV[1] -> shipped since (unix ms)
// Output: JSON {goals: {id: JSON}, ideas: [{f: fields, s: supporters, r:
// rank or -1}], done: [{f: fields, s: supporters}]}.
var readRoadmap = redis.NewScript(`
if redis.call("HGET", KEYS[6], "roadmap") ~= "1" then
	for _, n in ipairs(redis.call("HKEYS", KEYS[7])) do
		local v = redis.call("HMGET", KEYS[5] .. n, "status", "placed", "status_at")
		local member = string.format("%012d", tonumber(n))
		local open = v[1] == "new" or v[1] == "ranked" or v[1] == "planned" or v[1] == "in-progress"
		if v[1] == "planned" or v[1] == "in-progress" or (open and v[2] == "later") then
			redis.call("ZADD", KEYS[1], 0, member)
		elseif v[1] == "shipped" then
			redis.call("ZADD", KEYS[2], tonumber(v[3] or "0"), member)
		end
	end
	redis.call("HSET", KEYS[6], "roadmap", "1")
end
local fields = {"number", "title", "status", "score", "placed", "goal", "links", "status_at", "author", "issue_repo", "issue_number", "issue_url"}
local function read(member)
	local n = tonumber(member)
	local v = redis.call("HMGET", KEYS[5] .. n, unpack(fields))
	local f = {}
	for i, name in ipairs(fields) do
		if v[i] then f[name] = v[i] end
	end
	return {f = f, s = redis.call("SCARD", KEYS[5] .. n .. ":supporters")}
end
local out = {goals = {}, ideas = {}, done = {}}
local g = redis.call("HGETALL", KEYS[3])
for i = 1, #g, 2 do out.goals[g[i]] = g[i + 1] end
for _, m in ipairs(redis.call("ZRANGE", KEYS[1], 0, -1)) do
	local idea = read(m)
	idea.r = redis.call("ZRANK", KEYS[4], m) or -1
	table.insert(out.ideas, idea)
end
for _, m in ipairs(redis.call("ZRANGEBYSCORE", KEYS[2], ARGV[1], "+inf")) do table.insert(out.done, read(m)) end
return cjson.encode(out)
`)

type roadmapRow struct {
	F map[string]string `json:"f"`
	S int64             `json:"s"`
	R int64             `json:"r"`
}

// Roadmap reads a backlog's roadmap in one Redis round trip: its goals,
// the ideas on it in the backlog's order (ranked ones by rank, then the
// unscored by number), and those shipped in the last roadmap.ShippedWindow.
func (s *Store) Roadmap(ctx context.Context, team, channel string, now time.Time) (roadmap.Snapshot, error) {
	since := now.Add(-roadmap.ShippedWindow).UnixMilli()
	raw, err := readRoadmap.Run(ctx, s.rdb, []string{roadmapKey(team, channel), doneKey(team, channel), goalsKey(team, channel),
		rankedKey(team, channel), ideaPrefix(team, channel), metaKey(team, channel), titlesKey(team, channel)}, since).Text()
	if err != nil {
		return roadmap.Snapshot{}, translate(err)
	}
	// An empty Lua table is encoded as {} by Redis and as [] by others:
	// each part is read as what it holds.
	var out struct {
		Goals json.RawMessage `json:"goals"`
		Ideas json.RawMessage `json:"ideas"`
		Done  json.RawMessage `json:"done"`
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return roadmap.Snapshot{}, err
	}
	goals := map[string]string{}
	if len(out.Goals) > 0 && out.Goals[0] == '{' {
		if err := json.Unmarshal(out.Goals, &goals); err != nil {
			return roadmap.Snapshot{}, err
		}
	}
	snap := roadmap.Snapshot{Goals: decodeGoals(goals), Now: now}
	rows := func(raw json.RawMessage) []roadmapRow {
		var rs []roadmapRow
		if len(raw) > 0 && raw[0] == '[' {
			_ = json.Unmarshal(raw, &rs)
		}
		return rs
	}
	ideas := rows(out.Ideas)
	slices.SortStableFunc(ideas, func(a, b roadmapRow) int {
		switch {
		case a.R >= 0 && b.R >= 0:
			return int(a.R - b.R)
		case a.R >= 0:
			return -1
		case b.R >= 0:
			return 1
		}
		return int(parseMember(a.F[fNumber]) - parseMember(b.F[fNumber]))
	})
	for _, r := range ideas {
		idea := decodeIdea(team, channel, r.F)
		idea.Supporters = r.S
		snap.Ideas = append(snap.Ideas, idea)
	}
	for _, r := range rows(out.Done) {
		idea := decodeIdea(team, channel, r.F)
		idea.Supporters = r.S
		snap.Shipped = append(snap.Shipped, idea)
	}
	slices.SortStableFunc(snap.Shipped, func(a, b prio.Idea) int { return b.StatusAt.Compare(a.StatusAt) })
	return snap, nil
}

// RoadmapSeen is the roadmap as the last weekly summary showed it: each
// idea's lane and goal; false before the first summary.
func (s *Store) RoadmapSeen(ctx context.Context, team, channel string) (map[int64]roadmap.Seen, bool, error) {
	h, err := s.rdb.HGetAll(ctx, roadmapSeenKey(team, channel)).Result()
	if err != nil {
		return nil, false, translate(err)
	}
	out := map[int64]roadmap.Seen{}
	for k, v := range h {
		if k == seenMark {
			continue
		}
		lane, goal := v, ""
		if i := strings.LastIndexByte(v, '|'); i >= 0 {
			lane, goal = v[:i], v[i+1:]
		}
		out[parseMember(k)] = roadmap.Seen{Lane: prio.Lane(lane), Goal: parseMember(goal)}
	}
	return out, len(h) > 0, nil
}

// seenMark is a field of the roadmap a summary saw that says it saw one,
// even an empty one.
const seenMark = "seen"

// SeeRoadmap records the roadmap a summary showed, replacing the last.
func (s *Store) SeeRoadmap(ctx context.Context, team, channel string, seen map[int64]roadmap.Seen) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, roadmapSeenKey(team, channel))
		p.HSet(ctx, roadmapSeenKey(team, channel), seenMark, "1")
		for n, v := range seen {
			p.HSet(ctx, roadmapSeenKey(team, channel), strconv.FormatInt(n, 10), string(v.Lane)+"|"+strconv.FormatInt(v.Goal, 10))
		}
		return nil
	})
	return translate(err)
}

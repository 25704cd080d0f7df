package store

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// nudgeSession writes one DM for each named voter who still owes votes on
// the session's cards still voting (not every criterion voted), listing
// those cards, for its facilitator or an owner; at most one nudge per
// session every ARGV[6] ms.
//
// KEYS[1] -> session, KEYS[2] -> owners, KEYS[3..] -> per card: the card
// and its progress, then the outbox (seq, items, due, order, age)
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> now
// (unix ms), ARGV[4] -> criteria per card, ARGV[5] -> session id,
// ARGV[6] -> least time between nudges (ms), ARGV[7] -> actor's name,
// ARGV[8..] -> the cards' idea numbers, in KEYS order
// Output: {"ok", who was nudged…}, {"wait", when the next may go (unix
// ms)}, or "closed", "anyone" (no named voters), "forbidden".
var nudgeSession = redis.NewScript(prelude + `
local st = redis.call("HGET", KEYS[1], "state")
if not st then return {"missing"} end
if redis.call("HGET", KEYS[1], "facilitator") ~= ARGV[1] and not owner(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if st ~= "open" then return {"closed"} end
local voters = {}
for v in string.gmatch(redis.call("HGET", KEYS[1], "voters") or "", "[^,]+") do table.insert(voters, v) end
if #voters == 0 then return {"anyone"} end
local now = tonumber(ARGV[3])
local last = tonumber(redis.call("HGET", KEYS[1], "nudged") or "0")
if now - last < tonumber(ARGV[6]) then return {"wait", tostring(last + tonumber(ARGV[6]))} end
local owed = {}
local k = #KEYS - 4
for i = 3, k - 1, 2 do
	if redis.call("HGET", KEYS[i], "state") == "voting" then
		local idea = tonumber(ARGV[8 + (i - 3) / 2])
		for _, v in ipairs(voters) do
			if tonumber(redis.call("HGET", KEYS[i + 1], v) or "0") < tonumber(ARGV[4]) then
				owed[v] = owed[v] or {}
				table.insert(owed[v], idea)
			end
		end
	end
end
local out = {"ok"}
for _, v in ipairs(voters) do
	if owed[v] then
		enqueue(k, v, {kind = "nudge", session = tonumber(ARGV[5]), ideas = owed[v], actor = ARGV[7], actor_id = ARGV[1], at = now}, now)
		table.insert(out, v)
	end
end
if #out > 1 then redis.call("HSET", KEYS[1], "nudged", ARGV[3]) end
return out
`)

// NudgeEvery is the least time between two nudges of one session.
const NudgeEvery = time.Hour

// Nudge has the outbox DM each named voter of a session who still owes
// votes, for its facilitator or an owner. It returns who was nudged; or,
// inside NudgeEvery of the last nudge, when the next may go.
func (s *Store) Nudge(ctx context.Context, ps poker.Session, actor prio.Actor, criteria int, now time.Time) ([]string, time.Time, error) {
	t, c := ps.Team, ps.Channel
	keys := []string{sessionKey(t, c, ps.ID), ownersKey(t, c)}
	args := []any{actor.ID, admin(actor), now.UnixMilli(), criteria, ps.ID, NudgeEvery.Milliseconds(), actor.Name}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(t, c, ps.ID, n), progressKey(t, c, ps.ID, n))
		args = append(args, n)
	}
	res, err := nudgeSession.Run(ctx, s.rdb, with(keys, outboxKeys(t, c)), args...).StringSlice()
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	switch res[0] {
	case "ok":
		return res[1:], time.Time{}, nil
	case "wait":
		ms, _ := strconv.ParseInt(res[1], 10, 64)
		return nil, time.UnixMilli(ms), nil
	case "closed":
		return nil, time.Time{}, prio.Errorf(prio.Conflict, "This session has ended, so there is no one to nudge.")
	case "anyone":
		return nil, time.Time{}, prio.Errorf(prio.Invalid, "This session is open to anyone in the channel, so there is no one to nudge. Name the voters when you start one: `/poker #3 with @a @b`.")
	}
	return nil, time.Time{}, pokerRefusal([]any{res[0]}, 0)
}

// planReminders writes, once, when each named voter of a session is to
// be reminded (the first replica to plan it wins).
//
// KEYS[1] -> session, KEYS[2] -> its reminders (ZSET voter -> unix ms)
// ARGV[1..] -> voter, when (unix ms) pairs
// Output: 1 if this call planned them, 0 if they were planned already.
var planReminders = redis.NewScript(`
if redis.call("HSETNX", KEYS[1], "reminders_planned", 1) == 0 then return 0 end
for i = 1, #ARGV, 2 do redis.call("ZADD", KEYS[2], ARGV[i + 1], ARGV[i]) end
return 1
`)

// remindDue sends the reminders due by now: each voter once, across
// replicas (the plan loses them as they go), and only while the session
// is open and they still owe votes on a card still voting.
//
// KEYS[1] -> session, KEYS[2] -> its reminders, KEYS[3..] -> per card:
// the card and its progress, then the outbox (seq, items, due, order, age)
// ARGV[1] -> now (unix ms), ARGV[2] -> criteria per card, ARGV[3] ->
// session id, ARGV[4..] -> the cards' idea numbers, in KEYS order
// Output: {when the next reminder is due ("" for none), who was reminded…}.
var remindDue = redis.NewScript(eventsLua + `
local now = tonumber(ARGV[1])
local k = #KEYS - 4
local open = redis.call("HGET", KEYS[1], "state") == "open"
local out = {""}
for _, v in ipairs(redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", ARGV[1])) do
	redis.call("ZREM", KEYS[2], v)
	local owed = {}
	for i = 3, k - 1, 2 do
		if open and redis.call("HGET", KEYS[i], "state") == "voting" and tonumber(redis.call("HGET", KEYS[i + 1], v) or "0") < tonumber(ARGV[2]) then
			table.insert(owed, tonumber(ARGV[4 + (i - 3) / 2]))
		end
	end
	if #owed > 0 then
		enqueue(k, v, {kind = "reminder", session = tonumber(ARGV[3]), ideas = owed, actor = "", at = now}, now)
		table.insert(out, v)
	end
end
if open then out[1] = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")[2] or "" end
return out
`)

// DueReminders lists the sessions whose reminders may be due by now, in
// every team.
func (s *Store) DueReminders(ctx context.Context, now time.Time) ([]poker.Ref, error) {
	return s.dueRefs(ctx, remindersKey, now)
}

// RemindersPlanned says whether a session's reminders were planned.
func (s *Store) RemindersPlanned(ctx context.Context, ps poker.Session) (bool, error) {
	ok, err := s.rdb.HExists(ctx, sessionKey(ps.Team, ps.Channel, ps.ID), "reminders_planned").Result()
	return ok, translate(err)
}

// PlanReminders records, once across replicas, when each voter is to be
// reminded.
func (s *Store) PlanReminders(ctx context.Context, ps poker.Session, at map[string]time.Time) error {
	args := make([]any, 0, 2*len(at))
	for v, t := range at {
		args = append(args, v, t.UnixMilli())
	}
	return translate(planReminders.Run(ctx, s.rdb, []string{sessionKey(ps.Team, ps.Channel, ps.ID), sessionRemindersKey(ps.Team, ps.Channel, ps.ID)}, args...).Err())
}

// RemindDue has the outbox remind the voters due by now who still owe
// votes, each once; it returns who, and moves the session's place in the
// team's reminders to its next one (or takes it out).
func (s *Store) RemindDue(ctx context.Context, ps poker.Session, criteria int, now time.Time) ([]string, error) {
	t, c := ps.Team, ps.Channel
	keys := []string{sessionKey(t, c, ps.ID), sessionRemindersKey(t, c, ps.ID)}
	args := []any{now.UnixMilli(), criteria, ps.ID}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(t, c, ps.ID, n), progressKey(t, c, ps.ID, n))
		args = append(args, n)
	}
	res, err := remindDue.Run(ctx, s.rdb, with(keys, outboxKeys(t, c)), args...).StringSlice()
	if err != nil {
		return nil, translate(err)
	}
	ref := c + "|" + strconv.FormatInt(ps.ID, 10)
	if res[0] == "" {
		err = s.rdb.ZRem(ctx, remindersKey(t), ref).Err()
	} else {
		next, _ := strconv.ParseFloat(res[0], 64)
		err = s.rdb.ZAdd(ctx, remindersKey(t), redis.Z{Score: next, Member: ref}).Err()
	}
	return res[1:], translate(err)
}

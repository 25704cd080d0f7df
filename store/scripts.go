package store

import "github.com/redis/go-redis/v9"

// Every script that changes an idea returns a table whose first element is
// "ok" or the reason it changed nothing: "missing", "forbidden" (the actor
// is not an owner), "state" (followed by the idea's status), "author",
// "stale" (the idea or framework changed since it was read; retry).

// prelude is shared by the scripts that move ideas between lists.
const prelude = eventsLua + `
local function allowed(owners, actor, admin)
	return admin == "1" or redis.call("SCARD", owners) == 0 or redis.call("SISMEMBER", owners, actor) == 1
end
-- owner is stricter: a named owner or an admin, even when none are named.
local function owner(owners, actor, admin)
	return admin == "1" or redis.call("SISMEMBER", owners, actor) == 1
end
local function isopen(s)
	return s == "new" or s == "ranked" or s == "planned" or s == "in-progress"
end
-- place files an idea under the list its status and score call for: an
-- open idea with a score is ranked; a new one without waits for scoring;
-- one planned or in progress without a score is in the works, unscored.
local function place(ranked, awaiting, unscored, member, number, status, score)
	redis.call("ZREM", ranked, member)
	redis.call("ZREM", awaiting, member)
	redis.call("ZREM", unscored, member)
	if isopen(status) then
		if score ~= "" then
			redis.call("ZADD", ranked, -tonumber(score), member)
		elseif status == "new" then
			redis.call("ZADD", awaiting, number, member)
		else
			redis.call("ZADD", unscored, number, member)
		end
	end
end
-- tell writes an outbox item of facts for each of recipients, once each,
-- leaving out skip (who acted), into the outbox at KEYS[k]; it returns how
-- many it wrote.
local function tell(k, recipients, skip, facts, now)
	local seen, n = {[skip] = true}, 0
	for _, to in ipairs(recipients) do
		if to and to ~= "" and not seen[to] then
			seen[to] = true
			enqueue(k, to, facts, now)
			n = n + 1
		end
	end
	return n
end
-- inthread writes an item for the thread of the Slack message an idea
-- (its HASH) came from, unless priobot cannot post there, and for the
-- threads of the ideas merged into it ("threads": "channel|ts,…"), into
-- the outbox at KEYS[k]; facts say what happened.
local function inthread(k, idea, facts, now)
	local src = redis.call("HMGET", idea, "source_channel", "source_ts", "source_silent", "threads")
	local n = 0
	local function post(channel, ts)
		facts.kind, facts.channel, facts.ts = "thread", channel, ts
		enqueue(k, "thread:" .. channel .. ":" .. ts, facts, now)
		n = n + 1
	end
	if src[2] and src[3] ~= "1" then post(src[1], src[2]) end
	for c, ts in string.gmatch(src[4] or "", "([^,|]+)|([^,]+)") do post(c, ts) end
	return n
end
-- followThreads has the target of a merge carry the source's threads: its
-- own (unless priobot cannot post there) and those merged into it before.
local function followThreads(source, target)
	local s = redis.call("HMGET", source, "source_channel", "source_ts", "source_silent", "threads")
	local add = {}
	local cur = redis.call("HGET", target, "threads")
	if cur and cur ~= "" then table.insert(add, cur) end
	if s[2] and s[3] ~= "1" then table.insert(add, s[1] .. "|" .. s[2]) end
	if s[4] and s[4] ~= "" then table.insert(add, s[4]) end
	if #add > 0 then redis.call("HSET", target, "threads", table.concat(add, ",")) end
end
local function count(counts, from, to)
	if from ~= to then
		redis.call("HINCRBY", counts, from, -1)
		redis.call("HINCRBY", counts, to, 1)
	end
end
-- scored is the status an open idea has after scoring: planned and
-- in-progress stay; new and ranked follow whether it has a score.
local function scored(status, score)
	if status == "new" or status == "ranked" then
		if score ~= "" then return "ranked" end
		return "new"
	end
	return status
end
`

// createIdea stores a new idea, queues it for scoring and counts it.
//
// KEYS[1] -> priobot:{T:C}:idea:<n>   (HASH)
// KEYS[2] -> priobot:{T:C}:awaiting   (ZSET)
// KEYS[3] -> priobot:{T:C}:titles     (HASH)
// KEYS[4] -> priobot:{T:C}:counts     (HASH)
// KEYS[5] -> priobot:{T:C}:activity   (ZSET)
// KEYS[6] -> its supporters (SET, empty), KEYS[7..16] -> the backlog's
// event keys: idea.created goes to its webhooks, KEYS[17] -> the
// backlog's sources (HASH "channel:ts" of a Slack message -> idea number)
// KEYS[18] -> its history
// ARGV[1] -> the idea's number; ARGV[2] -> its member; ARGV[3] -> title;
// ARGV[4] -> now (unix ms); ARGV[5] -> its source message ("channel:ts",
// "" for none); ARGV[6] -> who asked for it ("U1,U2": supporters besides
// the author); ARGV[7..] -> field, value pairs for the hash
// Output: {the idea's 1-based place in the queue (0 when not created),
// the idea already made from that message (0 for none)}. A number taken
// already creates nothing: {0, 0}.
var createIdea = redis.NewScript(prelude + `
if ARGV[5] ~= "" then
	local taken = redis.call("HGET", KEYS[17], ARGV[5])
	if taken then return {0, tonumber(taken)} end
end
if redis.call("EXISTS", KEYS[1]) == 1 then
	return {0, 0}
end
redis.call("HSET", KEYS[1], unpack(ARGV, 7))
redis.call("ZADD", KEYS[2], ARGV[1], ARGV[2])
redis.call("HSET", KEYS[3], ARGV[1], ARGV[3])
redis.call("HINCRBY", KEYS[4], "new", 1)
redis.call("ZADD", KEYS[5], ARGV[4], "new:" .. ARGV[1])
local author = redis.call("HMGET", KEYS[1], "author", "author_name", "via")
record(KEYS[18], KEYS[1], {k = "created", at = tonumber(ARGV[4]), by = author[1], name = author[2], via = author[3] or "command"})
if ARGV[5] ~= "" then redis.call("HSET", KEYS[17], ARGV[5], ARGV[1]) end
for u in string.gmatch(ARGV[6], "[^,]+") do
	if u ~= author[1] then redis.call("SADD", KEYS[6], u) end
end
announce(7, {event = "idea.created", idea = tonumber(ARGV[1]), actor_id = author[1], actor = author[2], at = tonumber(ARGV[4])},
	KEYS[1], KEYS[6], ARGV[2], tonumber(ARGV[4]))
return {redis.call("ZRANK", KEYS[2], ARGV[2]) + 1, 0}
`)

// setStatus moves an idea to a status if the actor may and the idea's
// current status allows it, re-filing it in the ranking or the queue.
//
// KEYS[1] -> idea (HASH), KEYS[2] -> ranked (ZSET), KEYS[3] -> awaiting (ZSET),
// KEYS[4] -> owners (SET), KEYS[5] -> counts (HASH), KEYS[6] -> activity (ZSET),
// KEYS[7] -> unscored (ZSET), KEYS[8] -> supporters (SET), KEYS[9..13] ->
// the outbox (seq, items, due, order, age): the author and supporters are told,
// KEYS[14..23] -> the backlog's event keys: idea.updated goes to its webhooks,
// KEYS[24] -> its history, KEYS[25], KEYS[26] -> the roadmap and its done
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> target
// status or "reopen", ARGV[4] -> reason, ARGV[5] -> now (unix ms),
// ARGV[6] -> ",from,statuses,", ARGV[7] -> member, ARGV[8] -> number,
// ARGV[9] -> actor's name
// Output: {"ok", old status, new status, how many are told} or a refusal.
var setStatus = redis.NewScript(prelude + roadmapLua + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if not allowed(KEYS[4], ARGV[1], ARGV[2]) then return {"forbidden"} end
local cur = redis.call("HGET", KEYS[1], "status")
if not string.find(ARGV[6], "," .. cur .. ",", 1, true) then return {"state", cur} end
local score = redis.call("HGET", KEYS[1], "score") or ""
local to = ARGV[3]
if to == "reopen" then to = scored("new", score) end
redis.call("HSET", KEYS[1], "status", to, "status_by", ARGV[1], "status_by_name", ARGV[9], "status_at", ARGV[5], "reason", ARGV[4], "merged_into", "")
redis.call("HINCRBY", KEYS[1], "rev", 1)
place(KEYS[2], KEYS[3], KEYS[7], ARGV[7], ARGV[8], to, score)
onroadmap(25, KEYS[1], ARGV[7], to, tonumber(ARGV[5]))
count(KEYS[5], cur, to)
redis.call("ZADD", KEYS[6], ARGV[5], "status:" .. ARGV[8])
local people = redis.call("SMEMBERS", KEYS[8])
table.insert(people, 1, redis.call("HGET", KEYS[1], "author"))
local n = tell(9, people, ARGV[1], {kind = "status", idea = tonumber(ARGV[8]), from = cur, status = to,
	reopen = ARGV[3] == "reopen", reason = ARGV[4], actor = ARGV[9], at = tonumber(ARGV[5])}, tonumber(ARGV[5]))
record(KEYS[24], KEYS[1], {k = "status", at = tonumber(ARGV[5]), by = ARGV[1], name = ARGV[9], from = cur, to = to, reason = ARGV[4]})
inthread(9, KEYS[1], {idea = tonumber(ARGV[8]), from = cur, status = to, reopen = ARGV[3] == "reopen", reason = ARGV[4],
	actor = ARGV[9], at = tonumber(ARGV[5])}, tonumber(ARGV[5]))
-- A linked issue follows when the idea closes or comes back (shipped,
-- declined, reopened), unless the change came from the tracker (no Slack
-- actor): that would echo it back.
local closes = {shipped = true, declined = true}
if ARGV[1] ~= "" and (closes[to] or closes[cur]) and redis.call("HEXISTS", KEYS[1], "issue_repo") == 1 then
	enqueue(9, "tracker:" .. ARGV[8], {kind = "tracker", idea = tonumber(ARGV[8]), status = to, reason = ARGV[4],
		actor = ARGV[9], actor_id = ARGV[1], at = tonumber(ARGV[5])}, tonumber(ARGV[5]))
end
announce(14, {event = "idea.updated", change = "status", idea = tonumber(ARGV[8]), from = cur, status = to, reason = ARGV[4],
	actor = ARGV[9], actor_id = ARGV[1], at = tonumber(ARGV[5])}, KEYS[1], KEYS[8], ARGV[7], tonumber(ARGV[5]))
return {"ok", cur, to, n}
`)

// merge folds one open idea into another: the source becomes "merged", its
// author and supporters support the target (its author excepted).
//
// KEYS[1] -> source idea, KEYS[2] -> source supporters, KEYS[3] -> target idea,
// KEYS[4] -> target supporters, KEYS[5] -> ranked, KEYS[6] -> awaiting,
// KEYS[7] -> owners, KEYS[8] -> counts, KEYS[9] -> activity, KEYS[10] -> unscored,
// KEYS[11..15] -> the outbox: the source's author and supporters and the
// target's author are told, KEYS[16..25] -> the backlog's event keys:
// idea.updated for both ideas goes to its webhooks, KEYS[26], KEYS[27] ->
// the two ideas' histories, KEYS[28], KEYS[29] -> the roadmap and its done
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> now (unix ms),
// ARGV[4] -> source member, ARGV[5] -> source number, ARGV[6] -> target number,
// ARGV[7] -> actor's name, ARGV[8] -> target member
// Output: {"ok", source's old status, how many are told} or a refusal
// ("missing"/"state" followed by "from" or "into").
var merge = redis.NewScript(prelude + roadmapLua + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing", "from"} end
if redis.call("EXISTS", KEYS[3]) == 0 then return {"missing", "into"} end
local author = redis.call("HGET", KEYS[1], "author")
if author ~= ARGV[1] and not allowed(KEYS[7], ARGV[1], ARGV[2]) then return {"forbidden"} end
local from = redis.call("HGET", KEYS[1], "status")
if not isopen(from) then return {"state", from, "from"} end
local into = redis.call("HGET", KEYS[3], "status")
if not isopen(into) then return {"state", into, "into"} end
local target = redis.call("HGET", KEYS[3], "author")
local moved = redis.call("SMEMBERS", KEYS[2])
local had = redis.call("SCARD", KEYS[4])
table.insert(moved, author)
for _, u in ipairs(moved) do
	if u ~= target then redis.call("SADD", KEYS[4], u) end
end
redis.call("DEL", KEYS[2])
redis.call("HSET", KEYS[1], "status", "merged", "merged_into", ARGV[6], "status_by", ARGV[1], "status_by_name", ARGV[7], "status_at", ARGV[3], "reason", "")
redis.call("HINCRBY", KEYS[1], "rev", 1)
redis.call("HINCRBY", KEYS[3], "rev", 1)
place(KEYS[5], KEYS[6], KEYS[10], ARGV[4], ARGV[5], "merged", "")
onroadmap(28, KEYS[1], ARGV[4], "merged", tonumber(ARGV[3]))
table.insert(moved, target)
local n = tell(11, moved, ARGV[1], {kind = "merge", idea = tonumber(ARGV[5]), into = tonumber(ARGV[6]), from = from,
	actor = ARGV[7], at = tonumber(ARGV[3])}, tonumber(ARGV[3]))
count(KEYS[8], from, "merged")
redis.call("ZADD", KEYS[9], ARGV[3], "status:" .. ARGV[5])
local now = tonumber(ARGV[3])
record(KEYS[26], KEYS[1], {k = "merged_into", at = now, by = ARGV[1], name = ARGV[7], into = tonumber(ARGV[6])})
local has = redis.call("SCARD", KEYS[4])
record(KEYS[27], KEYS[3], {k = "merged_in", at = now, by = ARGV[1], name = ARGV[7], from_idea = tonumber(ARGV[5]), n = has - had})
inthread(11, KEYS[1], {idea = tonumber(ARGV[5]), into = tonumber(ARGV[6]), from = from, status = "merged", actor = ARGV[7], at = now}, now)
followThreads(KEYS[1], KEYS[3])
announce(16, {event = "idea.updated", change = "merge", idea = tonumber(ARGV[5]), from = from, status = "merged",
	into = tonumber(ARGV[6]), actor = ARGV[7], actor_id = ARGV[1], at = now}, KEYS[1], KEYS[2], ARGV[4], now)
if has ~= had then
	announce(16, {event = "idea.updated", change = "supporters", idea = tonumber(ARGV[6]), from = tostring(had), status = tostring(has),
		actor = ARGV[7], actor_id = ARGV[1], at = now}, KEYS[3], KEYS[4], ARGV[8], now)
end
return {"ok", from, n}
`)

// toggleSupport adds a supporter to an open idea, or removes them when
// they already support it. Authors support their own ideas implicitly.
//
// KEYS[1] -> idea (HASH), KEYS[2] -> supporters (SET), KEYS[3..12] -> the
// backlog's event keys: idea.updated goes to its webhooks, KEYS[13] -> its history
// ARGV[1] -> user, ARGV[2] -> their name, ARGV[3] -> member, ARGV[4] -> now (unix ms)
// Output: {"added"|"removed", supporters}, {"author", supporters} or a refusal.
var toggleSupport = redis.NewScript(prelude + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if redis.call("HGET", KEYS[1], "author") == ARGV[1] then return {"author", redis.call("SCARD", KEYS[2])} end
local status = redis.call("HGET", KEYS[1], "status")
if not isopen(status) then return {"state", status} end
local result = "added"
if redis.call("SREM", KEYS[2], ARGV[1]) == 1 then
	result = "removed"
else
	redis.call("SADD", KEYS[2], ARGV[1])
end
redis.call("HINCRBY", KEYS[1], "rev", 1)
local has = redis.call("SCARD", KEYS[2])
local had = has - 1
if result == "removed" then had = has + 1 end
record(KEYS[13], KEYS[1], {k = "support", at = tonumber(ARGV[4]), by = ARGV[1], name = ARGV[2], on = result == "added"})
announce(3, {event = "idea.updated", change = "supporters", idea = tonumber(ARGV[3]), from = tostring(had), status = tostring(has),
	actor = ARGV[2], actor_id = ARGV[1], at = tonumber(ARGV[4])}, KEYS[1], KEYS[2], ARGV[3], tonumber(ARGV[4]))
return {result, has}
`)

// setScore stores criterion values and the score computed from them, if the
// actor may, the backlog's framework is the one the score was computed
// with and the idea has not changed since it was read.
//
// KEYS[1] -> idea, KEYS[2] -> ranked, KEYS[3] -> awaiting, KEYS[4] -> owners,
// KEYS[5] -> meta, KEYS[6] -> counts, KEYS[7] -> activity, KEYS[8] -> unscored
// ARGV[1] -> actor, ARGV[2] -> "1" if allowed regardless of owners (admin, or
// a poker result), ARGV[3] -> framework, ARGV[4] -> default framework,
// ARGV[5] -> the idea's rev when read, ARGV[6] -> score ("" when incomplete),
// ARGV[7] -> "owner" or "poker", ARGV[8] -> now (unix ms), ARGV[9] -> member,
// ARGV[10] -> number, ARGV[11] -> actor's name, ARGV[12] -> the poker
// session or round of ratings whose result it is (0 for none), ARGV[13]
// -> how many ratings (0 for none), ARGV[14] -> what they set ("reach
// 6.2"; "" for none), ARGV[15..] -> criterion field, value pairs; KEYS[9] -> supporters, KEYS[10..14] -> the outbox:
// when a score (an owner's or poker's) moves the idea between the queue
// and the ranking, its author and supporters are told; KEYS[15..24] -> the backlog's event
// keys: idea.updated (and poker.accepted) go to its webhooks; KEYS[25] ->
// its history
// Output: {"ok", old status, new status, how many are told} or a refusal.
var setScore = redis.NewScript(prelude + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if not allowed(KEYS[4], ARGV[1], ARGV[2]) then return {"forbidden"} end
local fw = redis.call("HGET", KEYS[5], "framework") or ARGV[4]
if fw ~= ARGV[3] then return {"stale"} end
if (redis.call("HGET", KEYS[1], "rev") or "0") ~= ARGV[5] then return {"stale"} end
local cur = redis.call("HGET", KEYS[1], "status")
if not isopen(cur) then return {"state", cur} end
local to = scored(cur, ARGV[6])
local before = redis.call("HGET", KEYS[1], "score") or ""
redis.call("HSET", KEYS[1], "score", ARGV[6], "scored_at", ARGV[8], "scored_by", ARGV[1], "scored_by_name", ARGV[11], "scored_via", ARGV[7], "status", to, unpack(ARGV, 15))
redis.call("HINCRBY", KEYS[1], "rev", 1)
redis.call("HINCRBY", KEYS[5], "rev", 1)
place(KEYS[2], KEYS[3], KEYS[8], ARGV[9], ARGV[10], to, ARGV[6])
count(KEYS[6], cur, to)
if ARGV[6] ~= "" then redis.call("ZADD", KEYS[7], ARGV[8], "scored:" .. ARGV[10]) end
local n = 0
if cur ~= to then
	local people = redis.call("SMEMBERS", KEYS[9])
	table.insert(people, 1, redis.call("HGET", KEYS[1], "author"))
	n = tell(10, people, ARGV[1], {kind = "scored", idea = tonumber(ARGV[10]), from = cur, status = to,
		rescored = before ~= "", session = (ARGV[7] == "poker") and tonumber(ARGV[12]) or nil, via = ARGV[7], actor = ARGV[11],
		at = tonumber(ARGV[8])}, tonumber(ARGV[8]))
end
local now = tonumber(ARGV[8])
local entry = {k = "score", at = now, by = ARGV[1], name = ARGV[11], from = before, to = ARGV[6], via = ARGV[7], session = tonumber(ARGV[12])}
if ARGV[13] ~= "0" then entry.n, entry.value = tonumber(ARGV[13]), ARGV[14] end
record(KEYS[25], KEYS[1], entry)
announce(15, {event = "idea.updated", change = "score", idea = tonumber(ARGV[10]), from = before, status = ARGV[6],
	actor = ARGV[11], actor_id = ARGV[1], at = now}, KEYS[1], KEYS[9], ARGV[9], now)
if ARGV[7] == "poker" then
	inthread(10, KEYS[1], {idea = tonumber(ARGV[10]), from = cur, status = to, session = tonumber(ARGV[12]), actor = ARGV[11], at = now}, now)
	announce(15, {event = "poker.accepted", idea = tonumber(ARGV[10]), poker = {session = tonumber(ARGV[12]), framework = fw},
		actor = ARGV[11], actor_id = ARGV[1], at = now}, KEYS[1], KEYS[9], ARGV[9], now)
end
return {"ok", cur, to, n}
`)

// setFramework switches a backlog's framework and re-files every idea with
// the score computed under it, unless any score changed since they were read.
//
// KEYS[1] -> meta, KEYS[2] -> ranked, KEYS[3] -> awaiting, KEYS[4] -> owners,
// KEYS[5] -> counts, KEYS[6] -> unscored, KEYS[7..] -> every idea of the backlog
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> framework,
// ARGV[4] -> the meta rev when read, ARGV[5] -> its definition (a
// workspace's; "" for a built-in), ARGV[6..] -> per idea in KEYS order:
// member, number, new score ("" when incomplete), values kept by name
// ("v:id=value;…")
// Output: {"ok", the framework it had} or a refusal.
var setFramework = redis.NewScript(prelude + `
if not allowed(KEYS[4], ARGV[1], ARGV[2]) then return {"forbidden"} end
if (redis.call("HGET", KEYS[1], "rev") or "0") ~= ARGV[4] then return {"stale"} end
local was = redis.call("HGET", KEYS[1], "framework") or ""
redis.call("HSET", KEYS[1], "framework", ARGV[3], "framework_def", ARGV[5])
redis.call("HINCRBY", KEYS[1], "rev", 1)
for i = 7, #KEYS do
	local a = 6 + (i - 7) * 4
	local member, number, score = ARGV[a], ARGV[a + 1], ARGV[a + 2]
	local cur = redis.call("HGET", KEYS[i], "status")
	if cur then
		for field, value in string.gmatch(ARGV[a + 3], "([^=;]+)=([^;]+)") do
			redis.call("HSET", KEYS[i], field, value)
		end
		local to = cur
		if isopen(cur) then to = scored(cur, score) end
		redis.call("HSET", KEYS[i], "score", score, "status", to)
		redis.call("HINCRBY", KEYS[i], "rev", 1)
		place(KEYS[2], KEYS[3], KEYS[6], member, number, to, score)
		count(KEYS[5], cur, to)
	end
end
return {"ok", was}
`)

// changeOwners adds or removes backlog owners if the actor may manage it.
//
// KEYS[1] -> owners (SET)
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> "add"
// or "remove", ARGV[4..] -> user ids
// Output: {"ok", owners after…} or {"forbidden"}.
var changeOwners = redis.NewScript(prelude + `
if not allowed(KEYS[1], ARGV[1], ARGV[2]) then return {"forbidden"} end
for i = 4, #ARGV do
	if ARGV[3] == "add" then
		redis.call("SADD", KEYS[1], ARGV[i])
	else
		redis.call("SREM", KEYS[1], ARGV[i])
	end
end
local out = {"ok"}
for _, u in ipairs(redis.call("SMEMBERS", KEYS[1])) do table.insert(out, u) end
return out
`)

// position reads an idea with where it sits, in one round trip.
//
// KEYS[1] -> idea, KEYS[2] -> ranked, KEYS[3] -> awaiting, KEYS[4] -> supporters,
// KEYS[5] -> meta
// ARGV[1] -> member
// Output: {} when missing, else {fields (HGETALL), supporters, place
// (1-based, 0 when in no list), of, queue (0/1), {the two members above},
// framework ("" for the default)}.
var position = redis.NewScript(`
local h = redis.call("HGETALL", KEYS[1])
if #h == 0 then return {} end
local sup = redis.call("SCARD", KEYS[4])
local fwf = redis.call("HMGET", KEYS[5], "framework", "framework_def")
local fw = {fwf[1] or "", fwf[2] or ""}
local list, queue = KEYS[2], 0
local r = redis.call("ZRANK", list, ARGV[1])
if not r then
	list, queue = KEYS[3], 1
	r = redis.call("ZRANK", list, ARGV[1])
end
if not r then return {h, sup, 0, 0, 0, {}, fw} end
local above = {}
if r > 0 and queue == 0 then
	above = redis.call("ZRANGE", list, math.max(0, r - 2), r - 1)
end
return {h, sup, r + 1, redis.call("ZCARD", list), queue, above, fw}
`)

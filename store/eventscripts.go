package store

// eventsLua writes outbox items and webhook events: what every script
// that tells of a change needs, and no more (the vote script is hot).
const eventsLua = `
-- enqueue writes one outbox item of facts for to into the outbox whose
-- keys start at KEYS[k] (seq, items, due, order, age).
local function enqueue(k, to, facts, now)
	local id = redis.call("INCR", KEYS[k])
	facts.to, facts.id, facts.attempts = to, id, 0
	redis.call("HSET", KEYS[k + 1], id, cjson.encode(facts))
	redis.call("ZADD", KEYS[k + 2], now, id)
	redis.call("ZADD", KEYS[k + 3], 0, to .. "|" .. string.format("%012d", id))
	redis.call("ZADD", KEYS[k + 4], now, id)
end
-- record appends an entry to an idea's history (the LIST at h), keeping
-- the newest 300; the idea's HASH counts the older ones dropped.
local function record(h, idea, entry)
	redis.call("RPUSH", h, cjson.encode(entry))
	if redis.call("LLEN", h) > 300 then
		redis.call("LPOP", h)
		redis.call("HINCRBY", idea, "history_earlier", 1)
	end
end
-- The event keys of a backlog, at KEYS[e..e + 9]: its webhook endpoints
-- (HASH id -> JSON), meta, ranked, awaiting, unscored, and its outbox
-- (seq, items, due, order, age).
-- snapshot reads an idea (its HASH and supporters SET) as an event shows
-- it: its fields, supporters, the framework, and where it sits.
local function snapshot(e, idea, sup, member)
	local h = redis.call("HGETALL", idea)
	local f = {}
	for i = 1, #h, 2 do f[h[i]] = h[i + 1] end
	local fw = redis.call("HMGET", KEYS[e + 1], "framework", "framework_def")
	local out = {fields = f, supporters = redis.call("SCARD", sup), framework = fw[1] or "", framework_def = fw[2] or nil}
	if f.goal then
		-- The goal's name, from the backlog's goals: beside its meta, in its slot.
		local g = redis.call("HGET", string.sub(KEYS[e + 1], 1, -5) .. "goals", f.goal)
		if g then out.goal = cjson.decode(g).name end
	end
	for i, list in ipairs({"ranked", "awaiting", "unscored"}) do
		local r = redis.call("ZRANK", KEYS[e + 1 + i], member)
		if r then
			out.list, out.place, out.of = list, r + 1, redis.call("ZCARD", KEYS[e + 1 + i])
			break
		end
	end
	return out
end
-- announce writes a webhook event (facts) for each of the backlog's
-- endpoints that is on, with the idea (its keys and member, or nil) as the
-- change left it; one endpoint's events about one idea go in order. It
-- reads nothing more when no endpoint listens.
local function announce(e, facts, idea, sup, member, now)
	if redis.call("HLEN", KEYS[e]) == 0 then return 0 end
	if idea then facts.snap = snapshot(e, idea, sup, member) end
	local eps, n = redis.call("HGETALL", KEYS[e]), 0
	for i = 1, #eps, 2 do
		local ep = cjson.decode(eps[i + 1])
		if (ep.off or "") == "" then
			facts.kind, facts.hook, facts.url = "webhook", eps[i], ep.url
			enqueue(e + 5, "hook:" .. eps[i] .. ":" .. (facts.idea or 0), facts, now)
			n = n + 1
		end
	end
	return n
end
`

package store

import "github.com/redis/go-redis/v9"

// createIdea stores a new idea and queues it for scoring, refusing to
// overwrite an existing idea with the same number.
//
// KEYS[1] -> priobot:{T:C}:idea:<n>   (HASH)
// KEYS[2] -> priobot:{T:C}:awaiting   (ZSET)
// ARGV[1] -> the idea's number
// ARGV[2..] -> field, value pairs for the hash
// Output: the idea's 1-based place in the queue awaiting scoring, or 0
// when the number was taken.
var createIdea = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 1 then
	return 0
end
redis.call("HSET", KEYS[1], unpack(ARGV, 2))
redis.call("ZADD", KEYS[2], ARGV[1], ARGV[1])
return redis.call("ZRANK", KEYS[2], ARGV[1]) + 1
`)

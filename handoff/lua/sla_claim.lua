-- Claim one SLA breach: raise its level and re-arm (or drop) the timer, so several processes
-- never escalate the same breach twice. One slot: {handoff}.
-- KEYS[1] due set, KEYS[2] the conversation's SLA info hash; ARGV: conversation id, now
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return 0 end
local level = redis.call('HINCRBY', KEYS[2], 'level', 1)
local target = tonumber(redis.call('HGET', KEYS[2], 'target') or '60')
if level >= 2 then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], tonumber(due) + target, ARGV[1])
end
return level

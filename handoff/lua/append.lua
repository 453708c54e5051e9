-- Append one event to a conversation. One slot: {conv:<id>}.
-- KEYS[1] state hash, KEYS[2] events stream
-- ARGV: type, data-json, ts, maxlen, then field/value pairs to HSET on the state
-- → {seq, outbox channel of the conversation ('' none)}
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if redis.call('HEXISTS', KEYS[1], 'owner') == 0 then
  redis.call('HSET', KEYS[1], 'owner', 'bot')
end
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0',
           'type', ARGV[1], 'data', ARGV[2], 'ts', ARGV[3])
return {seq, redis.call('HGET', KEYS[1], 'outbox') or ''}

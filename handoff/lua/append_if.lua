-- Append only while the owner/agent are as expected. One slot: {conv:<id>}.
-- KEYS[1] state hash, KEYS[2] events stream, KEYS[3] dedupe key (used when ARGV[7] == '1')
-- ARGV: type, data-json, ts, maxlen, owner wanted ('' any), agent wanted ('' any),
--       use dedupe ('1'/'0'), dedupe ttl seconds, first response ('1' records first_response_at),
--       then field/value pairs to HSET on the state
-- → {seq, owner, agent, outbox channel ('' none)}; {0, owner, agent} refused;
--   {-1, owner, agent, first seq} a retry
local st = redis.call('HMGET', KEYS[1], 'owner', 'agent')
local owner = st[1] or 'bot'
local agent = st[2] or ''
if (ARGV[5] ~= '' and ARGV[5] ~= owner) or (ARGV[6] ~= '' and ARGV[6] ~= agent) then
  return {0, owner, agent}
end
if ARGV[7] == '1' then
  local prior = redis.call('GET', KEYS[3])
  if prior then return {-1, owner, agent, prior} end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if st[1] == false then redis.call('HSET', KEYS[1], 'owner', 'bot') end
for i = 10, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0',
           'type', ARGV[1], 'data', ARGV[2], 'ts', ARGV[3])
if ARGV[7] == '1' then redis.call('SET', KEYS[3], seq, 'EX', tonumber(ARGV[8])) end
if ARGV[9] == '1' and redis.call('HEXISTS', KEYS[1], 'first_response_at') == 0 then
  redis.call('HSET', KEYS[1], 'first_response_at', ARGV[3])
end
return {seq, owner, agent, redis.call('HGET', KEYS[1], 'outbox') or ''}

-- A participant (强插: a team lead or supervisor in an agent's live chat) joins, posts or
-- leaves. The owner never changes: ownership stays with the agent, no capacity is used.
-- One slot: {conv:<id>}.
-- KEYS[1] state hash, KEYS[2] events stream, KEYS[3] dedupe key (posts with a client id)
-- ARGV: action ('join' | 'post' | 'leave'), username, event type, data-json, ts, maxlen,
--       use dedupe ('1'/'0'), dedupe ttl seconds
-- → {seq, owner, agent, outbox}; {0, owner, agent, reason} refused;
--   {-1, owner, agent, reason or first seq} nothing to do (already joined, not joined, a retry)
local st = redis.call('HMGET', KEYS[1], 'owner', 'agent')
local owner = st[1] or 'bot'
local agent = st[2] or ''
local action, who = ARGV[1], ARGV[2]
local field = 'participant:' .. who
if owner ~= 'agent' then return {0, owner, agent, 'not_with_an_agent'} end
if agent == who then return {0, owner, agent, 'owner'} end
local present = redis.call('HEXISTS', KEYS[1], field) == 1
if action == 'join' and present then return {-1, owner, agent, 'already'} end
if action ~= 'join' and not present then return {0, owner, agent, 'not_joined'} end
if action == 'post' and ARGV[7] == '1' then
  local prior = redis.call('GET', KEYS[3])
  if prior then return {-1, owner, agent, prior} end
end
if action == 'join' then
  redis.call('HSET', KEYS[1], field, ARGV[5])
elseif action == 'leave' then
  redis.call('HDEL', KEYS[1], field)
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'updated_at', ARGV[5])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], seq .. '-0',
           'type', ARGV[3], 'data', ARGV[4], 'ts', ARGV[5])
if action == 'post' and ARGV[7] == '1' then
  redis.call('SET', KEYS[3], seq, 'EX', tonumber(ARGV[8]))
end
return {seq, owner, agent, redis.call('HGET', KEYS[1], 'outbox') or ''}

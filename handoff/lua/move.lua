-- The ownership move: the only writer of owner/agent/group. One slot: {conv:<id>}.
-- KEYS[1] state hash, KEYS[2] events stream
-- ARGV: allowed owners (comma list), new owner, new agent, expected agent ('' any),
--       expected group ('' any), event type, data-json, ts, maxlen, new group ('-' keep),
--       queue position, ETA seconds (both stored while queued)
-- → {seq, previous owner, previous agent, 'ok', group, outbox channel ('' none)};
--   {0, owner, agent, 'refused', group, current seq}
local st = redis.call('HMGET', KEYS[1], 'owner', 'agent', 'group')
local cur = st[1] or 'bot'
local cur_agent = st[2] or ''
local cur_group = st[3] or ''
local ok = false
for s in string.gmatch(ARGV[1], '[^,]+') do if s == cur then ok = true end end
if (not ok) or (ARGV[4] ~= '' and ARGV[4] ~= cur_agent)
   or (ARGV[5] ~= '' and ARGV[5] ~= cur_group) then
  return {0, cur, cur_agent, 'refused', cur_group, redis.call('HGET', KEYS[1], 'seq') or '0'}
end
local to = ARGV[2]
local group = cur_group
-- every move ends every participation (handoff/lua/participate.lua): a lead who joined an
-- agent's chat is not carried into the next owner's
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, 12) == 'participant:' then redis.call('HDEL', KEYS[1], f) end
end
if ARGV[10] ~= '-' then group = ARGV[10] end
redis.call('HSET', KEYS[1], 'owner', to, 'agent', ARGV[3], 'group', group, 'updated_at', ARGV[8])
if to == 'agent' then
  redis.call('HSET', KEYS[1], 'assigned_at', ARGV[8])
elseif to == 'queued' then
  redis.call('HSET', KEYS[1], 'queued_at', ARGV[8], 'q_pos', ARGV[11], 'q_eta', ARGV[12])
end
if cur == 'closed' and to ~= 'closed' then
  -- back to life: an archived conversation's keys no longer expire (handoff.archive)
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
  redis.call('HDEL', KEYS[1], 'ask_solved')
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[9], seq .. '-0',
           'type', ARGV[6], 'data', ARGV[7], 'ts', ARGV[8])
return {seq, cur, cur_agent, 'ok', group, redis.call('HGET', KEYS[1], 'outbox') or ''}

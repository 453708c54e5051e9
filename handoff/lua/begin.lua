-- Routing, step 1 of a move: record the step and reserve where the conversation goes (an
-- agent's slot, checked against capacity, or a place in a queue). One slot: {handoff}.
-- KEYS[1] pending, KEYS[2] chats, KEYS[3] reserved, KEYS[4] agent profiles, KEYS[5] agent
--   status, KEYS[6] the new group's queue (any {handoff} key when not queueing)
-- ARGV: member (conv|token|agent|group|score), conv, ts, new owner, new agent,
--       check capacity ('1'/'0'), queue score
-- → {1, agent display name, queue position} or {0, 'agent_unavailable' | 'agent_full'}
local conv, to, agent = ARGV[2], ARGV[4], ARGV[5]
local name = ''
local position = 0
if to == 'agent' then
  local p = profile_of(KEYS[4], agent)
  name = p['name'] or agent
  if ARGV[6] == '1' then
    if redis.call('HGET', KEYS[5], agent) ~= 'online' then return {0, 'agent_unavailable'} end
    if load_of(KEYS[2], agent) >= (tonumber(p['capacity']) or 0) then
      return {0, 'agent_full'}
    end
  end
  reserve(KEYS[2], KEYS[3], agent, conv)
elseif to == 'queued' then
  if not redis.call('ZSCORE', KEYS[6], conv) then redis.call('ZADD', KEYS[6], ARGV[7], conv) end
  position = redis.call('ZRANK', KEYS[6], conv) + 1
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return {1, name, position}

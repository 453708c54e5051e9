-- Routing, step 1 of auto-assignment: the head of a group's queue and the least-loaded online
-- agent of the group with room; reserves the agent's slot and takes the head off the queue
-- (routing's `queued` record stays until the reconcile). One slot: {handoff}.
-- KEYS[1] pending, KEYS[2] chats, KEYS[3] reserved, KEYS[4] agent profiles, KEYS[5] agent
--   status, KEYS[6] the group's queue, KEYS[7] the group's online agents
-- ARGV: group, token, ts
-- → {} nothing to do, else {conversation, agent, agent display name, member, score}
local best, best_ratio, best_name = nil, nil, nil
for _, agent in ipairs(redis.call('SMEMBERS', KEYS[7])) do
  if redis.call('HGET', KEYS[5], agent) == 'online' then
    local p = profile_of(KEYS[4], agent)
    local cap = tonumber(p['capacity']) or 0
    local load = load_of(KEYS[2], agent)
    if cap > 0 and load < cap then
      local ratio = load / cap
      if best == nil or ratio < best_ratio or (ratio == best_ratio and agent < best) then
        best, best_ratio, best_name = agent, ratio, (p['name'] or agent)
      end
    end
  end
end
if best == nil then return {} end
local head = redis.call('ZRANGE', KEYS[6], 0, 0, 'WITHSCORES')
if #head == 0 then return {} end
local conv, score = head[1], head[2]
redis.call('ZREM', KEYS[6], conv)
reserve(KEYS[2], KEYS[3], best, conv)
local member = conv .. '|' .. ARGV[2] .. '|' .. best .. '|' .. ARGV[1] .. '|' .. score
redis.call('ZADD', KEYS[1], ARGV[3], member)
return {conv, best, best_name, member, score}

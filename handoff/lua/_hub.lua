-- Shared by the routing scripts (prepended by handoff.lua.load). All their keys are {handoff}.
local function load_of(chats, agent)
  return redis.call('ZLEXCOUNT', chats, '[' .. agent .. '|', '[' .. agent .. '|\255')
end

local function profile_of(profiles, agent)
  local raw = redis.call('HGET', profiles, agent)
  if not raw then return {capacity = 0, name = agent, groups = {}} end
  return cjson.decode(raw)
end

-- One more routing step holds <agent>|<conversation> in the chats set.
local function reserve(chats, reserved, agent, conv)
  local k = agent .. '|' .. conv
  redis.call('HINCRBY', reserved, k, 1)
  redis.call('ZADD', chats, 0, k)
end

-- An agent's status and profile, and their place in the online set of each group.
-- One slot: {handoff}.
-- KEYS[1] agent profiles, KEYS[2] agent status, KEYS[3] chats, KEYS[4..] online sets
-- ARGV: agent, status, profile JSON ('' keep), profile JSON as read by the caller,
--       then one flag per online set: '1' member, '0' not
-- → the agent's load, or -1 when the profile changed since the caller read it
local agent = ARGV[1]
if (redis.call('HGET', KEYS[1], agent) or '') ~= ARGV[4] then return -1 end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], agent, ARGV[3]) end
redis.call('HSET', KEYS[2], agent, ARGV[2])
for i = 4, #KEYS do
  if ARGV[i + 1] == '1' then
    redis.call('SADD', KEYS[i], agent)
  else
    redis.call('SREM', KEYS[i], agent)
  end
end
return load_of(KEYS[3], agent)

-- Routing, step 3 of a move (and the crash recovery): make the routing tables agree with the
-- conversation's owner as of event `seq`, then end the routing step `member`. Idempotent: an
-- older seq than one already applied changes nothing but the step's own reservation.
-- One slot: {handoff}.
-- KEYS[1] pending, KEYS[2] chats, KEYS[3] reserved, KEYS[4] holder, KEYS[5] queued,
--   KEYS[6] applied, KEYS[7] archive pending, KEYS[8] sla due,
--   KEYS[9] queue of the group routing has on record for the conversation (as read by the
--   caller), KEYS[10] queue of the state's group, KEYS[11] queue of the step's group
--   (any {handoff} key where there is none)
-- ARGV: conv, member ('' none), seq, owner, agent, group, group on record as read,
--       step's agent ('' none), step's group ('' none), step's queue score
-- → 'ok', or 'retry' when the group on record changed since the caller read it
local conv = ARGV[1]
local on_record = redis.call('HGET', KEYS[5], conv) or ''
if on_record ~= ARGV[7] then return 'retry' end
local owner, agent, group = ARGV[4], ARGV[5], ARGV[6]

local function drop_slot(a)
  local k = a .. '|' .. conv
  if tonumber(redis.call('HGET', KEYS[3], k) or '0') <= 0 then redis.call('ZREM', KEYS[2], k) end
end

local seq = tonumber(ARGV[3])
if seq > tonumber(redis.call('HGET', KEYS[6], conv) or '0') then
  redis.call('HSET', KEYS[6], conv, seq)
  local h = redis.call('HGET', KEYS[4], conv) or ''
  if owner == 'agent' then
    if h ~= agent then
      if h ~= '' then drop_slot(h) end
      redis.call('ZADD', KEYS[2], 0, agent .. '|' .. conv)
      redis.call('HSET', KEYS[4], conv, agent)
    end
  elseif h ~= '' then
    drop_slot(h)
    redis.call('HDEL', KEYS[4], conv)
  end
  if owner == 'queued' then
    if on_record ~= group then
      if on_record ~= '' then redis.call('ZREM', KEYS[9], conv) end
      redis.call('HSET', KEYS[5], conv, group)
    end
    if not redis.call('ZSCORE', KEYS[10], conv) then
      local score = ARGV[10]
      if ARGV[9] ~= group or score == '' then score = redis.call('TIME')[1] end
      redis.call('ZADD', KEYS[10], score, conv)
    end
  elseif on_record ~= '' then
    redis.call('ZREM', KEYS[9], conv)
    redis.call('HDEL', KEYS[5], conv)
  end
  if owner == 'bot' or owner == 'closed' then redis.call('ZREM', KEYS[8], conv) end
  if owner == 'closed' then redis.call('SADD', KEYS[7], conv) end
end
-- End the step: release its reservation; its queue entry goes or stays as routing's record says.
if ARGV[8] ~= '' then
  local k = ARGV[8] .. '|' .. conv
  if redis.call('HINCRBY', KEYS[3], k, -1) <= 0 then redis.call('HDEL', KEYS[3], k) end
  if (redis.call('HGET', KEYS[4], conv) or '') ~= ARGV[8] then drop_slot(ARGV[8]) end
end
if ARGV[9] ~= '' then
  if (redis.call('HGET', KEYS[5], conv) or '') ~= ARGV[9] then
    redis.call('ZREM', KEYS[11], conv)
  elseif not redis.call('ZSCORE', KEYS[11], conv) then
    redis.call('ZADD', KEYS[11], ARGV[10], conv)  -- an assignment took it off; it stays queued
  end
end
if ARGV[2] ~= '' then redis.call('ZREM', KEYS[1], ARGV[2]) end
return 'ok'

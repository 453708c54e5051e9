-- The lock_store patch (rasa_addons/lock_store.py): Rasa's LockStore.cleanup in one round
-- trip — the ticket and the expired ones removed, the lock deleted when nobody else waits.
-- KEYS[1] the conversation's lock; ARGV: ticket number, now (seconds)
-- → the number of tickets left
local raw = redis.call('GET', KEYS[1])
if not raw then
  return 0
end
local now = tonumber(ARGV[2])
local number = tonumber(ARGV[1])
local lock = cjson.decode(raw)
local kept = {}
for _, text in ipairs(lock.tickets or {}) do
  local ticket = cjson.decode(text)
  if not (now > ticket.expires) and ticket.number ~= number then
    table.insert(kept, cjson.encode(text))
  end
end
if #kept == 0 then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('SET', KEYS[1], '{"conversation_id": ' .. cjson.encode(lock.conversation_id) ..
                           ', "tickets": [' .. table.concat(kept, ', ') .. ']}')
return #kept

-- The lock_store patch (rasa_addons/lock_store.py): Rasa's TicketLock issue_ticket in one
-- round trip. KEYS[1] the conversation's lock
-- ARGV: conversation id, now (seconds, the client's clock as Rasa uses it), lifetime (seconds)
-- → {ticket number, number now serving, the lock's JSON as stored}
local now = tonumber(ARGV[2])
local kept = {}
local last = -1  -- Rasa's NO_TICKET_ISSUED
local serving = nil
local raw = redis.call('GET', KEYS[1])
if raw then
  local lock = cjson.decode(raw)
  for _, text in ipairs(lock.tickets or {}) do
    local ticket = cjson.decode(text)
    if not (now > ticket.expires) then  -- Ticket.has_expired
      table.insert(kept, cjson.encode(text))
      last = ticket.number
      if serving == nil then serving = ticket.number end
    end
  end
end
local number = last + 1
if serving == nil then serving = number end
table.insert(kept, cjson.encode(string.format('{"number": %d, "expires": %.6f}', number,
                                              now + tonumber(ARGV[3]))))
local stored = '{"conversation_id": ' .. cjson.encode(ARGV[1]) .. ', "tickets": [' ..
               table.concat(kept, ', ') .. ']}'
redis.call('SET', KEYS[1], stored)
return {number, serving, stored}

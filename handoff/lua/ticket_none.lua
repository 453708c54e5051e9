-- Remember "no open ticket" for a conversation, only if no ticket was linked since the caller
-- read the generation (handoff.ticket_marks). KEYS[1] the conversation's ticket mark (hash)
-- ARGV: the generation read before the SQL look-up ('-' when there was none), ttl seconds
-- → 1 remembered, 0 a ticket was linked meanwhile (nothing remembered)
if (redis.call('HGET', KEYS[1], 'gen') or '-') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'none', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1

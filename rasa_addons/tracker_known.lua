-- The tracker_known patch's write (rasa_addons/tracker_known.py): set the conversation's
-- tracker only if the stored one is still the one this turn read.
-- KEYS[1] the tracker's key
-- ARGV: SHA-1 of the stored text this turn read ('' when there was none), the new text,
--       expiry in seconds ('' none)
-- → 1 written, 0 someone else wrote it meanwhile (nothing written)
local stored = redis.call('GET', KEYS[1])
local digest = ''
if stored then digest = redis.sha1hex(stored) end
if digest ~= ARGV[1] then return 0 end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
else
  redis.call('SET', KEYS[1], ARGV[2])
end
return 1

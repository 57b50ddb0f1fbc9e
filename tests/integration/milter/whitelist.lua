-- SPDX-License-Identifier: GPL-2.0-or-later
-- whitelist.lua - a whitelisted sender passes at any rate, even to a
-- honeytoken (a list server legitimately writes to the salted address)
dofile(dir .. "/lib.lua")

local c = open("192.0.2.14")
mailfrom(c, "<list@example.org>")
for i = 1, 30 do
	rcpt(c, "<member" .. i .. "@example.net>", SMFIR_CONTINUE)
end
rcpt(c, "<trap-aa11@lists.example.org>", SMFIR_CONTINUE)
eom(c)
check(not quarantined(c), "a whitelisted sender was quarantined")
mt.disconnect(c)

-- SPDX-License-Identifier: GPL-2.0-or-later
-- quarantine.lua - a sender whose queue passes the high watermark is
-- locked out: its recipients are accepted and the message quarantined
dofile(dir .. "/lib.lua")

local c = open("192.0.2.13")
mailfrom(c, "<frank@example.org>")
rcpt(c, "<q1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<q2@example.net>", SMFIR_CONTINUE)
-- each further one waits max_delay and stays queued (release 1 h)
local n, r = 2, SMFIR_REPLYCODE
while r == SMFIR_REPLYCODE and n < 12 do
	n = n + 1
	check(mt.rcptto(c, "<q" .. n .. "@example.net>") == nil, "mt.rcptto")
	r = mt.getreply(c)
end
check(r == SMFIR_CONTINUE, "lockout: got " .. rname(r) .. " at rcpt " .. n)
check(n >= 6 and n <= 8, "lockout came at recipient " .. n ..
      ", want the one past high_watermark 4 (7)")
rcpt(c, "<after-lockout@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c), "the locked-out sender's message was not quarantined")
check(quarantined(c, "sluice: sender throttled " ..
      "(sender:frank@example.org)"), "quarantine reason")
-- the next message of a locked-out sender is held too
mailfrom(c, "<frank@example.org>")
rcpt(c, "<q1@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c), "the next message was not quarantined")
mt.disconnect(c)

-- SPDX-License-Identifier: GPL-2.0-or-later
-- midwait.lua - a client that gives up while its recipient waits for a
-- release (the filter's session thread is asleep) and goes away; the
-- filter keeps serving others meanwhile
dofile(dir .. "/lib.lua")

local c = open("192.0.2.60")
mailfrom(c, "<impatient@example.org>")
rcpt(c, "<w1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<w2@example.net>", SMFIR_CONTINUE)
mt.set_timeout(1)
-- this one waits up to max_delay (3 s): miltertest's read times out first
check(mt.rcptto(c, "<w3@example.net>") ~= nil or
      mt.getreply(c) ~= SMFIR_CONTINUE, "the third recipient did not wait")
mt.disconnect(c, false)
mt.set_timeout(10)

-- another client is served at once, while that thread still sleeps
local d = open("192.0.2.61")
mailfrom(d, "<patient@example.org>")
rcpt(d, "<p1@example.net>", SMFIR_CONTINUE)
eom(d)
mt.disconnect(d)

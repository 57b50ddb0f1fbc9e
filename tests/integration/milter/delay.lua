-- SPDX-License-Identifier: GPL-2.0-or-later
-- delay.lua - a new recipient over the working set waits for its
-- release slot, then passes (the .t file measures the wait)
dofile(dir .. "/lib.lua")

local c = open("192.0.2.11")
mailfrom(c, "<dave@example.org>")
-- wset_size 2: two fit, the next ones wait one release interval each
rcpt(c, "<r1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<r2@example.net>", SMFIR_CONTINUE)
rcpt(c, "<r3@example.net>", SMFIR_CONTINUE)
rcpt(c, "<r4@example.net>", SMFIR_CONTINUE)
rcpt(c, "<r5@example.net>", SMFIR_CONTINUE)
eom(c)
check(not quarantined(c), "a delayed message was quarantined")
mt.disconnect(c)

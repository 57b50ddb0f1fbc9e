-- SPDX-License-Identifier: GPL-2.0-or-later
-- tempfail.lua - a wait longer than max_delay ends in 451 4.7.1 with
-- a custom text (SMFIR_REPLYCODE: libmilter sends the text only when
-- its first digit matches the tempfail)
dofile(dir .. "/lib.lua")

local c = open("192.0.2.12")
mailfrom(c, "<erin@example.org>")
rcpt(c, "<t1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<t2@example.net>", SMFIR_CONTINUE)
rcpt(c, "<t3@example.net>", SMFIR_REPLYCODE)
eom(c)
check(not quarantined(c), "a deferred recipient quarantined the message")
mt.disconnect(c)

-- SPDX-License-Identifier: GPL-2.0-or-later
-- honeytoken.lua - a message to a honeytoken is quarantined at once,
-- and so is the sender's next message
dofile(dir .. "/lib.lua")

local c = open("192.0.2.66")
mailfrom(c, "<mallory@example.org>")
rcpt(c, "<trap-x7f3@lists.example.org>", SMFIR_CONTINUE)
eom(c, { { "Subject", "invoice" }, { "From", "mallory@example.org" },
	 body = "worm payload 8f1c\r\n" })
check(quarantined(c, "sluice: honeytoken recipient " ..
      "(sender:mallory@example.org)"), "honeytoken message not quarantined")
mailfrom(c, "<mallory@example.org>")
rcpt(c, "<innocent@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c), "the honeytoken sender's next message was not held")
mt.disconnect(c)

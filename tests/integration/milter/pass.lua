-- SPDX-License-Identifier: GPL-2.0-or-later
-- pass.lua - a person's message passes untouched
dofile(dir .. "/lib.lua")

local c = open("192.0.2.10")
mailfrom(c, "<alice@example.org>")
rcpt(c, "<bob@example.net>", SMFIR_CONTINUE)
rcpt(c, "<carol@example.net>", SMFIR_CONTINUE)
eom(c, { { "Subject", "lunch" }, body = "see you at noon\r\n" })
check(not quarantined(c), "a normal message was quarantined")
-- the same recipients again: in the working set, no wait
mailfrom(c, "<alice@example.org>")
rcpt(c, "<bob@example.net>", SMFIR_CONTINUE)
rcpt(c, "<carol@EXAMPLE.NET>", SMFIR_CONTINUE)
eom(c)
check(not quarantined(c), "a repeat message was quarantined")
mt.disconnect(c)

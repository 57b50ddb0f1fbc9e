-- SPDX-License-Identifier: GPL-2.0-or-later
-- reload.lua - after SIGHUP with a new honeytoken in the file, a message
-- to it is quarantined (the state and the socket stayed)
dofile(dir .. "/lib.lua")

local c = open("192.0.2.40")
mailfrom(c, "<eve@example.org>")
rcpt(c, "<late-trap@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c, "sluice: honeytoken recipient (sender:eve@example.org)"),
      "the honeytoken added by the reload did not quarantine")
mt.disconnect(c)

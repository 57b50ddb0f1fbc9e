-- SPDX-License-Identifier: GPL-2.0-or-later
-- released.lua - after "sluicectl release" the sender is no longer
-- locked out: its message passes without quarantine
dofile(dir .. "/lib.lua")

local c = open("192.0.2.13")
mailfrom(c, "<frank@example.org>")
rcpt(c, "<q1@example.net>", SMFIR_CONTINUE)
eom(c)
check(not quarantined(c), "the released sender is still held")
mt.disconnect(c)

-- SPDX-License-Identifier: GPL-2.0-or-later
-- restart.lua - after a restart a sender locked out before it (by its
-- queue, or by a honeytoken) is still locked out: its message is
-- quarantined. Globals: ip (the client), sender.
dofile(dir .. "/lib.lua")

local c = open(ip)
mailfrom(c, "<" .. sender .. ">")
rcpt(c, "<after-restart@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c), "the locked-out sender " .. sender ..
      " was let go by the restart")
mt.disconnect(c)

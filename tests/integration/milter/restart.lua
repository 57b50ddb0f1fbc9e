-- restart.lua - after a restart the sender locked out before it is
-- still locked out: its message is quarantined
dofile(dir .. "/lib.lua")

local c = open("192.0.2.13")
mailfrom(c, "<frank@example.org>")
rcpt(c, "<after-restart@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c), "the locked-out sender was let go by the restart")
mt.disconnect(c)

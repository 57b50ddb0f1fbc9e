-- honeyrestart.lua - after a restart the honeytoken sender's next
-- message is still quarantined (the lockout was lost on every restart
-- before the state kept lockout times)
dofile(dir .. "/lib.lua")

local c = open("192.0.2.66")
mailfrom(c, "<mallory@example.org>")
rcpt(c, "<after-restart@example.net>", SMFIR_CONTINUE)
eom(c)
check(quarantined(c), "the honeytoken sender was let go by the restart")
mt.disconnect(c)

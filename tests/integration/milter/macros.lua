-- SPDX-License-Identifier: GPL-2.0-or-later
-- macros.lua - identity from {auth_authen}, sender, or client address
-- ({client_addr} when the connect address is unknown); missing and
-- malformed macros and paths never stop mail
dofile(dir .. "/lib.lua")

-- SASL user wins over the sender
local c = open("192.0.2.20")
mailfrom(c, "<shared@example.org>", { "{auth_authen}", "alice" })
rcpt(c, "<m1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<m2@example.net>", SMFIR_CONTINUE)
rcpt(c, "<m3@example.net>", SMFIR_CONTINUE)	-- waits: event sasl:alice
eom(c)
mt.disconnect(c)

-- unknown connect address: {client_addr} names the client
c = open("unspec", { "{client_addr}", "192.0.2.77" })
mailfrom(c, "<>")
rcpt(c, "<n1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<n2@example.net>", SMFIR_CONTINUE)
rcpt(c, "<n3@example.net>", SMFIR_CONTINUE)	-- event client:192.0.2.77
eom(c)
mt.disconnect(c)

-- an IPv6 client is counted per /64 (client_v6_prefix): its privacy
-- addresses are one identity
c = open("2001:db8::25")
mailfrom(c, "<>")
rcpt(c, "<v1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<v2@example.net>", SMFIR_CONTINUE)
eom(c)
mt.disconnect(c)
c = open("2001:db8::9:abcd")
mailfrom(c, "<>")
rcpt(c, "<v3@example.net>", SMFIR_CONTINUE)	-- event client:2001:db8::/64
eom(c)
mt.disconnect(c)

-- nothing to tell the sender by: passes at once
c = open("unspec")
mailfrom(c, "<>")
for i = 1, 8 do
	rcpt(c, "<anon" .. i .. "@example.net>", SMFIR_CONTINUE)
end
eom(c)
mt.disconnect(c)

-- malformed: control characters in {auth_authen} are ignored, a broken
-- sender path falls through to the client, broken recipients pass
c = open("192.0.2.21")
mailfrom(c, "<unterminated@example.org", { "{auth_authen}", "bad\1user" })
rcpt(c, "<no-at-sign>", SMFIR_CONTINUE)
rcpt(c, "<" .. string.rep("x", 400) .. "@example.net>", SMFIR_CONTINUE)
rcpt(c, "<>", SMFIR_CONTINUE)
rcpt(c, "<o1@example.net>", SMFIR_CONTINUE)
rcpt(c, "<o2@example.net>", SMFIR_CONTINUE)
rcpt(c, "<o3@example.net>", SMFIR_CONTINUE)	-- event client:192.0.2.21
eom(c)
mt.disconnect(c)

-- SPDX-License-Identifier: GPL-2.0-or-later
-- disconnect.lua - clients that vanish mid-transaction, and aborted
-- messages, leave the filter serving everybody else
dofile(dir .. "/lib.lua")

local c = open("192.0.2.30")
mailfrom(c, "<gone@example.org>")
rcpt(c, "<d1@example.net>", SMFIR_CONTINUE)
mt.disconnect(c, false)			-- abrupt: no quit, no close

c = open("192.0.2.30")
mailfrom(c, "<gone@example.org>")
rcpt(c, "<d2@example.net>", SMFIR_CONTINUE)
check(mt.abort(c) == nil, "mt.abort")
mailfrom(c, "<gone@example.org>")
rcpt(c, "<d1@example.net>", SMFIR_CONTINUE)
eom(c)
check(not quarantined(c), "message after an abort was quarantined")
mt.disconnect(c)

for i = 1, 20 do
	c = open("192.0.2.31")
	mailfrom(c, "<flaky@example.org>")
	mt.disconnect(c, false)
end

c = open("192.0.2.32")
mailfrom(c, "<still@example.org>")
rcpt(c, "<fine@example.net>", SMFIR_CONTINUE)
eom(c)
mt.disconnect(c)

-- SPDX-License-Identifier: GPL-2.0-or-later
-- lib.lua - helpers shared by sluice-milter's miltertest scripts.
--
-- Scripts are run as: miltertest -D sock=inet:PORT@127.0.0.1 -D dir=DIR
-- -s SCRIPT; any failed check raises an error, so miltertest exits
-- non-zero with the message, which the .t wrapper reports.

local names = {
	[SMFIR_CONTINUE] = "continue", [SMFIR_TEMPFAIL] = "tempfail",
	[SMFIR_REJECT] = "reject", [SMFIR_ACCEPT] = "accept",
	[SMFIR_REPLYCODE] = "replycode", [SMFIR_DISCARD] = "discard",
}

-- rname - a reply code as a word
function rname(r)
	return names[r] or tostring(r)
end

-- check - raise msg when cond is false
function check(cond, msg)
	if not cond then
		mt.echo("check failed: " .. msg)	-- miltertest prints no error
		error(msg, 2)
	end
end

-- expect - the last reply on conn must be want
function expect(conn, want, what)
	local got = mt.getreply(conn)
	check(got == want, what .. ": got " .. rname(got) .. ", want " ..
	      rname(want))
end

-- the client each connection announced, sent as {client_addr} at MAIL
-- when the filter negotiated connect away (as it does with any MTA
-- that offers it: Postfix, sendmail 8.14+, miltertest)
local clients = {}

-- open - connect to the filter and announce a client at ip (or the
-- connect macros given, e.g. { "{client_addr}", ADDR })
function open(ip, macros)
	local conn = mt.connect(sock, 40, 0.05)
	check(conn ~= nil, "mt.connect(" .. sock .. ") failed")
	check(mt.negotiate(conn, nil, nil, nil) == nil, "mt.negotiate")
	if mt.test_option(conn, SMFIP_NOCONNECT) then
		-- miltertest stops at conninfo when connect is negotiated away
		clients[conn] = macros and macros[2] or
		    (ip ~= "unspec" and ip or nil)
		return conn
	end
	if macros then
		mt.macro(conn, SMFIC_CONNECT, table.unpack(macros))
	end
	check(mt.conninfo(conn, "client.example", ip) == nil, "mt.conninfo")
	expect(conn, SMFIR_CONTINUE, "connect")
	-- say HELO now: miltertest's implicit one would come after, and
	-- drop, the MAIL macros a script sends
	check(mt.helo(conn, "client.example") == nil, "mt.helo")
	expect(conn, SMFIR_CONTINUE, "helo")
	return conn
end

-- mailfrom - a new message from sender, with MAIL macros if given
function mailfrom(conn, sender, macros)
	local m = {}
	if clients[conn] then
		m = { "{client_addr}", clients[conn] }
	end
	for _, v in ipairs(macros or {}) do
		table.insert(m, v)
	end
	if #m > 0 then
		mt.macro(conn, SMFIC_MAIL, table.unpack(m))
	end
	check(mt.mailfrom(conn, sender) == nil, "mt.mailfrom " .. sender)
	expect(conn, SMFIR_CONTINUE, "mail from " .. sender)
end

-- rcpt - one recipient and the reply the filter must give
function rcpt(conn, r, want)
	check(mt.rcptto(conn, r) == nil, "mt.rcptto " .. r)
	expect(conn, want, "rcpt to " .. r)
end

-- eom - DATA, then end the message (headers and body first when given
-- and the filter asked for them); the filter accepts at DATA a message
-- it has nothing to do with at its end, and continues at eom
function eom(conn, headers)
	check(mt.data(conn) == nil, "mt.data")
	if mt.getreply(conn) == SMFIR_ACCEPT then
		return
	end
	if headers and not mt.test_option(conn, SMFIP_NOHDRS) then
		for _, h in ipairs(headers) do
			check(mt.header(conn, h[1], h[2]) == nil, "mt.header")
		end
		check(mt.eoh(conn) == nil, "mt.eoh")
		check(mt.bodystring(conn, headers.body or "\r\n") == nil,
		      "mt.bodystring")
	end
	check(mt.eom(conn) == nil, "mt.eom")
	expect(conn, SMFIR_CONTINUE, "end of message")
end

-- quarantined - the message was quarantined (with reason, if given)
function quarantined(conn, reason)
	if reason then
		return mt.eom_check(conn, MT_QUARANTINE, reason)
	end
	return mt.eom_check(conn, MT_QUARANTINE)
end

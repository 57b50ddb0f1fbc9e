-- SPDX-License-Identifier: GPL-2.0-or-later
-- rcpt.lua - one message from the client ip with the recipients given
-- (globals: ip, from, rcpts "a@x,b@y"); prints "REPLY word" for each
dofile(dir .. "/lib.lua")

local c = open(ip)
mailfrom(c, "<" .. from .. ">")
for r in string.gmatch(rcpts, "[^,]+") do
	check(mt.rcptto(c, "<" .. r .. ">") == nil, "mt.rcptto " .. r)
	mt.echo("REPLY " .. rname(mt.getreply(c)))
end
mt.disconnect(c)

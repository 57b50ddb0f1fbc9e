-- SPDX-License-Identifier: GPL-2.0-or-later
-- negotiate.lua - the filter asks for what it uses and nothing more:
-- quarantine, no headers or body unless samples are kept (samples=1),
-- no connect or HELO
dofile(dir .. "/lib.lua")

local c = open("192.0.2.50")
check(mt.test_action(c, SMFIF_QUARANTINE), "quarantine action not requested")
check(not mt.test_action(c, SMFIF_CHGBODY), "body change requested")
check(not mt.test_action(c, SMFIF_ADDHDRS), "header additions requested")
check(mt.test_option(c, SMFIP_NOUNKNOWN), "unknown commands not refused")
if samples == "1" then
	check(not mt.test_option(c, SMFIP_NOHDRS), "samples need the headers")
	check(not mt.test_option(c, SMFIP_NOBODY), "samples need the body")
else
	check(mt.test_option(c, SMFIP_NOHDRS), "headers asked for without samples")
	check(mt.test_option(c, SMFIP_NOBODY), "body asked for without samples")
	check(mt.test_option(c, SMFIP_NOEOH), "end of headers asked for")
end
-- the MTA offers to leave out connect and HELO: the filter takes the
-- envelope only (client from MAIL's {client_addr}), MAIL needs no reply
check(mt.test_option(c, SMFIP_NOCONNECT), "connect not refused")
check(mt.test_option(c, SMFIP_NOHELO), "HELO not refused")
check(mt.test_option(c, SMFIP_NR_MAIL), "a reply asked for at MAIL")
check(not mt.test_option(c, SMFIP_NR_RCPT), "no reply asked for at RCPT")
check(not mt.test_option(c, SMFIP_NODATA), "DATA refused")
mt.disconnect(c)

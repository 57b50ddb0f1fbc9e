#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	srv.pl - the lab's servers: a TCP greeting on every address, UDP echo
# SYNOPSIS
#	perl srv.pl TCPPORT UDPPORT
# DESCRIPTION
#	Listens on the wildcard address (IPv4 and IPv6) so that with local
#	routes on lo every address of the lab's target ranges answers.
#	A TCP client gets one line and the connection is closed; a UDP
#	datagram is echoed. One process, one select loop, no state kept
#	per client, so a scan cannot exhaust it.
use strict;
use warnings;
use IO::Socket::IP;
use IO::Select;
use Socket qw(SOCK_STREAM SOCK_DGRAM);

my ($tport, $uport) = @ARGV;
die "usage: srv.pl TCPPORT UDPPORT\n" unless defined $uport;

my $tcp = IO::Socket::IP->new(LocalHost => '::', LocalPort => $tport,
	Type => SOCK_STREAM, Listen => 4096, ReuseAddr => 1, V6Only => 0)
	or die "srv.pl: tcp $tport: $@\n";
my $udp = IO::Socket::IP->new(LocalHost => '::', LocalPort => $uport,
	Type => SOCK_DGRAM, ReuseAddr => 1, V6Only => 0)
	or die "srv.pl: udp $uport: $@\n";
$SIG{PIPE} = 'IGNORE';
my $sel = IO::Select->new($tcp, $udp);
while (1) {
	for my $s ($sel->can_read) {
		if ($s == $tcp) {
			my $c = $tcp->accept or next;
			syswrite($c, "sluice-lab\n");
			close($c);
		} else {
			my $peer = $udp->recv(my $buf, 2048) or next;
			$udp->send($buf, 0, $peer);
		}
	}
}

#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	browse.pl - a LAN host's usual traffic: repeated requests to a few servers
# SYNOPSIS
#	perl browse.pl [-n COUNT] [-d SECONDS] [-i INTERVAL] [-t TIMEOUT]
#		[-p PORT] [-b SOURCE] SERVER...
# DESCRIPTION
#	Connects to the servers in turn (TCP, PORT default 80), reads the
#	greeting to the end and prints one line per request:
#
#	  START_EPOCH SERVER MILLISECONDS ok|fail
#
#	The time covers connect and the reply, so a first packet held by
#	the gateway shows as added latency. Stops after COUNT requests or
#	SECONDS, whichever comes first (default 1 request); waits INTERVAL
#	seconds (default 0.1) between requests; -b binds the client to one
#	of the host's addresses. Exit status 0 when every
#	request succeeded, 1 otherwise.
use strict;
use warnings;
use Getopt::Std;
use IO::Socket::IP;
use Time::HiRes qw(time sleep);

my %o;
getopts('n:d:i:t:p:b:', \%o) && @ARGV
	or die "usage: browse.pl [-n N] [-d S] [-i S] [-t S] [-p PORT] [-b SRC] SERVER...\n";
my $count = $o{n} // ($o{d} ? 0 : 1);
my $until = $o{d} ? time + $o{d} : 0;
my $interval = $o{i} // 0.1;
my $timeout = $o{t} // 5;
my $port = $o{p} // 80;
$| = 1;

# request - one connection; returns 1 when the greeting arrived
sub request {
	my ($host) = @_;
	my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port,
		Timeout => $timeout,
		defined $o{b} ? (LocalHost => $o{b}) : ()) or return 0;
	$s->timeout($timeout);
	my $got = '';
	eval {
		local $SIG{ALRM} = sub { die "timeout\n" };
		alarm($timeout);
		while (sysread($s, my $b, 512)) { $got .= $b }
		alarm(0);
	};
	close($s);
	return $got =~ /^sluice-lab/ ? 1 : 0;
}

my ($n, $failed) = (0, 0);
while (($count == 0 || $n < $count) && (!$until || time < $until)) {
	my $host = $ARGV[$n % @ARGV];
	my $t0 = time;
	my $ok = request($host);
	printf "%.3f %s %.1f %s\n", $t0, $host, (time - $t0) * 1000,
		$ok ? 'ok' : 'fail';
	$failed++ unless $ok;
	$n++;
	sleep($interval) if $interval > 0 && ($count == 0 || $n < $count);
}
exit($failed ? 1 : 0);

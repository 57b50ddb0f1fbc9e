#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# uflood.pl SOCKET SECONDS RATE KEEP - a local user denying the policy
# service: opens RATE connections a second to the unix SOCKET for
# SECONDS (or until SIGTERM), starts a request on each and never ends
# it (a request under way is never closed to make room, only after
# request_timeout), and keeps the last KEEP open (older ones closed on
# our side). Prints how many connects succeeded.
use strict;
use warnings;
use IO::Socket::UNIX;
use Time::HiRes qw(time sleep);

my ($path, $secs, $rate, $keep) = @ARGV;
die "usage: uflood.pl SOCKET SECONDS RATE KEEP\n" unless defined $keep;
my (@open, $n);
$n = 0;
$SIG{TERM} = sub { print "$n\n"; exit 0 };
$SIG{PIPE} = 'IGNORE';
my $end = time + $secs;
my $gap = 1 / $rate;
while (time < $end) {
	my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path);
	if ($s) {
		$s->autoflush(1);
		print $s "request=smtpd_access_policy\n";
		push @open, $s;
		$n++;
		shift(@open)->close while @open > $keep;
	}
	sleep $gap;
}
print "$n\n";

#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# pclient.pl - raw policy-protocol client for the tests.
#
# pclient.pl [-w SECONDS] [-n REPLIES] inet:HOST:PORT|unix:/path < request
# Sends standard input as is, then prints what the server answers until
# it has sent REPLIES replies (each ends with an empty line), closes, or
# SECONDS pass. Prints "EOF" when the server closed the connection.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Socket::UNIX;
use IO::Select;
use Getopt::Std;

my %o = (w => 5, n => 0);
getopts('w:n:', \%o) or die "usage: $0 [-w s] [-n replies] endpoint\n";
my $ep = shift or die "endpoint?\n";
my $s;
if ($ep =~ /^inet:(.*):(\d+)$/) {
	$s = IO::Socket::INET->new(PeerAddr => $1, PeerPort => $2, Proto => 'tcp');
} elsif ($ep =~ /^unix:(.*)$/) {
	$s = IO::Socket::UNIX->new(Peer => $1, Type => SOCK_STREAM);
}
die "connect $ep: $!\n" unless $s;
binmode STDIN;
local $/;
my $data = <STDIN> // '';
$SIG{PIPE} = 'IGNORE';
my $off = 0;
while ($off < length $data) {
	my $n = syswrite($s, $data, 65536, $off);
	last unless defined $n && $n > 0;
	$off += $n;
}
my $sel = IO::Select->new($s);
my $end = time + $o{w};
my ($got, $replies) = ('', 0);
while (time < $end) {
	last unless $sel->can_read($end - time);
	my $n = sysread($s, my $buf, 65536);
	if (!$n) { $got .= "EOF\n"; last; }
	$got .= $buf;
	$replies = () = $got =~ /\n\n/g;
	last if $o{n} && $replies >= $o{n};
}
print $got;

#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# ctlsink.pl - stands in for sluiced's control socket in the tests.
#
# ctlsink.pl SOCKET LOGFILE: accepts connections on the unix SOCKET,
# appends each request line to LOGFILE, answers "OK" and closes, as
# sluiced does (ctl(3)). Runs until killed.
use strict;
use warnings;
use IO::Socket::UNIX;
use IO::Handle;

my ($path, $log) = @ARGV;
die "usage: $0 socket logfile\n" unless $path && $log;
unlink $path;
my $l = IO::Socket::UNIX->new(Local => $path, Type => SOCK_STREAM, Listen => 16)
	or die "listen $path: $!\n";
open(my $out, '>>', $log) or die "$log: $!\n";
$out->autoflush(1);
while (my $c = $l->accept) {
	my $line = <$c>;
	if (defined $line) {
		print $out $line;
		print $c "OK\n";
	}
	close $c;
}

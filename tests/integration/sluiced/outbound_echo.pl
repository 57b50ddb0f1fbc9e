#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	outbound_echo.pl - a long-lived TCP flow for sluiced_outbound.t
# SYNOPSIS
#	perl outbound_echo.pl server PORT
#	perl outbound_echo.pl probe HOST PORT [SOURCE]
#	perl outbound_echo.pl hold HOST PORT SECONDS
# DESCRIPTION
#	server: greets every client with "sluice-echo" and echoes its lines
#	(IPv4 and IPv6, one select loop). probe: connect within a second
#	(from SOURCE if given)
#	and read the greeting; exit 0 if it came. hold: one connection
#	kept SECONDS, a line sent and its echo read every 0.1 s; prints
#	"echoes N" and exits 0 if every echo came back, else prints
#	"broken after N echoes" and exits 1.
use strict;
use warnings;
use IO::Socket::IP;
use IO::Select;
use Socket qw(SOCK_STREAM);
use Time::HiRes qw(time sleep);

my $mode = shift // '';

# conn - a client socket to HOST PORT, greeting read, or undef
sub conn {
	my ($host, $port, $src) = @_;
	my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port,
		Type => SOCK_STREAM, Timeout => 1,
		defined $src ? (LocalHost => $src) : ()) or return undef;
	my $line = '';
	eval {
		local $SIG{ALRM} = sub { die "timeout\n" };
		alarm(2);
		$line = <$s> // '';
		alarm(0);
	};
	return $line =~ /^sluice-echo/ ? $s : undef;
}

if ($mode eq 'server') {
	my $l = IO::Socket::IP->new(LocalHost => '::', LocalPort => $ARGV[0],
		Type => SOCK_STREAM, Listen => 64, ReuseAddr => 1, V6Only => 0)
		or die "outbound_echo.pl: $ARGV[0]: $@\n";
	$SIG{PIPE} = 'IGNORE';
	my $sel = IO::Select->new($l);
	while (1) {
		for my $fh ($sel->can_read) {
			if ($fh == $l) {
				my $c = $l->accept or next;
				syswrite($c, "sluice-echo\n");
				$sel->add($c);
			} elsif (!sysread($fh, my $buf, 4096)) {
				$sel->remove($fh); close($fh);
			} else {
				syswrite($fh, $buf);
			}
		}
	}
} elsif ($mode eq 'probe') {
	exit(conn(@ARGV) ? 0 : 1);
} elsif ($mode eq 'hold') {
	my ($host, $port, $secs) = @ARGV;
	my $s = conn($host, $port) or do { print "broken after 0 echoes\n"; exit 1 };
	my ($n, $end) = (0, time + $secs);
	while (time < $end) {
		my $line = '';
		eval {
			local $SIG{ALRM} = sub { die "timeout\n" };
			alarm(2);
			print $s "ping $n\n";
			$s->flush;
			$line = <$s> // '';
			alarm(0);
		};
		if ($line ne "ping $n\n") { print "broken after $n echoes\n"; exit 1 }
		$n++;
		sleep(0.1);
	}
	print "echoes $n\n";
	exit 0;
}
die "usage: outbound_echo.pl server PORT | probe HOST PORT [SRC] | hold HOST PORT SECONDS\n";

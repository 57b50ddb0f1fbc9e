#!/usr/bin/perl
# ctl-listener.pl - stands in for sluiced's control socket in the milter
# tests: appends each request line to LOG and answers "OK".
#
# usage: ctl-listener.pl SOCKET LOG
use strict;
use warnings;
use IO::Socket::UNIX;
use IO::Handle;

my ($path, $log) = @ARGV;
unlink $path;
my $srv = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $path,
				Listen => 16) or die "listen $path: $!\n";
open(my $out, '>>', $log) or die "$log: $!\n";
$out->autoflush(1);
while (my $c = $srv->accept()) {
	my $line = <$c>;
	print $out $line if defined $line;
	print $c "OK\n";
	close $c;
}

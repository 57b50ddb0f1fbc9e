#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	oddpkt.pl - send truncated, odd and unusual IPv4/IPv6 packets
# SYNOPSIS
#	perl oddpkt.pl SRC4 DST4 SRC6 DST6 [PORTBASE]
#	perl oddpkt.pl -s COUNT RATE SRC6 PREFIX6
# DESCRIPTION
#	Builds each packet by hand (checksums right, so that conntrack
#	takes it as far as it will) and sends it through a raw socket with
#	the IP header included: TCP with impossible flag sets, no flags, a
#	lone ACK, IP options, 40 bytes of TCP options with odd lengths, a
#	data offset below 5, a cut header, port 0; UDP empty, cut, to
#	port 0, large, in fragments; SCTP, GRE and an experimental
#	protocol; for IPv6 extension headers (hop-by-hop, destination
#	options, 1.2 KB of them so the transport header lies past what
#	sluiced copies), an atomic fragment, real fragments, "no next
#	header", ICMPv6. Each TCP/UDP case uses its own source port
#	(PORTBASE + n) so every one is a new flow. Prints one line per
#	packet: "NAME sent" or "NAME error". With -s it scans instead:
#	COUNT TCP SYNs at RATE a second from SRC6 to PREFIX6::1, ::2, ...
#	each behind 1.2 KB of IPv6 destination options, so that no copy
#	range reaches the TCP header (a worm padding its probes past the
#	throttle); prints the count sent. For the lab only.
use strict;
use warnings;
use Socket qw(AF_INET AF_INET6 SOCK_RAW inet_pton pack_sockaddr_in
	pack_sockaddr_in6);

my ($scan_count, $scan_rate, $scan_prefix);
if (@ARGV && $ARGV[0] eq '-s') {
	(undef, $scan_count, $scan_rate, my $from, $scan_prefix) = @ARGV;
	die "usage: oddpkt.pl -s COUNT RATE SRC6 PREFIX6\n" unless defined $scan_prefix;
	@ARGV = ('0.0.0.0', '0.0.0.0', $from, "${scan_prefix}1");
}
my ($s4, $d4, $s6, $d6, $base) = @ARGV;
die "usage: oddpkt.pl SRC4 DST4 SRC6 DST6 [PORTBASE]\n" unless defined $d6;
$base //= 20000;
my $IPPROTO_RAW = 255;
my ($src4, $dst4) = (inet_pton(AF_INET, $s4), inet_pton(AF_INET, $d4));
my ($src6, $dst6) = (inet_pton(AF_INET6, $s6), inet_pton(AF_INET6, $d6));
my $port = $base;

# csum - the Internet checksum of a byte string
sub csum {
	my ($d) = @_;
	$d .= "\0" if length($d) % 2;
	my $s = 0;
	$s += $_ for unpack('n*', $d);
	$s = ($s & 0xffff) + ($s >> 16) while $s >> 16;
	return ~$s & 0xffff;
}

# pseudo - the pseudo-header of family 4|6 for protocol and length
sub pseudo {
	my ($fam, $proto, $len) = @_;
	return $fam == 4 ? $src4 . $dst4 . pack('CCn', 0, $proto, $len)
		: $src6 . $dst6 . pack('NxxxC', $len, $proto);
}

# tcp - a TCP segment: flags, options (padded by the caller), doff
#	override, payload
sub tcp {
	my ($fam, %o) = @_;
	my $opt = $o{opt} // '';
	my $doff = $o{doff} // (5 + length($opt) / 4);
	my $sp = $o{sport} // ++$port;
	my $h = pack('nnNNCCnnn', $sp, $o{dport} // 80, 1000, $o{ack} // 0,
		$doff << 4, $o{flags}, 64240, 0, 0) . $opt . ($o{data} // '');
	my $c = csum(pseudo($fam, 6, length $h) . $h);
	substr($h, 16, 2) = pack('n', $c);
	return $h;
}

# udp - a UDP datagram with a payload
sub udp {
	my ($fam, %o) = @_;
	my $data = $o{data} // '';
	my $h = pack('nnnn', $o{sport} // ++$port, $o{dport} // 53, 8 + length $data, 0) . $data;
	my $c = csum(pseudo($fam, 17, length $h) . $h) || 0xffff;
	substr($h, 6, 2) = pack('n', $c);
	return $h;
}

# ip4 - an IPv4 header (and options) around a payload
sub ip4 {
	my ($proto, $payload, %o) = @_;
	my $opt = $o{opt} // '';
	my $hl = 5 + length($opt) / 4;
	my $h = pack('CCnnnCCna4a4', 0x40 | $hl, 0, 20 + length($opt) + length $payload,
		$o{id} // 0, $o{frag} // 0, 64, $proto, 0, $src4, $dst4) . $opt;
	substr($h, 10, 2) = pack('n', csum($h));
	return $h . $payload;
}

# ip6 - an IPv6 header around the rest (extension headers included)
sub ip6 {
	my ($next, $rest) = @_;
	return pack('NnCC', 0x60000000, length $rest, $next, 64) . $src6 . $dst6 . $rest;
}

# ext6 - an extension header: next, total length in 8-byte units (>= 1)
sub ext6 {
	my ($next, $units) = @_;
	my $len = $units * 8;
	# PadN option filling the header
	return pack('CCCC', $next, $units - 1, 1, $len - 4) . ("\0" x ($len - 4));
}

# frag6 - an IPv6 fragment header
sub frag6 { my ($next, $off, $more, $id) = @_;
	return pack('CCnN', $next, 0, ($off << 3) | ($more ? 1 : 0), $id) }

my @tcpopts_odd = (
	pack('CCn', 2, 4, 1460),	# MSS
	pack('CCC', 3, 3, 14) . "\1",	# window scale 14, NOP
	pack('CC', 4, 2) . "\1\1",	# SACK permitted, NOP NOP
	pack('CCNN', 8, 10, 1, 0) . "\1\1",	# timestamps
	pack('CC', 99, 2) . "\1\1",	# unknown kind
	pack('CC', 30, 0) . "\1\1",	# length 0: malformed
	pack('CC', 5, 40) . "\0\0",	# SACK running past the header
	pack('C', 0) x 8,		# end of options, then junk
);
my $opt40 = substr(join('', @tcpopts_odd) . ("\0" x 40), 0, 40);
my $rr = pack('CCC', 7, 39, 4) . ("\0" x 36) . "\0";	# record route, 40 bytes

my $u64 = udp(4, data => 'x' x 56);
my $u64b = udp(6, data => 'y' x 56);
my @v4 = (
	[ tcp_syn_fin   => ip4(6, tcp(4, flags => 0x03)) ],
	[ tcp_all_flags => ip4(6, tcp(4, flags => 0xff)) ],
	[ tcp_no_flags  => ip4(6, tcp(4, flags => 0x00)) ],
	[ tcp_ack_only  => ip4(6, tcp(4, flags => 0x10, ack => 777)) ],
	[ tcp_ip_options => ip4(6, tcp(4, flags => 0x02), opt => $rr) ],
	[ tcp_odd_options => ip4(6, tcp(4, flags => 0x02, opt => $opt40)) ],
	[ tcp_doff_2    => ip4(6, tcp(4, flags => 0x02, doff => 2)) ],
	[ tcp_doff_15_cut => ip4(6, tcp(4, flags => 0x02, doff => 15)) ],
	[ tcp_cut_8     => ip4(6, substr(tcp(4, flags => 0x02), 0, 8)) ],
	[ tcp_port_0    => ip4(6, tcp(4, flags => 0x02, sport => 0, dport => 0)) ],
	[ tcp_syn_data  => ip4(6, tcp(4, flags => 0x02, data => 'z' x 1200)) ],
	[ udp_empty     => ip4(17, udp(4)) ],
	[ udp_port_0    => ip4(17, udp(4, sport => 0, dport => 0)) ],
	[ udp_large     => ip4(17, udp(4, data => 'q' x 1400)) ],
	[ udp_cut_4     => ip4(17, substr(udp(4), 0, 4)) ],
	[ udp_frag_1of2 => ip4(17, substr($u64, 0, 32), id => 4242, frag => 0x2000) ],
	[ udp_frag_2of2 => ip4(17, substr($u64, 32), id => 4242, frag => 4) ],
	[ udp_frag_alone => ip4(17, substr(udp(4, data => 'w' x 56), 0, 32), id => 4343, frag => 0x2000) ],
	[ udp_frag_late => ip4(17, 'v' x 24, id => 4444, frag => 100) ],
	[ sctp          => ip4(132, pack('nnNN', ++$port, 80, 0, 0) . ("\1" . ("\0" x 19))) ],
	[ gre           => ip4(47, pack('nn', 0, 0x0800)) ],
	[ proto_253     => ip4(253, 'experimental') ],
	[ icmp_echo     => ip4(1, do { my $i = pack('CCnnn', 8, 0, 0, 1, 1) . 'ping';
				substr($i, 2, 2) = pack('n', csum($i)); $i }) ],
	[ ip_only_header => ip4(6, '') ],
);

my $icmp6 = pack('CCnnn', 128, 0, 0, 1, 1) . 'ping';
substr($icmp6, 2, 2) = pack('n', csum(pseudo(6, 58, length $icmp6) . $icmp6));
my $long = join('', map { ext6(60, 32) } 1 .. 4) . ext6(6, 32);	# 5 x 256 bytes
my @v6 = (
	[ tcp6_syn      => ip6(6, tcp(6, flags => 0x02)) ],
	[ tcp6_ext      => ip6(0, ext6(60, 1) . ext6(6, 2) . tcp(6, flags => 0x02)) ],
	[ tcp6_ext_1280 => ip6(60, $long . tcp(6, flags => 0x02)) ],
	[ tcp6_cut_8    => ip6(6, substr(tcp(6, flags => 0x02), 0, 8)) ],
	[ tcp6_syn_fin  => ip6(6, tcp(6, flags => 0x03)) ],
	[ tcp6_ack_only => ip6(6, tcp(6, flags => 0x10, ack => 5)) ],
	[ udp6_empty    => ip6(17, udp(6)) ],
	[ udp6_port_0   => ip6(17, udp(6, sport => 0, dport => 0)) ],
	[ udp6_atomic_frag => ip6(44, frag6(17, 0, 0, 7) . udp(6, data => 'a')) ],
	[ udp6_frag_1of2 => ip6(44, frag6(17, 0, 1, 99) . substr($u64b, 0, 32)) ],
	[ udp6_frag_2of2 => ip6(44, frag6(17, 4, 0, 99) . substr($u64b, 32)) ],
	[ no_next_header => ip6(59, '') ],
	[ hbh_then_nothing => ip6(0, ext6(59, 1)) ],
	[ icmp6_echo    => ip6(58, $icmp6) ],
	[ proto6_253    => ip6(253, 'experimental') ],
	[ ext_cut       => ip6(60, substr(ext6(6, 4), 0, 12)) ],
);

if (defined $scan_count) {
	socket(my $r, AF_INET6, SOCK_RAW, $IPPROTO_RAW) or die "oddpkt.pl: raw IPv6 socket: $!\n";
	my $sent = 0;
	for my $i (1 .. $scan_count) {
		$dst6 = inet_pton(AF_INET6, sprintf('%s%x', $scan_prefix, $i));
		my $p = ip6(60, $long . tcp(6, flags => 0x02));
		$sent++ if defined send($r, $p, 0, pack_sockaddr_in6(0, $dst6));
		select(undef, undef, undef, 1 / $scan_rate);
	}
	print "$sent\n";
	exit 0;
}

socket(my $r4, AF_INET, SOCK_RAW, $IPPROTO_RAW) or die "oddpkt.pl: raw IPv4 socket: $!\n";
socket(my $r6, AF_INET6, SOCK_RAW, $IPPROTO_RAW) or die "oddpkt.pl: raw IPv6 socket: $!\n";
my $to4 = pack_sockaddr_in(0, $dst4);
my $to6 = pack_sockaddr_in6(0, $dst6);
for my $p (@v4) {
	printf "%s %s\n", $p->[0], defined(send($r4, $p->[1], 0, $to4)) ? 'sent' : "error: $!";
}
for my $p (@v6) {
	printf "%s %s\n", $p->[0], defined(send($r6, $p->[1], 0, $to6)) ? 'sent' : "error: $!";
}

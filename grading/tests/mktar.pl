#!/usr/bin/perl
# mktar.pl: write a tar archive member by member, exactly as told, so the
# grader's self-test can make archives no well-behaved tar would: absolute
# paths, '..' parts, links, devices, FIFOs, huge members, bad checksums.
#
# usage: mktar.pl MEMBER... > archive.tar
# Each MEMBER is TYPE:NAME[:ARG]:
#   f:NAME:FILE     a regular file with FILE's bytes (no FILE: empty)
#   s:NAME:TEXT     a regular file holding TEXT
#   z:NAME:N        a regular file of N zero bytes
#   d:NAME          a directory
#   l:NAME:TARGET   a symbolic link      h:NAME:TARGET  a hard link
#   c:NAME          a character device   b:NAME         a block device
#   p:NAME          a FIFO
#   x:NAME:PATH     a pax extended header giving the next member PATH
#   L:NAME:PATH     a GNU long-name header giving the next member PATH
#   bad:NAME        a file whose header checksum is wrong
#   cut:NAME:N      a file that claims N bytes and ends the archive early
use strict;
use warnings;

binmode STDOUT;

sub header {
    my ($name, $size, $type, $link, $bad) = @_;
    my $h = pack('a100 a8 a8 a8 a12 a12 A8 a1 a100 a6 a2 a32 a32 a8 a8 a155 a12',
                 $name, sprintf('%07o', $type eq '5' ? 0755 : 0644), '0000000', '0000000',
                 sprintf('%011o', $size), sprintf('%011o', 0), ' ' x 8, $type, $link // '',
                 "ustar", "00", 'root', 'root', '', '', '', '');
    my $sum = unpack('%32C*', $h) + ($bad ? 1 : 0);
    substr($h, 148, 8) = sprintf("%06o\0 ", $sum);
    return $h;
}

sub data {
    my ($d) = @_;
    my $pad = (512 - length($d) % 512) % 512;
    return $d . ("\0" x $pad);
}

for my $m (@ARGV) {
    my ($t, $name, $arg) = split /:/, $m, 3;
    if ($t eq 'f' || $t eq 's' || $t eq 'z' || $t eq 'bad') {
        my $d = '';
        if ($t eq 'f' && defined $arg) {
            open my $fh, '<:raw', $arg or die "mktar: $arg: $!\n";
            local $/;
            $d = <$fh> // '';
        }
        $d = $arg // '' if $t eq 's';
        $d = "\0" x $arg if $t eq 'z';
        print header($name, length $d, '0', '', $t eq 'bad'), data($d);
    } elsif ($t eq 'd') {
        print header($name, 0, '5');
    } elsif ($t eq 'l' || $t eq 'h') {
        print header($name, 0, $t eq 'l' ? '2' : '1', $arg);
    } elsif ($t eq 'c' || $t eq 'b' || $t eq 'p') {
        print header($name, 0, { c => '3', b => '4', p => '6' }->{$t});
    } elsif ($t eq 'x') {
        my $rec = " path=$arg\n";
        my $len = length($rec) + 1;
        $len++ while length("$len$rec") != $len;
        $rec = "$len$rec";
        print header($name, length $rec, 'x'), data($rec);
    } elsif ($t eq 'L') {
        print header('././@LongLink', length($arg) + 1, 'L'), data("$arg\0");
    } elsif ($t eq 'cut') {
        print header($name, $arg, '0'), "\0" x 512;
        exit 0;
    } else {
        die "mktar: unknown member type '$t' in '$m'\n";
    }
}
print "\0" x 1024;

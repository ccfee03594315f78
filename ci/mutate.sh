#!/bin/sh
# Mutation selftest: for every expect line of every shipped case, write a
# copy of the case with that one expected value flipped (a count +1, another
# errno, a wake bit err <-> in, blocked <-> returns, up <-> down, readable <->
# not-readable, has= <-> lacks=, a read-back value or length +1, carrier on
# <-> off, a counter's range moved past itself, a packet filter changed, ...).
# Each mutant must then FAIL (or XPASS): a survivor is an expectation that
# cannot fail.  usage: ci/mutate.sh OUTDIR CASE...
out=$1
shift
rm -rf "$out" && mkdir -p "$out"
for c in "$@"; do
	base=$(basename "$c" .case)
	grep -n '^expect' "$c" | while IFS=: read -r line text; do
		new=$(printf '%s\n' "$text" | awk '
		{
			# packet filters: the leftmost one on the line changes
			best = 0
			n = split("pi-flags= frag= src= dst= icmp-type= gso= gso-size= hdr-len= csum= csum-start= csum-offset=", keys, " ")
			for (i = 1; i <= n; i++)
				if (match($0, " " keys[i] "[^ ]+") && (!best || RSTART < best)) {
					best = RSTART; bl = RLENGTH; bk = keys[i]
				}
			if (best) {
				v = substr($0, best + 1 + length(bk), bl - 1 - length(bk))
				if (bk == "pi-flags=") nv = v == "strip" ? "0" : "strip"
				else if (bk == "frag=") nv = v == "first" ? "last" : "first"
				else if (bk == "icmp-type=") nv = v == 255 ? 254 : v + 1
				else if (bk == "gso=") nv = v == "none" ? "udp-l4" : "none"
				else if (bk == "csum=") nv = v == "none" ? "partial" : "none"
				else if (bk ~ /^(gso-size|hdr-len|csum-start|csum-offset)=$/) nv = v + 1
				else nv = v ~ /:/ ? "2001:db8:ffff::fe" : "198.19.255.254"
				$0 = substr($0, 1, best) bk nv substr($0, best + bl)
				print; exit
			}
			# what a step read back: change the value, keep ok
			if ($0 ~ / step ok/ && match($0, /(value|len)=[0-9]+/)) {
				k = substr($0, RSTART, RLENGTH); n = k; sub(/.*=/, "", n); sub(/=.*/, "", k)
				# down for big values: awk would print 2^31 as 2.14748e+09
				$0 = substr($0, 1, RSTART - 1) k "=" sprintf("%d", n > 1000 ? n - 1 : n + 1) substr($0, RSTART + RLENGTH)
				print; exit
			}
			if ($0 ~ /(has|lacks)=/) {
				gsub(/has=/, "HAS@"); gsub(/lacks=/, "has="); gsub(/HAS@/, "lacks=")
				print; exit
			}
			if (match($0, /class=[a-z-]+/)) {
				v = substr($0, RSTART, RLENGTH) == "class=icmp-echo" ? "class=icmp-reply" : "class=icmp-echo"
				$0 = substr($0, 1, RSTART - 1) v substr($0, RSTART + RLENGTH)
				print; exit
			}
			if (match($0, / carrier on/)) { sub(/ carrier on/, " carrier off"); print; exit }
			if (match($0, / carrier off/)) { sub(/ carrier off/, " carrier on"); print; exit }
			# operstate moves asynchronously (the link watcher): flipped
			# up <-> down it may still pass during the move, so the flip
			# is to a state tun never takes
			if (match($0, / operstate [a-z]+/)) { sub(/ operstate [a-z]+/, " operstate testing"); print; exit }
			# `addresses usable within=` is a synchronization point: its
			# flip (pending) passes whenever addrconf is slow, so it is
			# not mutated; selftest addresses-never-usable shows it fails
			if (match($0, / addresses usable/)) exit
			if (match($0, / addresses pending/)) { sub(/ addresses pending/, " addresses usable"); print; exit }
			if (match($0, / not-writable/)) { sub(/ not-writable/, " writable"); print; exit }
			if (match($0, / writable/)) { sub(/ writable/, " not-writable"); print; exit }
			# counters: a range just past the expected one
			if ($0 ~ / counter / || $0 ~ /^expect snmp /) {
				if (match($0, /max=[0-9]+/)) {
					m = substr($0, RSTART + 4, RLENGTH - 4)
					$0 = substr($0, 1, RSTART - 1) "min=" (m + 1) substr($0, RSTART + RLENGTH)
					sub(/ min=[0-9]+ min=/, " min=")
					print; exit
				}
				if (match($0, /min=[0-9]+/)) {
					m = substr($0, RSTART + 4, RLENGTH - 4)
					$0 = substr($0, 1, RSTART - 1) "max=" (m - 1) substr($0, RSTART + RLENGTH)
					print; exit
				}
			}
			if (match($0, /errno=EIO/)) { sub(/errno=EIO/, "errno=EINVAL"); print; exit }
			if (match($0, /errno=ok/)) { sub(/errno=ok/, "errno=EIO"); print; exit }
			if (match($0, /errno=E[A-Z]+/)) { sub(/errno=E[A-Z]+/, "errno=EIO"); print; exit }
			if (match($0, / send ok/)) { sub(/ send ok/, " send errno=EIO"); print; exit }
			if (match($0, / step ok/)) { sub(/ step ok/, " step errno=EIO"); print; exit }
			if (match($0, /(every|some|none)=[a-z+]+/)) {
				v = substr($0, RSTART, RLENGTH)
				if (v ~ /err/) sub(/err/, "in", v)
				else if (v ~ /=(.*\+)?in(\+|$)/) sub(/in/, "err", v)
				else sub(/=.*/, "=err", v) # out, nval, pri...
				$0 = substr($0, 1, RSTART - 1) v substr($0, RSTART + RLENGTH)
				print; exit
			}
			if (match($0, /count=[0-9]+/)) {
				n = substr($0, RSTART + 6, RLENGTH - 6) + 1
				$0 = substr($0, 1, RSTART - 1) "count=" n substr($0, RSTART + RLENGTH)
				print; exit
			}
			if (match($0, / blocked for=/)) { sub(/ blocked for=/, " returns within="); print; exit }
			if (match($0, / returns within=/)) { sub(/ returns within=/, " blocked for="); print; exit }
			if (match($0, / no-wake for=/)) { sub(/ no-wake for=/, " wakes min=1 within="); print; exit }
			if (match($0, / wakes min=[0-9]+ max=[0-9]+/)) {
				m = substr($0, RSTART, RLENGTH); sub(/.*max=/, "", m)
				$0 = substr($0, 1, RSTART - 1) " wakes min=" (m + 1) substr($0, RSTART + RLENGTH)
				print; exit
			}
			if (match($0, / wakes min=[0-9]+/)) { sub(/ wakes min=[0-9]+/, " no-wake"); sub(/within=/, "for="); print; exit }
			if (match($0, / link up/)) { sub(/ link up/, " link down"); print; exit }
			if (match($0, / link down/)) { sub(/ link down/, " link up"); print; exit }
			if (match($0, / link gone/)) { sub(/ link gone/, " link up"); print; exit }
			if (match($0, / not-readable/)) { sub(/ not-readable/, " readable"); print; exit }
			if (match($0, / readable/)) { sub(/ readable/, " not-readable"); print; exit }
		}')
		[ -n "$new" ] || continue
		m="$out/$base-L$line.case"
		name=m-$(printf '%s' "$base-L$line" | cksum | cut -d' ' -f1)
		# a case for every backend runs as a mutant on read and epoll-et
		# only; one with a backends line on those it names
		grep -q '^backends[ \t]' "$c" && only= || only="backends read epoll-et"
		awk -v l="$line" -v new="$new" -v name="$name" -v only="$only" '
			NR == l { print new; next }
			/^case[ \t]/ { print "case " name; if (only != "") print only; next }
			{ print }' "$c" >"$m"
		# third field: the line in the mutant (the backends line shifts it)
		[ -n "$only" ] && mline=$((line + 1)) || mline=$line
		printf '%s\t%s:%s: %s\t%s\n' "$name" "$c" "$line" "$new" \
			"$mline" >>"$out/MUTANTS"
	done
done

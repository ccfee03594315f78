#!/bin/sh
# Mutation selftest: for every expect line of every shipped case, write a
# copy of the case with that one expected value flipped (a count +1, another
# errno, a wake bit err <-> in, blocked <-> returns, up <-> down, readable <-> not-readable, ...).
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
			if (match($0, /errno=EIO/)) { sub(/errno=EIO/, "errno=EINVAL"); print; exit }
			if (match($0, /errno=ok/)) { sub(/errno=ok/, "errno=EIO"); print; exit }
			if (match($0, /errno=E[A-Z]+/)) { sub(/errno=E[A-Z]+/, "errno=EIO"); print; exit }
			if (match($0, / send ok/)) { sub(/ send ok/, " send errno=EIO"); print; exit }
			if (match($0, / step ok/)) { sub(/ step ok/, " step errno=EIO"); print; exit }
			if (match($0, /(every|some|none)=[a-z+]+/)) {
				v = substr($0, RSTART, RLENGTH)
				if (v ~ /err/) sub(/err/, "in", v); else sub(/in/, "err", v)
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
			if (match($0, / not-readable/)) { sub(/ not-readable/, " readable"); print; exit }
			if (match($0, / readable/)) { sub(/ readable/, " not-readable"); print; exit }
		}')
		[ -n "$new" ] || continue
		m="$out/$base-L$line.case"
		name=m-$(printf '%s' "$base-L$line" | cksum | cut -d' ' -f1)
		awk -v l="$line" -v new="$new" -v name="$name" '
			NR == l { print new; next }
			/^case[ \t]/ { print "case " name; next }
			{ print }' "$c" >"$m"
		printf '%s\t%s:%s: %s\n' "$name" "$c" "$line" "$new" >>"$out/MUTANTS"
	done
done

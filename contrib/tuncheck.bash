# bash completion for tuncheck (installed by make install into
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)) is the completion idiom
# $(PREFIX)/share/bash-completion/completions/tuncheck)
_tuncheck() {
	local cur prev cmd opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" = 1 ]; then
		COMPREPLY=($(compgen -W "run check list compare bench help --version --help" -- "$cur"))
		return
	fi
	case $prev in
	-b | --backend | --like)
		# the built-ins, from tuncheck itself
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" list 2>/dev/null |
			sed -n '/^backends:/,/^[a-z]/s/^  \([^ ]*\).*/\1/p')" -- "$cur"))
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -X '!*.so' -- "$cur"))
		return ;;
	--log-dir | --pcap-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--junit | --json | --html | --expect | --kernel)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--accel)
		COMPREPLY=($(compgen -W "auto kvm tcg" -- "$cur"))
		return ;;
	-j | --jobs | -k | --shard | --repeat | --timeout-scale | --pcap-max | \
		--max-memory | --max-procs | --max-files | --max-file-size | \
		--env | -o | --inject | --count)
		return ;;
	esac
	if [ "${cur#-}" != "$cur" ]; then
		# the options of this command, from its own help text
		opts=$("${COMP_WORDS[0]}" help "$cmd" 2>/dev/null |
			grep -o -- '--\?-[a-z][a-z-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -X '!*.case' -- "$cur") $(compgen -d -- "$cur"))
}
complete -F _tuncheck tuncheck

#!/bin/bash
# needs: man groff
# Each command's help (nixl-tui CMD --help, nixl-tui help CMD): usage, options, exit codes,
# two examples; every option it lists is one the command takes (and an unknown one is
# refused); the man page renders without warnings and names every command; the bash
# completion completes commands and options. TAP.
source "$(dirname "$0")/../lib.sh"
cmds=$("$NIXL_TUI" help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
check "nixl-tui help lists the commands" [ "$(echo "$cmds" | wc -l)" -ge 20 ]
# an option parsed before a flag no command knows: a command that knows the option then
# names the unknown flag, a command that does not names the option itself
taken() { # CMD FLAG ARG
	local cmd=$1 flag=$2 arg=$3 out
	local -a args=("$flag")
	[ -n "$arg" ] && args+=("$arg")
	out=$(timeout 60 env AWS_ACCESS_KEY_ID= AWS_CONFIG_FILE=/dev/null "$NIXL_TUI" "$cmd" "${args[@]}" --no-such-flag-xyz </dev/null 2>&1)
	case $out in *"$flag\""*|*"unrecognized arguments: $flag"*) return 1 ;; esac
	case $out in *no-such-flag-xyz*) return 0 ;; esac
	echo "# $cmd $flag: $out" | head -3
	return 1
}
value_for() { # the ARG placeholder of an option -> a value its command accepts as written
	case $1 in
	N|N\|all|K) echo 1 ;; S) [ "$2" = tui ] && echo 64 || echo 30 ;; SIZES) echo 64 ;; P) echo 1 ;; L) echo 20000 ;;
	PROV|P\ *) echo tcp ;; FILE|F|F\|DIR) echo /dev/null ;; ID) echo a ;; URL) echo http://127.0.0.1:1 ;;
	ok\|*) echo ok ;; ROLLBACK*) echo ROLLBACK ;; env) echo env ;; I) echo i-0123456789abcdef0 ;;
	IP|HOST|ADDR) echo 127.0.0.1 ;; X|F|MS) echo 1 ;; FAMILY=N) echo P=1 ;; DIR) echo "$TMP" ;;
	rdm*) echo rdm ;; G) echo /aws/ssm/x ;; R) echo us-east-1 ;; *) echo 1 ;;
	esac
}
for cmd in $cmds; do
	"$NIXL_TUI" "$cmd" --help >"$TMP/h" 2>&1; rc=$?
	"$NIXL_TUI" help "$cmd" >"$TMP/h2" 2>&1
	if [ $rc -eq 0 ] && grep -q "^usage: nixl-tui $cmd" "$TMP/h" && grep -q "^exit codes: " "$TMP/h" &&
		[ "$(sed -n '/^examples:/,$p' "$TMP/h" | grep -c '^  ')" -eq 2 ] && cmp -s "$TMP/h" "$TMP/h2"; then
		pass "$cmd --help: usage, exit codes, two examples (same as help $cmd)"
	else
		fail "$cmd --help" "$(head -5 "$TMP/h")"
	fi
	case $cmd in tui|keys|help|sandbox) continue ;; esac  # the console, or no failure to provoke
	bad=""
	while read -r flag arg; do
		[ -n "$flag" ] || continue
		taken "$cmd" "$flag" "$( [ -n "$arg" ] && value_for "$arg" "$cmd")" || bad="$bad $flag"
	done < <(sed -n '/^options:/,/^$/p' "$TMP/h" | sed -n 's/^  \(-[^ ]*\)\( [^ ]*\)\{0,1\}  .*/\1\2/p; s/^  \(-[^ ]*\)\( [^ ]*\)\{0,1\}$/\1\2/p')
	check "$cmd takes every option its help lists${bad:+ (not:$bad)}" [ -z "$bad" ]
done
"$NIXL_TUI" deploy --no-such-flag-xyz >"$TMP/u" 2>&1; rc=$?
check "an unknown option is refused (exit 2)" [ $rc -eq 2 ]
"$NIXL_TUI" help no-such-command >"$TMP/u" 2>&1; rc=$?
check "help of an unknown command: exit 2" [ $rc -eq 2 ]

"$NIXL_TUI" help --man >"$TMP/nixl-tui.1"
MANWIDTH=80 man --warnings -l "$TMP/nixl-tui.1" >"$TMP/man.txt" 2>"$TMP/man.err"
check "the man page renders" [ -s "$TMP/man.txt" ]
check "without warnings" bash -c "! test -s '$TMP/man.err'"
missing=""
for cmd in $cmds; do grep -q "nixl-tui $cmd" "$TMP/man.txt" || missing="$missing $cmd"; done
check "the man page names every command${missing:+ (not:$missing)}" [ -z "$missing" ]
tr -s ' \n' '  ' <"$TMP/man.txt" >"$TMP/man.flat"
contains "and the exit codes" "$TMP/man.flat" "Exit codes: 0 every node succeeded"

"$NIXL_TUI" help --completion bash >"$TMP/compl.bash"
complete_words() { bash -c "source '$TMP/compl.bash'; COMP_WORDS=($1); COMP_CWORD=$2; _nixl_tui; echo \"\${COMPREPLY[*]}\""; }
check "bash completes a command" [ "$(complete_words 'nixl-tui dep' 1)" = deploy ]
check "and an option of that command" [ "$(complete_words 'nixl-tui setup --dry' 2)" = --dry-run ]
check "and a common option" [ "$(complete_words 'nixl-tui verify --endp' 2)" = --endpoint-url ]
"$NIXL_TUI" help --completion zsh >"$TMP/compl.zsh"
contains "the zsh completion declares itself" "$TMP/compl.zsh" "#compdef nixl-tui"
check "and is valid shell" bash -n "$TMP/compl.zsh"
finish

#!/bin/bash
# nixl-tui task runner, run on a node: bash task_runner.sh PLAN [--reset]
#
# Runs a task file the way users' own runners do (src/setup/tasks.h has the format; the
# product turns the JSON into PLAN, expanded, so the node needs no jq):
# - tasks in order; a task whose skip_if succeeds is recorded as done and not run; a task
#   already recorded "success" is skipped; tasks before --from are skipped;
# - a task's commands run in order, in THIS shell (a cd, `source venv/bin/activate` or N=0
#   holds for the lines after it), stdin from /dev/null; the first that fails fails the
#   task and stops the run;
# - the record is a JSON object keyed by task id, {"<id>": {"status": ..., "timestamp": ...}},
#   at /tmp/task-state-$(hostname).json (TASK_STATE_FILE overrides it), written after each
#   change by rename, so users' skip_if lines can read it with jq;
# - log lines carry a UTC time and a tag: [RUN] [SKIP] [CMD] [OK] [FAIL] [DONE]; beside them
#   the product reads the lines ===NIXL-TASK <index> <start|skip|ok|fail> <ms>=== and
#   ===NIXL-TASKS-DONE completed=N skipped=N failed=N===.
# Every name of the runner's own starts with __nx so that the users' lines cannot clobber it.
exec 2>&1
export LC_ALL=C

__nx_plan=${1:?usage: task_runner.sh PLAN [--reset]}
__nx_reset=0
[ "${2:-}" = --reset ] && __nx_reset=1
case $__nx_plan in /*) ;; *) __nx_plan=$PWD/$__nx_plan ;; esac
__nx_state=${TASK_STATE_FILE:-/tmp/task-state-$(hostname).json}

__nx_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
__nx_log() { printf '%s [%s] %s\n' "$(__nx_now)" "$1" "$2"; }
__nx_ms() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local __nx_t=${EPOCHREALTIME/./}
		echo $((__nx_t / 1000))
	else
		echo $(($(date +%s) * 1000))
	fi
}
__nx_b64d() { if [ "$1" = - ]; then printf ''; else printf '%s' "$1" | base64 -d; fi; }

# ---- the record: every entry is kept, this file's and any other's
declare -A __nx_status=() __nx_time=()
__nx_order=()

__nx_json_str() { # a JSON string of $1 (ids have no control characters: the product checks)
	local __nx_s=${1//\\/\\\\}
	printf '"%s"' "${__nx_s//\"/\\\"}"
}

__nx_load() {
	[ -s "$__nx_state" ] || return 0
	local __nx_lines
	if command -v python3 >/dev/null 2>&1; then
		__nx_lines=$(python3 - "$__nx_state" <<'PY'
import base64, json, sys
try:
    record = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
for key, value in (record.items() if isinstance(record, dict) else []):
    if isinstance(value, dict):
        enc = lambda s: base64.b64encode(str(s).encode()).decode() or "-"
        print(enc(key), enc(value.get("status", "")), enc(value.get("timestamp", "")))
PY
		) || { __nx_log WARN "$__nx_state is not a JSON record; starting a new one"; return 0; }
	else # without python3: the one-entry-a-line form this runner writes
		__nx_lines=$(sed -n 's/^ *"\(.*\)": {"status": "\([a-z]*\)", "timestamp": "\([^"]*\)"},\{0,1\}$/\1 \2 \3/p' "$__nx_state" |
			while read -r __nx_k __nx_s __nx_t; do
				printf '%s %s %s\n' "$(printf '%s' "$__nx_k" | sed 's/\\"/"/g; s/\\\\/\\/g' | base64 -w0)" \
					"$(printf '%s' "$__nx_s" | base64 -w0)" "$(printf '%s' "$__nx_t" | base64 -w0)"
			done)
	fi
	local __nx_k __nx_s __nx_t
	while read -r __nx_k __nx_s __nx_t; do
		[ -n "$__nx_k" ] || continue
		__nx_k=$(__nx_b64d "$__nx_k")
		[ -n "${__nx_status[$__nx_k]+x}" ] || __nx_order+=("$__nx_k")
		__nx_status[$__nx_k]=$(__nx_b64d "$__nx_s")
		__nx_time[$__nx_k]=$(__nx_b64d "$__nx_t")
	done <<<"$__nx_lines"
}

__nx_save() { # __nx_save ID STATUS: records it and rewrites the file by rename
	[ -n "${__nx_status[$1]+x}" ] || __nx_order+=("$1")
	__nx_status[$1]=$2
	__nx_time[$1]=$(__nx_now)
	local __nx_tmp=$__nx_state.$$.tmp __nx_k __nx_sep=
	{
		echo "{"
		for __nx_k in "${__nx_order[@]}"; do
			[ -n "$__nx_sep" ] && echo ","
			printf '  %s: {"status": "%s", "timestamp": "%s"}' "$(__nx_json_str "$__nx_k")" \
				"${__nx_status[$__nx_k]}" "${__nx_time[$__nx_k]}"
			__nx_sep=1
		done
		echo
		echo "}"
	} >"$__nx_tmp" && mv -f "$__nx_tmp" "$__nx_state" ||
		__nx_log WARN "cannot write $__nx_state"
}

# ---- the plan
__nx_ids=() __nx_names=() __nx_before=() __nx_skipif=() __nx_first=() __nx_count=() __nx_cmds=()
__nx_read_plan() {
	local __nx_kind __nx_a __nx_b __nx_c __nx_i=-1
	[ -r "$__nx_plan" ] || { __nx_log FAIL "cannot read the plan $__nx_plan"; exit 2; }
	while read -r __nx_kind __nx_a __nx_b __nx_c; do
		case $__nx_kind in
		NIXL-PLAN) ;;
		TASK)
			__nx_i=$((__nx_i + 1))
			__nx_ids[__nx_i]=$(__nx_b64d "$__nx_a")
			__nx_names[__nx_i]=$(__nx_b64d "$__nx_b")
			__nx_before[__nx_i]=$__nx_c
			__nx_skipif[__nx_i]=
			__nx_first[__nx_i]=${#__nx_cmds[@]}
			__nx_count[__nx_i]=0 ;;
		SKIPIF) __nx_skipif[__nx_i]=$(__nx_b64d "$__nx_a") ;;
		CMD)
			__nx_cmds+=("$(__nx_b64d "$__nx_a")")
			__nx_count[__nx_i]=$((__nx_count[__nx_i] + 1)) ;;
		*) __nx_log FAIL "the plan has an unknown line ($__nx_kind)"; exit 2 ;;
		esac
	done <"$__nx_plan"
}

__nx_done=0 __nx_skipped=0 __nx_failed=0 __nx_current=-1 __nx_t0=0
__nx_finish() {
	__nx_log DONE "completed=$__nx_done skipped=$__nx_skipped failed=$__nx_failed"
	echo "===NIXL-TASKS-DONE completed=$__nx_done skipped=$__nx_skipped failed=$__nx_failed==="
}
# A line that exits the shell (exit, set -e) or a signal ends the run: say so, record it.
# (The signal traps stay set while this runs: resetting a trap from inside its own handler
# makes bash resend the signal to itself and die before the record is written.)
__nx_aborting=0
__nx_abort() {
	local __nx_why=$1 __nx_rc=$2
	[ "$__nx_aborting" = 1 ] && return
	__nx_aborting=1
	trap - EXIT
	if [ "$__nx_current" -ge 0 ]; then
		__nx_log FAIL "${__nx_ids[__nx_current]}: $__nx_why"
		echo "===NIXL-TASK $__nx_current fail $(($(__nx_ms) - __nx_t0))==="
		__nx_save "${__nx_ids[__nx_current]}" failed
		__nx_failed=$((__nx_failed + 1))
		__nx_finish
	fi
	exit "$__nx_rc"
}
trap '__nx_abort "a command ended the shell (exit or set -e)" 1' EXIT
trap '__nx_abort "cancelled" 143' TERM
trap '__nx_abort "interrupted" 130' INT
trap '__nx_abort "hung up" 129' HUP

__nx_skip() { # index, why
	__nx_log SKIP "${__nx_ids[$1]}: $2"
	echo "===NIXL-TASK $1 skip 0==="
	__nx_skipped=$((__nx_skipped + 1))
}

__nx_read_plan
[ "$__nx_reset" = 1 ] && rm -f "$__nx_state" && __nx_log RESET "forgot $__nx_state"
__nx_load
__nx_log START "${#__nx_ids[@]} tasks on $(hostname); record $__nx_state"
for ((__nx_k = 0; __nx_k < ${#__nx_ids[@]}; __nx_k++)); do
	__nx_id=${__nx_ids[__nx_k]}
	if [ "${__nx_before[__nx_k]}" = 1 ]; then
		__nx_skip "$__nx_k" "before --from"
		continue
	fi
	if [ "${__nx_status[$__nx_id]:-}" = success ]; then
		__nx_skip "$__nx_k" "succeeded at ${__nx_time[$__nx_id]}"
		continue
	fi
	if [ -n "${__nx_skipif[__nx_k]}" ] && eval "${__nx_skipif[__nx_k]}" </dev/null >/dev/null 2>&1; then
		__nx_skip "$__nx_k" "skip_if holds"
		__nx_save "$__nx_id" success
		continue
	fi
	__nx_current=$__nx_k
	__nx_t0=$(__nx_ms)
	__nx_log RUN "$__nx_id: ${__nx_names[__nx_k]}"
	echo "===NIXL-TASK $__nx_k start 0==="
	__nx_save "$__nx_id" running
	__nx_rc=0
	for ((__nx_c = __nx_first[__nx_k]; __nx_c < __nx_first[__nx_k] + __nx_count[__nx_k]; __nx_c++)); do
		__nx_log CMD "${__nx_cmds[__nx_c]}"
		eval "${__nx_cmds[__nx_c]}" </dev/null
		__nx_rc=$?
		[ "$__nx_rc" -eq 0 ] || break
	done
	__nx_ms_used=$(($(__nx_ms) - __nx_t0))
	if [ "$__nx_rc" -ne 0 ]; then
		__nx_log FAIL "$__nx_id: exit $__nx_rc from: ${__nx_cmds[__nx_c]}"
		echo "===NIXL-TASK $__nx_k fail $__nx_ms_used==="
		__nx_save "$__nx_id" failed
		__nx_failed=1
		__nx_current=-1
		__nx_finish
		trap - EXIT
		exit 1
	fi
	__nx_log OK "$__nx_id ($((__nx_ms_used / 1000)) s)"
	echo "===NIXL-TASK $__nx_k ok $__nx_ms_used==="
	__nx_save "$__nx_id" success
	__nx_done=$((__nx_done + 1))
	__nx_current=-1
done
__nx_finish
trap - EXIT
exit 0

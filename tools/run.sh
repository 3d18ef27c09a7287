#!/bin/sh
# make run: open the console against the user's AWS when credentials resolve, else
# against the sandbox (on 127.0.0.1). The sandbox outlives the console: a deploy left
# running, or a stack, is still there at the next `make run`, as the console promises.
# `make stop-sandbox` (tools/run.sh --stop-sandbox) stops it.
# Its files: $XDG_STATE_HOME/nixl-tui/sandbox (default ~/.local/state/nixl-tui/sandbox):
# pid, out (what it printed), work (its nodes' directories).
cd "$(dirname "$0")/.." || exit 1
tui=${NIXL_TUI:-./nixl-tui}
state=${XDG_STATE_HOME:-${HOME:?HOME is not set}/.local/state}/nixl-tui/sandbox

running() { # the recorded sandbox is alive and answers
	[ -s "$state/pid" ] && [ -s "$state/out" ] || return 1
	pid=$(cat "$state/pid")
	kill -0 "$pid" 2>/dev/null || return 1
	endpoint=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$state/out")
	[ -n "$endpoint" ] && curl -fsS -m 5 "$endpoint/_sandbox/state" >/dev/null 2>&1
}

if [ "${1:-}" = --stop-sandbox ]; then
	if running; then
		kill -- "-$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
		kill -9 -- "-$pid" 2>/dev/null
		echo "The sandbox ($pid) is stopped; its stacks are gone with it."
	else
		echo "No sandbox of make run is running."
	fi
	rm -rf "$state"
	exit 0
fi

if [ -z "${NIXL_RUN_SANDBOX:-}" ] && timeout 20 "$tui" whoami >/dev/null 2>&1; then
	exec "$tui" "$@"
fi
if running; then
	echo "No AWS credentials resolved (nixl-tui whoami says why); using the sandbox still running ($pid)."
else
	echo "No AWS credentials resolved (nixl-tui whoami says why); starting the sandbox."
	rm -rf "$state"
	mkdir -p "$state/work" && chmod 700 "$state" || exit 1
	# setsid: a process group of its own, which --stop-sandbox stops whole
	setsid "$tui" sandbox --port 0 --workdir "$state/work" >"$state/out" 2>"$state/err" </dev/null &
	pid=$!
	echo "$pid" >"$state/pid"
	i=0
	until grep -q '^SANDBOX READY' "$state/out"; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then cat "$state/out" "$state/err"; exit 1; fi
		sleep 0.1
	done
fi
AWS_ENDPOINT_URL=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$state/out")
AWS_ACCESS_KEY_ID=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$state/out")
AWS_SECRET_ACCESS_KEY=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$state/out")
AWS_DEFAULT_REGION=$(sed -n 's/^export AWS_DEFAULT_REGION=//p' "$state/out")
export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION
unset AWS_PROFILE AWS_SESSION_TOKEN
"$tui" "$@"
rc=$?
echo "The sandbox ($pid, $AWS_ENDPOINT_URL) keeps running with its stacks, for the next make run;" \
	"make stop-sandbox stops it."
exit $rc

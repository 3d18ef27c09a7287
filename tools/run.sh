#!/bin/sh
# make run: open the console against the user's AWS when credentials resolve, else
# against a sandbox started here (on 127.0.0.1, stopped when the console exits).
cd "$(dirname "$0")/.." || exit 1
if [ -z "${NIXL_RUN_SANDBOX:-}" ] && timeout 20 ./nixl-tui whoami >/dev/null 2>&1; then
	exec ./nixl-tui "$@"
fi
echo "No AWS credentials resolved (nixl-tui whoami says why); starting the sandbox."
log=$(mktemp)
setsid ./nixl-tui sandbox --port 0 >"$log" 2>&1 </dev/null &
pid=$!
# setsid made it a process group of its own: stop the whole group
trap 'kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT INT TERM
i=0
until grep -q '^SANDBOX READY' "$log"; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then cat "$log"; exit 1; fi
	sleep 0.1
done
AWS_ENDPOINT_URL=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$log")
AWS_ACCESS_KEY_ID=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$log")
AWS_SECRET_ACCESS_KEY=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$log")
AWS_DEFAULT_REGION=$(sed -n 's/^export AWS_DEFAULT_REGION=//p' "$log")
export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION
unset AWS_PROFILE AWS_SESSION_TOKEN
./nixl-tui "$@"

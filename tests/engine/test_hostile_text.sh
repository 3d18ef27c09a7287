#!/usr/bin/env bash
# needs: moto_server fi_pingpong fi_info python3 curl
# Remote text is inert everywhere: a sandbox stack whose failure reason, status reason and
# outputs carry terminal controls, nodes whose fi_info and fi_pingpong print them, a
# cdk.json that holds them, and saved logs with raw bytes. Every headless command's
# stdout and stderr is read byte by byte: no ESC, BEL, BS, CR, DEL, C1 control, bidi
# control or invalid UTF-8 may be in it, and the hostile text must be there, escaped
# (it was delivered, not dropped). `eval "$(nixl-tui outputs --format env)"` runs nothing.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config" LC_ALL=C.UTF-8
nx() { timeout 300 "$NIXL_TUI" "$@"; }

# inert DESC FILE [ESCAPE]: FILE holds nothing a terminal acts on (and, given, the
# visible escape that shows the hostile text arrived)
inert() {
	local why
	why=$(python3 - "$2" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
for b in (0x1b, 0x07, 0x08, 0x0d, 0x7f, 0x00):
    if bytes([b]) in data:
        i = data.index(bytes([b]))
        sys.exit("raw byte 0x%02x at %d: %r" % (b, i, data[max(0, i - 30):i + 30]))
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8: %s" % e)
bad = [c for c in text if 0x80 <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e
       or 0x2066 <= ord(c) <= 0x2069 or ord(c) in (0x200e, 0x200f, 0x61c)]
if bad:
    sys.exit("raw U+%04X" % ord(bad[0]))
PY
)
	if [ $? -ne 0 ]; then fail "$1" "$why" "$(head -c 600 "$2" | od -c | head -n 8)"; return; fi
	if [ $# -ge 3 ] && ! grep -qF -- "$3" "$2"; then fail "$1" "the escaped text $3 is not in $2:" "$(tail -n 8 "$2")"; return; fi
	pass "$1"
}
run() { local out=$1; shift; nx "$@" >"$TMP/$out" 2>&1; echo $? >"$TMP/$out.rc"; }

# CloudFormation's side: what XML 1.0 can carry (C0 but tab, LF, CR cannot travel)
HOSTILE='boom \u009b2J \u009d52;c;cHduZWQ=\u009c \u202etxt\r \u007f end'
sandbox_ctl config "{\"scenario\":\"capacity-failure\",\"failure_reason\":\"$HOSTILE\",\"status_reason\":\"$HOSTILE\"}"

# --- a deploy that fails with the hostile reason: deploy, watch, status
run deploy.out deploy --yes -c environment=hostfail
check "deploy fails on the hostile stack (exit 1)" [ "$(cat "$TMP/deploy.out.rc")" = 1 ]
inert "deploy: the failure reason is printed inert" "$TMP/deploy.out" 'boom \u009b2J \u009d52;c;cHduZWQ=\u009c \u202etxt'
run deploy.json deploy --yes --json -c environment=hostfail2
inert "deploy --json: JSON lines inert" "$TMP/deploy.json" '\u009b2J'
run watch.out watch -c environment=hostfail
inert "watch: events and the root cause inert" "$TMP/watch.out" '\u202etxt'
run status.out status -c environment=hostfail
inert "status: the status reason inert" "$TMP/status.out" '\u009d52;c;'
run status.json status --json -c environment=hostfail
inert "status --json: inert" "$TMP/status.json" '\u202etxt'
check "status --json: still JSON, with the reason exact" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["reason"].startswith("boom \u009b2J \u009d52;"), d["reason"]' "$TMP/status.json"

# --- a ready stack with hostile outputs, on nodes whose tools print hostile lines
sandbox_ctl config '{"scenario":"ok","failure_reason":"","status_reason":"",
 "extra_outputs":{"Hostile":"out \u009b31m \u202eevil\r"},
 "tool_lines":{
  "fi_info":["fi_info says \u001b[31mred\u001b[0m \u001b]52;c;cHduZWQ=\u0007 \u009b2J \u202eevil\r\b\u007f \udcff\udcc2"],
  "fi_pingpong":["[error] \u001b]0;owned-title\u0007 \u009b2J \u202eevil\r\b\u007f \udcfe"]}}'
run ready.out deploy --yes -c environment=hostile
check "deploy of the hostile-output stack ends ready" [ "$(cat "$TMP/ready.out.rc")" = 0 ]
inert "deploy: the outputs printed at ready are inert" "$TMP/ready.out" 'out \u009b31m \u202eevil'
run outputs.out outputs -c environment=hostile
inert "outputs: inert" "$TMP/outputs.out" '\u202eevil'
run outputs.json outputs --json -c environment=hostile
inert "outputs --json: inert" "$TMP/outputs.json" '"out \u009b31m \u202eevil'
check "outputs --json: the value comes back exact from the JSON" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["Hostile"] == "out \u009b31m \u202eevil\n"' "$TMP/outputs.json"
nx outputs --format env -c environment=hostile >"$TMP/env.out" 2>"$TMP/env.err"; rc=$?
check "outputs --format env refuses a value with controls (exit 1)" [ $rc -eq 1 ]
check "and writes nothing for the shell" [ ! -s "$TMP/env.out" ]
inert "and says why, inert" "$TMP/env.err" 'output Hostile holds'

for v in "" --verbose --json --raw "--raw --json"; do
	# shellcheck disable=SC2086 # the options split on purpose
	run check.out efa-check --node all $v -c environment=hostile
	inert "efa-check ${v:-(text)}: fi_info's hostile lines inert" "$TMP/check.out"
done
inert "efa-check --raw --json: fi_info's line as JSON escapes" "$TMP/check.out" 'fi_info says \u001b[31mred'
run check.out efa-check --node all --verbose -c environment=hostile
inert "efa-check --verbose streams the node's lines escaped" "$TMP/check.out" 'fi_info says \x1b[31mred\x1b[0m \x1b]52;c;cHduZWQ=\x07 \u009b2J \u202eevil'

for v in "" --verbose --json "--no-check"; do
	# shellcheck disable=SC2086
	run pp.out pingpong -p tcp -I 20 -S 4k $v -c environment=hostile
	inert "pingpong ${v:-(text)}: fi_pingpong's [error] line inert" "$TMP/pp.out"
done
# fi_pingpong failing after its [error] line: the line is the reason pingpong prints
sandbox_ctl config '{"tool_exit":{"fi_pingpong":7}}'
for v in "" --json; do
	# shellcheck disable=SC2086
	run pp.out pingpong -p tcp -I 20 -S 4k $v -c environment=hostile
	check "pingpong ${v:-(text)}: a failed fi_pingpong exits 1" [ "$(cat "$TMP/pp.out.rc")" = 1 ]
	inert "pingpong ${v:-(text)}: reports the [error] line escaped" "$TMP/pp.out" '[error] \x1b]0;owned-title\x07 \u009b2J \u202eevil'
done
sandbox_ctl config '{"tool_lines":{},"tool_exit":{}}'

# --- eval "$(nixl-tui outputs --format env)" runs nothing, whatever the outputs hold
PWN="$TMP/pwned"
sandbox_ctl config "{\"extra_outputs\":{\"Subst\":\"\$(touch $PWN.1)\",\"Tick\":\"\`touch $PWN.2\`\",\"Quote\":\"it's'; touch $PWN.3; '\",\"Semi\":\"x; touch $PWN.4\",\"Var\":\"\${HOME:?} \$((1+1)) \\\\\"}}"
nx outputs --format env -c environment=hostile >"$TMP/good.env" 2>"$TMP/good.err"; rc=$?
check "outputs --format env: shell-active values are written (exit 0)" [ $rc -eq 0 ]
(eval "$(cat "$TMP/good.env")"
 [ "$SUBST" = "\$(touch $PWN.1)" ] && [ "$TICK" = "\`touch $PWN.2\`" ] && [ "$QUOTE" = "it's'; touch $PWN.3; '" ] &&
 [ "$SEMI" = "x; touch $PWN.4" ] && [ "$VAR" = "\${HOME:?} \$((1+1)) \\" ] && [ -n "$NODE1_ID" ]) >"$TMP/eval.out" 2>&1
check "eval of the env list assigns every value exactly" [ $? -eq 0 ]
pwned=("$PWN"*)
check "and runs nothing: no file was created" [ ! -e "${pwned[0]}" ]
inert "the env list itself is inert" "$TMP/good.env"
# a newline in a value would split the assignment for a line-by-line reader: refused
sandbox_ctl config '{"extra_outputs":{"Multi":"a\nb"}}'
nx outputs --format env -c environment=hostile >"$TMP/nl.out" 2>"$TMP/nl.err"; rc=$?
check "a value with a newline is refused (exit 1)" [ $rc -eq 1 ]
check "and nothing is written for the shell" [ ! -s "$TMP/nl.out" ]
contains "saying which output" "$TMP/nl.err" "output Multi holds a newline"

# --- cdk.json values echoed by config and validation
mkdir -p "$TMP/repo"
printf '{"context": {"environment": "dev\033]52;c;cHduZWQ=\007\302\233", "instanceType": "p5.48xlarge\342\200\256\033[2J", "volumeSize": "\033[31m9\377"}}\n' >"$TMP/repo/cdk.json"
(cd "$TMP/repo" && nx config >"$TMP/config.out" 2>&1)
inert "config: cdk.json values and their diagnostics inert" "$TMP/config.out" '\x1b]52;c;cHduZWQ=\x07'
(cd "$TMP/repo" && nx config --json >"$TMP/config.json" 2>&1)
inert "config --json: inert" "$TMP/config.json"
(cd "$TMP/repo" && nx status >"$TMP/cstatus.out" 2>&1)
inert "a command refusing the config echoes it inert" "$TMP/cstatus.out"

# --- saved captures with raw bytes
printf 'fi_info: \033[31m\302\233\342\200\256\377\376 bytes\r\n[error] \033]52;c;eA==\007 fi_pingpong\b\177\n' >"$TMP/capture.txt"
for v in "" --raw --json "--raw --json"; do
	# shellcheck disable=SC2086
	run file.out efa-check --from-file "$TMP/capture.txt" $v
	inert "efa-check --from-file ${v:-(text)}: inert" "$TMP/file.out"
done
run file.out efa-check --from-file "$TMP/capture.txt" --raw
inert "efa-check --raw shows invalid bytes as escapes" "$TMP/file.out" '\xff\xfe bytes'
for v in "" --json; do
	# shellcheck disable=SC2086
	run file.out pingpong --from-file "$TMP/capture.txt" $v
	inert "pingpong --from-file ${v:-(text)}: inert" "$TMP/file.out"
done
finish

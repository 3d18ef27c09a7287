#!/bin/sh
# The catalog, config and template subcommands end to end: exit codes, refusals and
# their messages, sources read from a working directory and XDG_CONFIG_HOME. TAP.
NIXL_TUI=${NIXL_TUI:-$(pwd)/nixl-tui}
case "$NIXL_TUI" in /*) ;; *) NIXL_TUI="$(pwd)/$NIXL_TUI" ;; esac
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
mkdir -p "$dir/work" "$dir/xdg/nixl-tui"
cd "$dir/work" || exit 1
export XDG_CONFIG_HOME="$dir/xdg"
unset DEPLOYMENT_ID AWS_PROFILE AWS_DEFAULT_REGION
export AWS_REGION=us-east-1 AWS_CONFIG_FILE="$dir/none" AWS_SHARED_CREDENTIALS_FILE="$dir/none"

n=0; fails=0
check() { # check DESCRIPTION CONDITION-EXIT-STATUS
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fails=$((fails + 1)); fi
}
has() { grep -qF -- "$2" "$1"; }
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }

"$NIXL_TUI" template -c instanceType=inf2.24xlarge >out 2>err; rc=$?
check "no-EFA type refused without --allow-non-efa (exit 1)" $([ $rc -eq 1 ]; echo $?)
check "refusal names --allow-non-efa" $(has err "acknowledge the warning above with --allow-non-efa"; echo $?)
check "refusal prints no template" $([ ! -s out ]; echo $?)

"$NIXL_TUI" template -c instanceType=inf2.24xlarge --allow-non-efa >out 2>err; rc=$?
check "acknowledged no-EFA type gives a template" $([ $rc -eq 0 ] && jq_py out "d['Resources']['Node1']['Properties']['InstanceType'] == 'inf2.24xlarge'"; echo $?)

"$NIXL_TUI" template -c instancetype=p5.48xlarge >out 2>err; rc=$?
check "unknown -c key: exit 1 and the nearest key" $([ $rc -eq 1 ] && has err 'unknown key "instancetype" given with -c (did you mean instanceType?)'; echo $?)

"$NIXL_TUI" template -c instanceType=g5.12xlage >out 2>err; rc=$?
check "not an instance type: exit 1" $([ $rc -eq 1 ] && has err '"g5.12xlage" is not an EC2 instance type'; echo $?)

"$NIXL_TUI" template --json -c nodeCount=3 >out 2>err; rc=$?
check "--json: the template on one line" $([ $rc -eq 0 ] && [ "$(wc -l <out)" -eq 1 ] && jq_py out "'Node3' in d['Resources'] and 'Node4' not in d['Resources']"; echo $?)

"$NIXL_TUI" catalog --json >out 2>err; rc=$?
check "catalog --json: 23 types with EFA counts" $([ $rc -eq 0 ] && jq_py out "len(d) == 23 and {x['instanceType']: x['maxEfaInterfaces'] for x in d}['p5.48xlarge'] == 32 and {x['instanceType']: x['maxEfaInterfaces'] for x in d}['p5en.48xlarge'] == 16"; echo $?)
"$NIXL_TUI" catalog >out 2>err
check "catalog table marks the default" $(has out "(default)"; echo $?)

cat >cdk.json <<'EOF'
{"app": "npx ts-node bin/app.ts",
 "context": {"@aws-cdk/core:enableStackNameDuplicates": true, "instanceType": "p4d.24xlarge",
             "environment": "stage"}}
EOF
echo '{"environment": "ctx", "vllmPort": 9100}' >cdk.context.json
echo '{"nodeCount": 4, "keyName": "mine"}' >"$dir/xdg/nixl-tui/config.json"
DEPLOYMENT_ID=team7 "$NIXL_TUI" config --json -c nodeCount=3 >out 2>err; rc=$?
check "config --json: exit 0 with a keyName warning" $([ $rc -eq 0 ]; echo $?)
check "config: flag beats the user file" $(jq_py out "d['values']['nodeCount'] == {'value': '3', 'source': '-c flag', 'origin': '-c'}"; echo $?)
check "config: cdk.json beats cdk.context.json" $(jq_py out "d['values']['environment']['value'] == 'stage' and d['values']['environment']['source'] == 'cdk.json'"; echo $?)
check "config: cdk.context.json read" $(jq_py out "d['values']['vllmPort']['value'] == '9100' and d['values']['vllmPort']['source'] == 'cdk.context.json'"; echo $?)
check "config: XDG user file read" $(jq_py out "d['values']['keyName']['source'] == 'config file' and d['values']['keyName']['origin'].endswith('/xdg/nixl-tui/config.json')"; echo $?)
check "config: DEPLOYMENT_ID is projectPrefix" $(jq_py out "d['values']['projectPrefix'] == {'value': 'team7', 'source': 'environment', 'origin': 'DEPLOYMENT_ID'}"; echo $?)
check "config: default volume is the recommendation" $(jq_py out "d['values']['volumeSize'] == {'value': '500', 'source': 'default', 'origin': None}"; echo $?)
check "config: stack name and region" $(jq_py out "d['stackName'] == 'team7-nixl-efa-stage-east-1' and d['region'] == 'us-east-1' and d['regionSource'] == 'AWS_REGION'"; echo $?)
check "config: feature flags ignored silently" $(jq_py out "[x['key'] for x in d['diagnostics']] == ['keyName']"; echo $?)

echo '{"nodecount": 4}' >"$dir/xdg/nixl-tui/config.json"
"$NIXL_TUI" config >out 2>err; rc=$?
check "config: unknown key in the user file is an error" $([ $rc -eq 1 ] && has out 'unknown key "nodecount" in '"$dir"'/xdg/nixl-tui/config.json (did you mean nodeCount?)'; echo $?)

echo "1..$n"
[ "$fails" -eq 0 ]

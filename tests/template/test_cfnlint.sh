#!/bin/sh
# needs: cfn-lint
# cfn-lint over the generated template for every catalog type, with and without a
# Capacity Block / capacity reservation, and for the other options (keyName,
# vpc/subnet/zone, MLflow grants, node counts, vLLM port). No errors and no warnings
# allowed. All files go through one cfn-lint run (its start-up is the slow part); the
# result is reported per file. TAP output (plan at the end).
NIXL_TUI=${NIXL_TUI:-./nixl-tui}
if ! command -v cfn-lint >/dev/null 2>&1; then
	echo "# SKIPPED: cfn-lint not found: the templates were NOT linted"
	echo "1..0 # SKIP cfn-lint not found"
	exit 0
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

CR=cr-0123456789abcdef0
MLFLOW="-c mlflowTrackingServerArn=arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/team -c mlflowArtifactBucketArn=arn:aws:s3:::team-mlflow-artifacts"
NET="-c vpcId=vpc-0123456789abcdef0 -c subnetId=subnet-0123456789abcdef0 -c availabilityZone=us-east-1b"

n=0
fails=0
files=""
# gen NAME ARGS...: writes $dir/NAME.json; a failing generation is reported at once.
gen() {
	name=$1; shift
	if "$NIXL_TUI" template --region us-east-1 --allow-non-efa "$@" >"$dir/$name.json" 2>"$dir/$name.err"; then
		files="$files $name"
	else
		n=$((n + 1)); fails=$((fails + 1))
		echo "not ok $n - $name: nixl-tui template failed: $(head -c 300 "$dir/$name.err")"
	fi
}

types=$("$NIXL_TUI" catalog --json | sed -n 's/.*"instanceType":[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$types" ] || { echo "not ok 1 - nixl-tui catalog --json listed no types"; exit 1; }
for t in $types; do
	gen "$t" -c instanceType="$t"
	gen "$t-capacity-block" -c instanceType="$t" -c capacityReservationId=$CR -c useCapacityBlock=true
	gen "$t-reservation" -c instanceType="$t" -c capacityReservationId=$CR
done
for t in g5.12xlarge p5.48xlarge trn1n.32xlarge; do
	gen "$t-key" -c instanceType=$t -c keyName=ops-key
	# shellcheck disable=SC2086
	gen "$t-network" -c instanceType=$t $NET
	# shellcheck disable=SC2086
	gen "$t-mlflow" -c instanceType=$t $MLFLOW
	gen "$t-nodes2" -c instanceType=$t -c nodeCount=2
	gen "$t-nodes4" -c instanceType=$t -c nodeCount=4
done
gen g5.12xlarge-nodes16 -c nodeCount=16
gen g5.12xlarge-port8000 -c vllmPort=8000
gen g4dn.12xlarge-outside-catalog -c instanceType=g4dn.12xlarge
# shellcheck disable=SC2086
gen p5.48xlarge-everything -c instanceType=p5.48xlarge -c nodeCount=4 -c capacityReservationId=$CR \
	-c useCapacityBlock=true -c keyName=ops-key $NET $MLFLOW -c volumeSize=2000 -c environment=prod \
	-c projectPrefix=team7

count=$(echo $files | wc -w)
paths=""
for f in $files; do paths="$paths $dir/$f.json"; done
# shellcheck disable=SC2086
cfn-lint --format parseable -- $paths >"$dir/lint.out" 2>&1
lint_rc=$?
for f in $files; do
	n=$((n + 1))
	if grep -q "^$dir/$f.json:" "$dir/lint.out"; then
		fails=$((fails + 1))
		echo "not ok $n - cfn-lint $f"
		grep "^$dir/$f.json:" "$dir/lint.out" | head -5 | sed "s|^$dir/|# |"
	else
		echo "ok $n - cfn-lint $f"
	fi
done
# anything cfn-lint said that is not tied to a file (a crash, a bad option)
if [ "$lint_rc" -ne 0 ] && [ "$fails" -eq 0 ]; then
	n=$((n + 1)); fails=1
	echo "not ok $n - cfn-lint exited $lint_rc: $(head -c 500 "$dir/lint.out")"
fi
echo "1..$n"
echo "# $count templates linted, $fails with findings"
[ "$fails" -eq 0 ]

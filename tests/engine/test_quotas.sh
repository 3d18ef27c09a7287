#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# Preflight against the account's limits (issue 13 items 1, 2, 8), headless, against the
# sandbox: the Elastic IP quota (default 5, addresses already held, raised), the family's
# On-Demand vCPU quota, GetServiceQuota denied (AWS's default used and said), and the
# catalog disagreeing with DescribeInstanceTypes. Every refusal creates nothing.
. "$(dirname "$0")/../lib.sh"

start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config"
nx() { timeout 240 "$NIXL_TUI" "$@"; }
stack_count() { awscli cloudformation list-stacks --query 'length(StackSummaries[?StackStatus!=`DELETE_COMPLETE`])' --output text; }
eip_count() { awscli ec2 describe-addresses --query 'length(Addresses)' --output text; }
config() { curl -sf -X POST --data "$1" "$SB/_sandbox/config" >/dev/null; }

# --- 6 nodes with the default quota of 5: refused in preflight, nothing created
nx deploy --yes -c environment=six -c nodeCount=6 >"$TMP/six.out" 2>&1; rc=$?
check "6 nodes with the default Elastic IP quota: refused (exit 1)" [ $rc -eq 1 ]
contains "the refusal names the quota and its code" "$TMP/six.out" 'its "EC2-VPC Elastic IPs" quota (L-0263D0A3) allows 5 in us-east-1'
contains "... the need and what is held" "$TMP/six.out" "6 nodes need 6 Elastic IPs, but the account holds 0"
contains "... and how to raise it" "$TMP/six.out" "aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region us-east-1."
lacks "it never reached CreateStack" "$TMP/six.out" "Create stack"
check "no stack was created" [ "$(stack_count)" = 0 ]
check "no Elastic IP was allocated" [ "$(eip_count)" = 0 ]

# --- the quota raised: the same deploy passes preflight (and goes on to ready)
config '{"eip_quota": 6}'
nx deploy --yes -c environment=six -c nodeCount=6 >"$TMP/six2.out" 2>&1; rc=$?
check "with the quota raised to 6 the deploy reaches ready" [ $rc -eq 0 ]
contains "the step line counts it" "$TMP/six2.out" "0 held + 6 for the nodes of the quota of 6"
nx destroy --yes -c environment=six >"$TMP/six3.out" 2>&1
check "after destroy the stack's addresses are released" [ "$(eip_count)" = 0 ]

# --- addresses held outside any stack count: 4 held + 2 nodes > 5
config '{"eip_quota": 5}'
for _ in 1 2 3 4; do awscli ec2 allocate-address --domain vpc >/dev/null; done
nx deploy --yes -c environment=held >"$TMP/held.out" 2>&1; rc=$?
check "an account holding 4 of 5 addresses refuses 2 nodes" [ $rc -eq 1 ]
contains "... saying what is held" "$TMP/held.out" "2 nodes need 2 Elastic IPs, but the account holds 4"
check "... and creates nothing" [ "$(stack_count)" = 0 ] && [ "$(eip_count)" = 4 ]

# --- GetServiceQuota denied: AWS's default of 5 is assumed, and said
config '{"service_quotas_denied": true}'
nx deploy --yes -c environment=denied -c nodeCount=2 >"$TMP/denied.out" 2>&1; rc=$?
check "denied quota call: still refused on the default (4 held + 2 > 5)" [ $rc -eq 1 ]
contains "... naming the default as the source" "$TMP/denied.out" "(AWS's default: GetServiceQuota was denied)"
for a in $(awscli ec2 describe-addresses --query 'Addresses[].AllocationId' --output text); do
	awscli ec2 release-address --allocation-id "$a"
done
nx deploy --yes -c environment=denied -c nodeCount=2 >"$TMP/denied2.out" 2>&1; rc=$?
check "denied, with room on the default: the deploy goes on" [ $rc -eq 0 ]
contains "the Elastic IP step warns that the default was assumed" "$TMP/denied2.out" "GetServiceQuota was denied, so the default was assumed"
contains "the vCPU step says it was not checked" "$TMP/denied2.out" "not checked (allow servicequotas:GetServiceQuota to check it)"
nx destroy --yes -c environment=denied >/dev/null 2>&1
config '{"service_quotas_denied": false}'

# --- the family's vCPU quota: 2 x p4d.24xlarge (2 x 96) against 150
config '{"vcpu_quota": {"P": 150}}'
nx deploy --yes -c environment=vcpu -c instanceType=p4d.24xlarge >"$TMP/vcpu.out" 2>&1; rc=$?
check "2 x p4d.24xlarge past a P quota of 150: refused" [ $rc -eq 1 ]
contains "the refusal names the quota, need and limit" "$TMP/vcpu.out" '2 x p4d.24xlarge need 192 vCPUs but the "Running On-Demand P instances" quota (L-417A185B) is 150 in us-east-1 with 0 in use'
contains "... and how to raise it" "$TMP/vcpu.out" "--quota-code L-417A185B --desired-value 192 --region us-east-1"
check "... nothing created" [ "$(stack_count)" = 0 ] && [ "$(eip_count)" = 0 ]
# running instances of the family count: one p4d (96) held, quota 250, 96 + 192 > 250
config '{"vcpu_quota": {"P": 250}}'
ami=$(awscli ssm get-parameter --name /aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id --query Parameter.Value --output text)
held=$(awscli ec2 run-instances --image-id "$ami" --instance-type p4de.24xlarge --query 'Instances[0].InstanceId' --output text)
nx deploy --yes -c environment=vcpu -c instanceType=p4d.24xlarge >"$TMP/vcpu2.out" 2>&1; rc=$?
check "a running p4de.24xlarge counts against the P quota" [ $rc -eq 1 ]
contains "... 96 in use" "$TMP/vcpu2.out" "is 250 in us-east-1 with 96 in use"
awscli ec2 terminate-instances --instance-ids "$held" >/dev/null
# a running type outside the catalog is not counted, and the step says so
config '{"vcpu_quota": {"P": 384}}'
held=$(awscli ec2 run-instances --image-id "$ami" --instance-type p3.2xlarge --query 'Instances[0].InstanceId' --output text)
nx deploy --yes -c environment=vcpu -c instanceType=p4d.24xlarge >"$TMP/vcpu3.out" 2>&1; rc=$?
check "with a p3.2xlarge running, 2 x p4d.24xlarge fit 384" [ $rc -eq 0 ]
contains "... and the step warns it was not counted" "$TMP/vcpu3.out" "1 running instance(s) of types outside the catalog were not counted"
nx destroy --yes -c environment=vcpu >/dev/null 2>&1
awscli ec2 terminate-instances --instance-ids "$held" >/dev/null

# --- a capacity reservation holds its vCPUs: no On-Demand quota needed, even at 0
config '{"vcpu_quota": {"G": 0}}'
nx deploy --yes -c environment=g0 >"$TMP/g0.out" 2>&1; rc=$?
check "G quota 0: 2 x g5.12xlarge On-Demand refused" [ $rc -eq 1 ]
contains "... naming the G and VT quota" "$TMP/g0.out" '"Running On-Demand G and VT instances" quota (L-DB2E81BA) is 0'
read -r gcr _ < <(awscli ec2 describe-capacity-reservations --filters Name=state,Values=active Name=instance-type,Values=g5.12xlarge \
	--query 'CapacityReservations[?AvailableInstanceCount>=`2`]|[0].[CapacityReservationId,AvailabilityZone]' --output text)
nx deploy --yes -c environment=g0 -c capacityReservationId="$gcr" >"$TMP/g0cr.out" 2>&1; rc=$?
check "... in capacity reservation $gcr the same deploy reaches ready" [ $rc -eq 0 ]
contains "the vCPU step says the reservation covers them" "$TMP/g0cr.out" "the nodes run in $gcr, which holds their vCPUs"
nx destroy --yes -c environment=g0 >/dev/null 2>&1
config '{"vcpu_quota": {"G": 384}}'

# --- the catalog and AWS disagree on EFA interfaces
config '{"efa_interfaces": {"p4d.24xlarge": 2}}'
nx deploy --yes -c environment=efa -c instanceType=p4d.24xlarge >"$TMP/efa.out" 2>&1; rc=$?
check "AWS reports fewer EFA interfaces than the catalog: refused" [ $rc -eq 1 ]
contains "... saying both figures" "$TMP/efa.out" "The catalog gives p4d.24xlarge 4 EFA interface(s) but AWS reports at most 2 in us-east-1"
check "... nothing created" [ "$(stack_count)" = 0 ]
config '{"efa_interfaces": {"p4d.24xlarge": 8}}'
nx deploy --yes --json -c environment=efa -c instanceType=p4d.24xlarge >"$TMP/efa2.json" 2>"$TMP/efa2.err"; rc=$?
check "AWS reports more: a warning, and the deploy goes on" [ $rc -eq 0 ]
contains "... the warning names both" "$TMP/efa2.json" "AWS reports 8 EFA interface(s) on 4 network card(s) for p4d.24xlarge, the catalog 4 on 4"
nx destroy --yes -c environment=efa >/dev/null 2>&1
nx deploy --yes -c environment=inf -c instanceType=inf2.48xlarge -c nodeCount=2 >"$TMP/inf.out" 2>&1; rc=$?
contains "inf2.48xlarge: the sandbox answers the EFA guide's 1 interface, as the catalog" "$TMP/inf.out" "inf2.48xlarge: 192 vCPUs, 1 EFA interface(s) on 1 network card(s), as the catalog says"
nx destroy --yes -c environment=inf >/dev/null 2>&1

finish

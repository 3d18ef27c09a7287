#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# Capacity reservations, Capacity Blocks, placement groups and subnets (issue 13 items 3, 4
# and 5), headless against the sandbox: the rendered template has no placement group with
# a Capacity Block; a Capacity Block and an ODCR in its own placement group deploy to
# ready; an expired, too small, wrong-zone, wrong-platform or wrong-kind reservation and a
# subnet in another zone, a custom VPC with neither a route to an internet gateway nor
# the SSM endpoints, and a root volume below the AMI's snapshot (item 9) are refused
# in preflight with one sentence and nothing created.
. "$(dirname "$0")/../lib.sh"

start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config"
nx() { timeout 240 "$NIXL_TUI" "$@"; }
stack_count() { awscli cloudformation list-stacks --query 'length(StackSummaries[?StackStatus!=`DELETE_COMPLETE`])' --output text; }
# first reservation matching a JMESPath filter: "id type zone"
resv() { awscli ec2 describe-capacity-reservations --query "CapacityReservations[?$1]|[0].[CapacityReservationId,InstanceType,AvailabilityZone]" --output text; }

# --- the template: a Capacity Block gets no placement group, MarketType from the kind
nx template -c instanceType=p5.48xlarge -c capacityReservationId=cr-0123456789abcdef0 -c useCapacityBlock=true >"$TMP/t-block.json" 2>&1
lacks "template with a Capacity Block: no PlacementGroup resource" "$TMP/t-block.json" "AWS::EC2::PlacementGroup"
lacks "template with a Capacity Block: no PlacementGroupName" "$TMP/t-block.json" "PlacementGroupName"
contains "template with a Capacity Block: MarketType capacity-block" "$TMP/t-block.json" '"MarketType":	"capacity-block"'
nx template -c instanceType=g5.12xlarge -c capacityReservationId=cr-0123456789abcdef0 >"$TMP/t-odcr.json" 2>&1
lacks "template with an ODCR not yet described: no placement group forced on it" "$TMP/t-odcr.json" "AWS::EC2::PlacementGroup"
nx template -c instanceType=g5.12xlarge >"$TMP/t-none.json" 2>&1
contains "template without a reservation: its own cluster placement group" "$TMP/t-none.json" "AWS::EC2::PlacementGroup"

before=$(stack_count)
refused() { # name, expected text, deploy args...
	local name=$1 want=$2; shift 2
	nx deploy --yes -c environment="$name" "$@" >"$TMP/$name.out" 2>&1; local rc=$?
	check "$name: refused in preflight" [ $rc -ne 0 ]
	contains "$name: says why" "$TMP/$name.out" "$want"
	check "$name: one sentence" [ "$(grep -c 'nixl-tui deploy:' "$TMP/$name.out")" -le 1 ]
	lacks "$name: no stack was created" "$TMP/$name.out" "Create stack"
}

# --- expired Capacity Block
read -r cr t z < <(resv 'State==`expired` && ReservationType==`capacity-block`')
refused expired "is expired, not active" -c instanceType="$t" -c capacityReservationId="$cr"
# --- too small: 1 available, 2 needed
read -r cr t z < <(resv 'State==`active` && AvailableInstanceCount==`1`')
refused small "has 1 instance(s) available, 2 needed" -c instanceType="$t" -c capacityReservationId="$cr" -c nodeCount=2
# --- another zone than asked for
read -r cr t z < <(resv 'State==`active` && AvailabilityZone!=`us-east-1a` && AvailableInstanceCount>=`2`')
refused zone "not in us-east-1a" -c instanceType="$t" -c capacityReservationId="$cr" -c availabilityZone=us-east-1a
# --- wrong platform
win=$(awscli ec2 create-capacity-reservation --instance-type g5.12xlarge --instance-platform Windows \
	--availability-zone us-east-1a --instance-count 2 --query CapacityReservation.CapacityReservationId --output text)
refused platform "Windows platform" -c instanceType=g5.12xlarge -c capacityReservationId="$win"
# --- useCapacityBlock says the other kind
read -r cr t z < <(resv 'State==`active` && ReservationType==`default` && AvailableInstanceCount>=`2`')
refused kind "but useCapacityBlock is true" -c instanceType="$t" -c capacityReservationId="$cr" -c useCapacityBlock=true
# --- a subnet in another zone than the one asked for
sub=$(awscli ec2 describe-subnets --filters Name=availability-zone,Values=us-east-1b Name=default-for-az,Values=true \
	--query 'Subnets[0].SubnetId' --output text)
refused subnet "is in us-east-1b, but the nodes go to us-east-1a" -c availabilityZone=us-east-1a -c subnetId="$sub"
# --- a subnet in another zone than the reservation's
read -r cr t z < <(resv 'State==`active` && ReservationType==`capacity-block` && AvailableInstanceCount>=`2`')
other=$(awscli ec2 describe-subnets --filters Name=default-for-az,Values=true \
	--query "Subnets[?AvailabilityZone!=\`$z\`]|[0].SubnetId" --output text)
refused subnetresv "the capacity reservation's zone" -c instanceType="$t" -c capacityReservationId="$cr" -c subnetId="$other"
# --- a root volume below the AMI's root snapshot (DescribeImages: 15 GiB in the sandbox)
snap=$(awscli ec2 describe-images --image-ids "$(awscli ssm get-parameter --name /aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id --query Parameter.Value --output text)" \
	--query 'Images[0].BlockDeviceMappings[0].Ebs.VolumeSize' --output text)
refused volume "volumeSize 8 GiB is below the $snap GiB root snapshot" -c instanceType=g5.12xlarge -c volumeSize=8
# --- a custom VPC: no route to an internet gateway and no endpoints -> refused; with the
# route (or the four endpoints) preflight goes on (to the volume refusal, so nothing is made)
vpc=$(awscli ec2 create-vpc --cidr-block 10.9.0.0/16 --query Vpc.VpcId --output text)
vsub=$(awscli ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.9.1.0/24 --availability-zone us-east-1a --query Subnet.SubnetId --output text)
custom=(-c instanceType=g5.12xlarge -c vpcId="$vpc" -c subnetId="$vsub" -c availabilityZone=us-east-1a)
refused noroute "has no VPC endpoint for ssm, ssmmessages, ec2messages, logs" "${custom[@]}"
igw=$(awscli ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
awscli ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc" >/dev/null
rtb=$(awscli ec2 describe-route-tables --filters Name=vpc-id,Values="$vpc" Name=association.main,Values=true --query 'RouteTables[0].RouteTableId' --output text)
awscli ec2 create-route --route-table-id "$rtb" --destination-cidr-block 0.0.0.0/0 --gateway-id "$igw" >/dev/null
refused withroute "volumeSize 8 GiB" "${custom[@]}" -c volumeSize=8
contains "withroute: the route step names the gateway" "$TMP/withroute.out" "routes 0.0.0.0/0 to $igw, attached to $vpc"
vpc2=$(awscli ec2 create-vpc --cidr-block 10.8.0.0/16 --query Vpc.VpcId --output text)
vsub2=$(awscli ec2 create-subnet --vpc-id "$vpc2" --cidr-block 10.8.1.0/24 --availability-zone us-east-1a --query Subnet.SubnetId --output text)
for svc in ssm ssmmessages ec2messages; do
	awscli ec2 create-vpc-endpoint --vpc-id "$vpc2" --vpc-endpoint-type Interface --service-name "com.amazonaws.us-east-1.$svc" --subnet-ids "$vsub2" >/dev/null
done
custom2=(-c instanceType=g5.12xlarge -c vpcId="$vpc2" -c subnetId="$vsub2" -c availabilityZone=us-east-1a)
refused nologs "has no VPC endpoint for logs" "${custom2[@]}"
awscli ec2 create-vpc-endpoint --vpc-id "$vpc2" --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.logs --subnet-ids "$vsub2" >/dev/null
refused endpoints "volumeSize 8 GiB" "${custom2[@]}" -c volumeSize=8
contains "endpoints: the route step says SSM is reached through them" "$TMP/endpoints.out" "reaches SSM through VPC endpoints"
check "nothing was created by the refusals" [ "$(stack_count)" = "$before" ]

# --- a Capacity Block deploys to ready: no placement group, MarketType from ReservationType
# (useCapacityBlock left unset), zone from the block
nx deploy --yes -c environment=block -c instanceType="$t" -c capacityReservationId="$cr" >"$TMP/block.out" 2>&1; rc=$?
check "Capacity Block ($t in $z): deploy exits 0" [ $rc -eq 0 ]
contains "Capacity Block: preflight says no placement group" "$TMP/block.out" "Capacity Block: no placement group"
contains "Capacity Block: reaches ready" "$TMP/block.out" "is ready"
contains "the AMI step names its architecture and root snapshot" "$TMP/block.out" "x86_64, root /dev/sda1 from a $snap GiB snapshot"
lacks "Capacity Block: no PlacementGroup resource in the stack" "$TMP/block.out" "AWS::EC2::PlacementGroup"
nx destroy --yes -c environment=block >/dev/null 2>&1

# --- an ODCR in its own cluster placement group: the nodes go into that group
awscli ec2 create-placement-group --group-name nixl-odcr-pg --strategy cluster >/dev/null
acct=$(awscli sts get-caller-identity --query Account --output text)
odcr=$(awscli ec2 create-capacity-reservation --instance-type g5.12xlarge --instance-platform Linux/UNIX \
	--availability-zone us-east-1a --instance-count 2 --instance-match-criteria targeted \
	--placement-group-arn "arn:aws:ec2:us-east-1:$acct:placement-group/nixl-odcr-pg" \
	--query CapacityReservation.CapacityReservationId --output text)
nx deploy --yes -c environment=odcr -c instanceType=g5.12xlarge -c capacityReservationId="$odcr" >"$TMP/odcr.out" 2>&1; rc=$?
check "ODCR in a placement group: deploy exits 0" [ $rc -eq 0 ]
contains "ODCR: preflight names its placement group" "$TMP/odcr.out" "nodes in its placement group nixl-odcr-pg"
contains "ODCR: reaches ready" "$TMP/odcr.out" "is ready"
nx outputs --json -c environment=odcr >"$TMP/odcr.json"
contains "ODCR: the stack's PlacementGroupName output is the reservation's group" "$TMP/odcr.json" '"PlacementGroupName":"nixl-odcr-pg"'
nx destroy --yes -c environment=odcr >/dev/null 2>&1
finish

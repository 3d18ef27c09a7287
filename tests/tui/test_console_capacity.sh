#!/bin/bash
# needs: moto_server tmux python3 curl
# The wizard's capacity and volume panels in a real terminal (tmux 120x40) against the
# sandbox (issue 13 items 4 and 9): a volume below the AMI's root snapshot is refused as it
# is typed and on Enter; an expired Capacity Block is listed but not selectable, and says
# why; choosing the active block pins the zone to the block's. Private tmux socket, killed
# on exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-cap-$$
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 15 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1

tui_console 120 40 -- -c environment=tuicap

read -r expired_id < <(awscli ec2 describe-capacity-reservations --filters Name=instance-type,Values=p5.48xlarge \
	Name=state,Values=expired --query 'CapacityReservations[0].CapacityReservationId' --output text)
read -r block_id block_zone < <(awscli ec2 describe-capacity-reservations --filters Name=instance-type,Values=p5.48xlarge \
	Name=state,Values=active --query 'CapacityReservations[0].[CapacityReservationId,AvailabilityZone]' --output text)
snap=$(awscli ec2 describe-images --image-ids ami-dca37ea5 --query 'Images[0].BlockDeviceMappings[0].Ebs.VolumeSize' --output text)

expect "opens on the wizard" "1 Instance type > 2 Volume > 3 Capacity > 4 Network > 5 Review" 20
keys / p 5 . 4 8 Enter Enter
expect "the volume panel for p5.48xlarge" "Recommended for p5.48xlarge"
keys BSpace BSpace BSpace BSpace 5
expect "5 GiB is refused as it is typed, naming the AMI's root snapshot" "has a $snap GiB root snapshot: the volume must be at least $snap GiB" 20
keys Enter
expect "... and Enter does not take it" "The AMI's root snapshot is $snap GiB: enter $snap GiB or more."
keys BSpace 1 0 0 0 Enter
expect "capacity: the active block is listed" "$block_id" 20
expect "capacity: the expired block is listed, not selectable" "$expired_id  ${block_zone%?}a  0/1 available  expired    capacity-block not selectable: not active" 20
keys j j Enter
expect "choosing the expired block says why" "Capacity reservation $expired_id is expired, not active"
keys k Enter
expect "the active block is taken: on to the network, its zone chosen" "> $block_zone" 20
keys q
finish

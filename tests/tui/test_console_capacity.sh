#!/bin/bash
# needs: moto_server tmux python3 curl
# The wizard's capacity and volume panels in a real terminal (tmux 120x40) against the
# sandbox (issue 13 items 4 and 9): a volume below the AMI's root snapshot is refused as it
# is typed and on Enter; an expired Capacity Block is listed but not selectable, and says
# why; choosing the active block pins the zone to the block's. Private tmux socket, killed
# on exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

if ! command -v tmux >/dev/null; then echo "1..0 # SKIP tmux is not installed"; exit 0; fi
SOCK=nixl-test-cap-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; cleanup' EXIT

start_sandbox --speed 15 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1

tmux -L "$SOCK" new-session -d -x 120 -y 40 \
	"cd '$TMP' && env -i PATH='$PATH' HOME='$TMP' LANG=C.UTF-8 TERM=tmux-256color TZ=UTC \
	 AWS_ACCESS_KEY_ID='$AWS_ACCESS_KEY_ID' AWS_SECRET_ACCESS_KEY='$AWS_SECRET_ACCESS_KEY' \
	 AWS_ENDPOINT_URL='$SB' AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
	 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	 XDG_STATE_HOME='$TMP/state' XDG_CONFIG_HOME='$TMP/config' \
	 '$NIXL_TUI' -c environment=tuicap; echo EXITED rc=\$?; sleep 60"
screen() { tmux -L "$SOCK" capture-pane -p 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys "$@" 2>/dev/null; }
shows() { wait_for "${2:-10}" sh -c "tmux -L '$SOCK' capture-pane -p 2>/dev/null | grep -qF -- \"\$0\"" "$1"; }
expect() { if shows "$2" "${3:-10}"; then pass "$1"; else fail "$1" "no \"$2\" on screen:" "$(screen)"; fi; }

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

#!/bin/bash
# The layers of src/ (src/README.md): each folder may include headers of its own folder and
# of the folders its line below names, nothing else -- no include upward or sideways. Reads
# every #include "..." line of src/ and fails on an edge the list does not allow, naming the
# file and line. Then the checker is shown to catch an upward edge in a scratch copy. TAP.
source "$(dirname "$0")/../lib.sh"

# folder: the folders it may include (its own always)
allowed() {
	case $1 in
	base) echo "" ;;
	aws) echo "base" ;;
	catalog) echo "base" ;;
	efa) echo "base aws" ;;
	stack) echo "base aws catalog" ;;
	setup) echo "base aws catalog efa" ;;
	core) echo "base aws catalog efa stack setup" ;;
	ui) echo "base aws catalog efa stack setup core" ;;
	cmd) echo "base aws catalog efa stack setup core ui" ;;
	main) echo "cmd" ;;
	*) echo "?" ;;
	esac
}

# prints one line per forbidden edge: file:line: from -> to
edges() { # SRC_DIR
	local src=$1 file from line to ok
	while IFS=: read -r file line text; do
		from=${file#"$src"/}
		case $from in */*) from=${from%%/*} ;; *) from=main ;; esac
		to=$(printf '%s\n' "$text" | sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/.*/\1/p')
		[ -z "$to" ] && { echo "$file:$line: an include without its folder: $text"; continue; }
		[ "$to" = "$from" ] && continue
		ok=0
		for a in $(allowed "$from"); do [ "$a" = "$to" ] && ok=1; done
		[ $ok = 1 ] || echo "$file:$line: $from -> $to"
	done < <(grep -rn --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src")
}

folders=$(cd "$ROOT/src" && find . -mindepth 1 -maxdepth 1 -type d | sed 's#^\./##' | sort)
unknown=""
for f in $folders; do [ "$(allowed "$f")" = "?" ] && unknown="$unknown $f"; done
check "every folder of src/ has a place in the layer list (unlisted:${unknown:- none})" [ -z "$unknown" ]

bad=$(edges "$ROOT/src")
[ -n "$bad" ] && printf '%s\n' "$bad" | sed 's/^/# /' | head -40
check "no include upward or sideways in src/ ($(printf '%s' "$bad" | grep -c . ) found)" [ -z "$bad" ]

# the checker itself: an upward edge (aws -> core) and a sideways one (efa -> setup) planted
# in a copy are both reported, with their file and line
mkdir -p "$TMP/src/aws" "$TMP/src/efa" "$TMP/src/core" "$TMP/src/setup"
printf '#include "aws/x.h"\n#include <stdio.h>\n#include "core/session.h"\n' > "$TMP/src/aws/x.c"
printf '#include "base/sbuf.h"\n#include "setup/tasks.h"\n' > "$TMP/src/efa/y.h"
edges "$TMP/src" > "$TMP/planted"
contains "an upward edge is caught with its place" "$TMP/planted" "$TMP/src/aws/x.c:3: aws -> core"
contains "a sideways edge is caught with its place" "$TMP/planted" "$TMP/src/efa/y.h:2: efa -> setup"
check "nothing else is reported in the copy" [ "$(grep -c . "$TMP/planted")" = 2 ]
finish

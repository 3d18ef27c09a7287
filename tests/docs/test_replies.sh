#!/bin/bash
# tests/fuzz/replies.h lists every AWS reply decoded by a shape table, for test_shape and
# the fuzzers: each SHAPE_XML_REPLY / SHAPE_JSON_REPLY in src/aws and each reply written
# out as `const shape_reply_t NAME_reply = {` must be there, and nothing else. Then the
# check is shown to catch a reply planted in a copy. TAP.
source "$(dirname "$0")/../lib.sh"

defined() { # SRC_DIR: the parse names whose replies src defines
	grep -rhoE --include='*.c' 'SHAPE_(XML|JSON)_REPLY\([[:space:]]*[a-z0-9_]+|^const shape_reply_t [a-z0-9_]+_reply =' "$1" |
		sed -E 's/^SHAPE_(XML|JSON)_REPLY\([[:space:]]*//; s/^const shape_reply_t //; s/_reply =$//' | sort -u
}
listed() { # REPLIES_H
	sed -n 's/^[[:space:]]*REPLY(\([a-z0-9_]*\)),$/\1/p' "$1" | sort -u
}

defined "$ROOT/src" > "$TMP/defined"
listed "$ROOT/tests/fuzz/replies.h" > "$TMP/listed"
missing=$(comm -23 "$TMP/defined" "$TMP/listed")
extra=$(comm -13 "$TMP/defined" "$TMP/listed")
check "src/aws defines replies ($(grep -c . "$TMP/defined"))" [ "$(grep -c . "$TMP/defined")" -ge 30 ]
check "every reply src/aws defines is in tests/fuzz/replies.h (missing: ${missing:-none})" [ -z "$missing" ]
check "replies.h lists no reply src/aws does not define (extra: ${extra:-none})" [ -z "$extra" ]

# the check itself: a reply planted in a copy of src/aws is reported missing
mkdir -p "$TMP/src/aws"
cp "$ROOT"/src/aws/*.c "$TMP/src/aws/"
printf 'SHAPE_JSON_REPLY(x_parse_planted, x_free, x_t, x_shape, "x")\n' >> "$TMP/src/aws/ssm.c"
defined "$TMP/src" > "$TMP/defined2"
check "a planted reply is found" bash -c "comm -23 '$TMP/defined2' '$TMP/listed' | grep -qx x_parse_planted"
finish

#!/usr/bin/env bash
# README.md carries the console's key list as the action table prints it, and the two
# commands a new user types.
. "$(dirname "$0")/../lib.sh"
"$NIXL_TUI" keys --markdown | sed 's/^### /#### /' >"$TMP/keys.md"
python3 - "$ROOT/README.md" "$TMP/keys.md" <<'PY' >"$TMP/diff"
import sys
readme, keys = open(sys.argv[1]).read(), open(sys.argv[2]).read()
sys.exit(0 if keys.strip() in readme else 1)
PY
check "README's key list is the action table's (nixl-tui keys --markdown)" [ $? -eq 0 ]
check "README gives make run" grep -q '^make run ' "$ROOT/README.md"
check "README gives make test" grep -q '^make test ' "$ROOT/README.md"
# the CI command README gives, line for line in .ci/run
ci=$(sed -n '/^CI (`.ci\/run`)/,/^```$/{/^make /p}' "$ROOT/README.md" | sed -n '/^make /{p;q}')
check "README gives CI's test command ($ci)" [ -n "$ci" ]
check ".ci/run runs the README's test command" grep -qxF -- "$ci" "$ROOT/.ci/run"
finish

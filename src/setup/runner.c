#include "setup/runner.h"

#include <stdio.h>
#include <stdlib.h>

/* Real files (testable with bash -n, jq); the assembler embeds them and the Makefile
 * makes this object depend on them. */
__asm__(".pushsection .rodata\n"
        ".global nixl_task_runner_sh\n"
        ".hidden nixl_task_runner_sh\n"
        "nixl_task_runner_sh:\n"
        ".incbin \"src/setup/scripts/task_runner.sh\"\n"
        ".byte 0\n"
        ".global nixl_default_tasks_json\n"
        ".hidden nixl_default_tasks_json\n"
        "nixl_default_tasks_json:\n"
        ".incbin \"src/setup/tasks/nixl-node.json\"\n"
        ".byte 0\n"
        ".popsection\n");
extern const char nixl_task_runner_sh[];
extern const char nixl_default_tasks_json[];

const char *setup_runner_text(void) { return nixl_task_runner_sh; }
const char *setup_default_tasks_text(void) { return nixl_default_tasks_json; }

char *setup_script(const char *plan, int reset)
{
	/* The plan is base64 and keyword lines, the runner our own file: neither holds a
	 * line equal to the here-documents' delimiters. */
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	if (!f) return NULL;
	fprintf(f, "d=$(mktemp -d \"${TMPDIR:-/tmp}/nixl-setup.XXXXXX\") || exit 2\n"
	           "trap 'rm -rf \"$d\"' EXIT\n"
	           "trap 'kill -TERM \"$pid\" 2>/dev/null; wait \"$pid\"; exit 143' TERM\n"
	           "cat >\"$d/runner.sh\" <<'NIXL_RUNNER_END'\n%s", setup_runner_text());
	fprintf(f, "NIXL_RUNNER_END\ncat >\"$d/plan\" <<'NIXL_PLAN_END'\n%sNIXL_PLAN_END\n", plan);
	fprintf(f, "bash \"$d/runner.sh\" \"$d/plan\"%s &\npid=$!\nwait \"$pid\"\n", reset ? " --reset" : "");
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

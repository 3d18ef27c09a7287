/* `nixl-tui template [-c key=value ...] [--json]`: the CloudFormation template for the
 * resolved configuration on stdout. Plain: indented JSON for people and diffs; --json:
 * the same template on one line (compact, for pipes). Diagnostics go to stderr; errors,
 * or an unacknowledged non-EFA instance type, print no template and exit 1. */
#include <stdio.h>
#include <stdlib.h>

#include "stack/template.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/settings.h"

int cmd_template(cli_t *cli)
{
	cmd_settings_t st;
	if (cmd_settings_open(&st, cli, "template") != 0) return 2;
	int rc = 1;
	if (!settings_report(stderr, &st.diags, cli->allow_non_efa)) {
		/* the same template the deploy step sends: Owner from the configuration */
		char *text = template_render(&st.cfg, NULL, !cli->json);
		if (text) {
			puts(text);
			free(text);
			rc = 0;
		} else {
			fprintf(stderr, "nixl-tui template: out of memory\n");
		}
	}
	cmd_settings_close(&st);
	return rc;
}

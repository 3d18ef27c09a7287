/* `nixl-tui template [-c key=value ...] [--json]`: the CloudFormation template for the
 * resolved configuration on stdout. Plain: indented JSON for people and diffs; --json:
 * the same template on one line (compact, for pipes). Diagnostics go to stderr; errors,
 * or an unacknowledged non-EFA instance type, print no template and exit 1. */
#include <stdio.h>
#include <stdlib.h>

#include "stack/template.h"
#include "cmd/cmd.h"
#include "core/settings.h"

int cmd_template(cli_t *cli)
{
	if (cli->nargs > 0) {
		fprintf(stderr, "nixl-tui template: unexpected argument \"%s\"\n", cli->args[0]);
		return 2;
	}
	config_t cfg;
	config_diags_t diags = { 0 };
	const char *from;
	char *region = settings_region(cli->region, cli->profile, &from);
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, region, &diags);
	int rc = 1;
	if (!settings_report(stderr, &diags, cli->allow_non_efa)) {
		/* the same template the deploy step sends: Owner from the configuration */
		char *text = template_render(&cfg, NULL, !cli->json);
		if (text) {
			puts(text);
			free(text);
			rc = 0;
		} else {
			fprintf(stderr, "nixl-tui template: out of memory\n");
		}
	}
	config_diags_free(&diags);
	config_free(&cfg);
	free(region);
	return rc;
}

/* `nixl-tui tui` (also `nixl-tui` with no command): the console over the session.
 * `nixl-tui keys [--markdown] [--read-only]`: the console's keys, from its action table
 * (the README's key list is `nixl-tui keys --markdown`). */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/textsafe.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/session.h"
#include "core/settings.h"
#include "efa/pingpong_run.h"
#include "setup/runner.h"
#include "setup/tasks.h"
#include "ui/action.h"
#include "ui/mfa.h"
#include "ui/tty.h"
#include "ui/ui.h"

typedef struct tui_flags {
	int no_mouse, no_color, markdown;
	const char *provider, *sizes, *iterations;
	const char *tasks;  /* --tasks FILE: the task file S sends (NULL: the default one) */
} tui_flags_t;

/* The ping-pong's -S and -I as the pingpong command takes them, checked before the
 * console opens rather than when p is pressed. */
static int check_pp_flags(const tui_flags_t *f, char *err, size_t errlen)
{
	const size_t most = sizeof ((session_t *)0)->pp_sizes - 1;
	char why[100];
	if (f->sizes && strlen(f->sizes) > most) {
		snprintf(err, errlen, "--sizes: at most %zu characters", most);
		return -1;
	}
	if (f->sizes && pp_sizes_check(f->sizes, why, sizeof why) < 0) {
		snprintf(err, errlen, "--sizes: %s", why);
		return -1;
	}
	if (f->iterations) {
		char *end;
		long v = strtol(f->iterations, &end, 10);
		if (*end || end == f->iterations || v < 1 || v > 100000000) {
			snprintf(err, errlen, "--iterations must be a number from 1 to 100000000");
			return -1;
		}
	}
	return 0;
}

/* The command's own flags; the common ones are already in cli. */
static int parse_flags(const cli_t *cli, const char *cmd, tui_flags_t *f)
{
	char err[128];
	static const struct { const char *name; size_t off; } known[] = {
		{ "--no-mouse", offsetof(tui_flags_t, no_mouse) },
		{ "--no-color", offsetof(tui_flags_t, no_color) },
		{ "--markdown", offsetof(tui_flags_t, markdown) },
	};
	memset(f, 0, sizeof *f);
	for (int i = 0; i < cli->nargs; i++) {
		int r = cli_take_value(cli, &i, "--provider", &f->provider, err, sizeof err);
		if (r == 0) r = cli_take_value(cli, &i, "--sizes", &f->sizes, err, sizeof err);
		if (r == 0) r = cli_take_value(cli, &i, "--iterations", &f->iterations, err, sizeof err);
		if (r == 0) r = cli_take_value(cli, &i, "--tasks", &f->tasks, err, sizeof err);
		if (r < 0) {
			fprintf(stderr, "nixl-tui %s: %s\n", cmd, err);
			return -1;
		}
		if (r == 1) continue;
		size_t k;
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strcmp(cli->args[i], known[k].name) == 0) break;
		if (k == sizeof known / sizeof known[0]) {
			fprintf(stderr, "nixl-tui %s: unexpected argument \"%s\"\n", cmd, cli->args[i]);
			return -1;
		}
		*(int *)((char *)f + known[k].off) = 1;
	}
	if (check_pp_flags(f, err, sizeof err) < 0) {
		fprintf(stderr, "nixl-tui %s: %s\n", cmd, err);
		return -1;
	}
	return 0;
}

int cmd_keys(cli_t *cli)
{
	tui_flags_t f;
	if (parse_flags(cli, "keys", &f) < 0) return 2;
	if (f.markdown) {
		action_write_markdown(stdout, cli->read_only);
		return 0;
	}
	for (size_t s = 0; s < action_nsections; s++) {
		printf("%s%s\n", s ? "\n" : "", action_sections[s].title);
		for (size_t i = 0; i < action_count; i++) {
			const ui_action_t *a = &action_table[i];
			if (!action_in_section(a, s) || (cli->read_only && (a->flags & ACT_DANGEROUS))) continue;
			char keys[64], cmd[64] = "";
			action_keys_text(a, keys, sizeof keys);
			if (a->flags & ACT_COMMAND)
				snprintf(cmd, sizeof cmd, ":%s%s%s", a->name, a->args ? " " : "", a->args ? a->args : "");
			printf("  %-16s %-26s %s\n", keys, cmd, a->help);
		}
	}
	return 0;
}

/* The task file S sends, refused here (one sentence) rather than when S is pressed. */
static int load_tasks(session_t *s, const char *path)
{
	char *text = NULL, err[256];
	size_t len = 0;
	if (path && file_read(path, TASKS_MAX_BYTES, &text, &len) < 0) {
		if (errno == EFBIG)
			fprintf(stderr, "nixl-tui tui: %s is larger than %d bytes, more than a node is sent: split it.\n", path,
			        TASKS_MAX_BYTES);
		else
			fprintf(stderr, "nixl-tui tui: cannot read %s: %s.\n", path, strerror(errno));
		return -1;
	}
	const char *t = path ? text : setup_default_tasks_text();
	int rc = session_setup_set_tasks(s, path ? path : "the default task file", t, path ? len : strlen(t), err,
	                                 sizeof err);
	if (rc < 0) textsafe_printf(stderr, "nixl-tui tui: %s: %s\n", path ? path : "the default task file", err);
	free(text);
	return rc;
}

static ui_t *the_ui;

/* Ctrl-C is q (it asks while something runs); a second one, or SIGTERM, quits at once. */
static void on_signal(loop_t *l, int signo, void *ud)
{
	session_t *s = ud;
	if (signo == SIGINT && the_ui && the_ui->modal != UI_MODAL_DIALOG) {
		ui_key(the_ui, 'q');
		ui_render(the_ui);
		return;
	}
	session_detach(s);
	if (the_ui) the_ui->quit = 1;
	loop_stop(l);
}

int cmd_tui(cli_t *cli)
{
	tui_flags_t f;
	if (parse_flags(cli, "tui", &f) < 0) return 2;
	setlocale(LC_ALL, "");
	/* An MFA role is assumed while the client opens: its code is asked in the console's
	 * dialog (on a screen of its own until the console starts), not on /dev/tty. */
	ui_mfa_install(NULL);
	cmd_env_t env;
	if (cmd_env_open_console(&env, cli, "tui") < 0) {
		/* issue 14 item 17: the way to try the console without an account */
		if (env.no_creds)
			fprintf(stderr, "nixl-tui tui: without an AWS account, try the console on the sandbox: run "
			        "nixl-tui sandbox in another terminal and start nixl-tui with what it prints.\n");
		ui_mfa_uninstall();
		return 1;
	}
	config_t cfg;
	config_diags_t diags = { 0 };
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env.aws), &diags);
	/* Errors stop here; warnings show in the wizard's review. */
	int errors = (int)config_diags_count(&diags, CONFIG_ERROR);
	if (errors) settings_report(stderr, &diags, 1);
	config_diags_free(&diags);
	session_t *s = errors ? NULL : session_new(env.loop, env.aws, &cfg);
	int rc = 1;
	if (!s) goto out;
	if (cli->allow_non_efa) session_acknowledge(s);
	/* The ping-pong's libfabric provider: efa, unless told (tcp on the sandbox's nodes). */
	if (f.provider) snprintf(s->pp_provider, sizeof s->pp_provider, "%s", f.provider);
	if (f.sizes) snprintf(s->pp_sizes, sizeof s->pp_sizes, "%s", f.sizes);
	if (f.iterations) s->pp_iterations = atoi(f.iterations);
	if (load_tasks(s, f.tasks) < 0) {
		rc = 2;
		goto out;
	}
	if (tty_open(!f.no_mouse) < 0) {
		fprintf(stderr, "nixl-tui: the console needs a terminal on stdin and stdout; "
		        "the headless commands work without one (nixl-tui help)\n");
		rc = 2;
		goto out;
	}
	ui_opts_t o = {
		.read_only = cli->read_only,
		.mouse = !f.no_mouse,
		.color = !f.no_color && !getenv("NO_COLOR"),
		.unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0,
		.creds = aws_client_creds_source(env.aws),
		.dump_path = getenv("NIXL_TUI_DUMP"),
	};
	the_ui = ui_new(s, &ops_session, &o);
	if (!the_ui || ui_start(the_ui, env.loop) < 0) {
		tty_close();
		fprintf(stderr, "nixl-tui: the console could not start\n");
		goto out;
	}
	ui_mfa_install(the_ui); /* a role assumed again mid-run asks over the screen */
	loop_signal_watch(env.loop, SIGINT, on_signal, s);
	loop_signal_watch(env.loop, SIGTERM, on_signal, s);
	/* Re-attach: the screen follows the phase the stack is found in. */
	session_attach(s);
	ui_render(the_ui);
	loop_run(env.loop, &the_ui->quit, 0);
	int busy = ui_busy(the_ui);
	ui_mfa_uninstall();
	ui_free(the_ui);
	the_ui = NULL;
	tty_close();
	if (busy)
		textsafe_printf(stdout, "nixl-tui: %s is %s and goes on in AWS; run nixl-tui again to re-attach.\n", s->stack_name,
		       s->stack_status[0] ? s->stack_status : session_phase_name(s->phase));
	else if (s->phase == SESS_READY) /* no surprise on the bill: what outlives the console */
		textsafe_printf(stdout, "nixl-tui: %s is up in %s: its %zu instance(s) are billed until it is "
		                "destroyed (D in the console, or nixl-tui destroy).\n", s->stack_name,
		                aws_client_region(env.aws), s->nnodes);
	else if (s->phase == SESS_DELETE_FAILED)
		textsafe_printf(stdout, "nixl-tui: %s could not be deleted: what is left of it is still billed; "
		                "nixl-tui destroy tries again.\n", s->stack_name);
	rc = 0;
out:
	ui_mfa_uninstall();
	session_free(s);
	config_free(&cfg);
	cmd_env_close(&env);
	return rc;
}

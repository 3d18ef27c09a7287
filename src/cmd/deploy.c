/* Headless deploy, destroy and watch: the session model driven to the end, printed as
 * one line per step and event (or JSON lines). Ctrl-C stops watching, never the stack
 * operation, and says how to re-attach. */
#include <cjson/cJSON.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/textsafe.h"
#include "base/isotime.h"
#include "base/jsonobj.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/session.h"
#include "core/settings.h"

/* per call: 40% of calls failing still completes a deploy (1 in 10^4 calls gives up) */
enum { ENGINE_MAX_ATTEMPTS = 10 };

typedef struct printer {
	const char *cmd;
	int json;
	size_t steps_done;   /* steps printed in their final state */
	int step_running_printed;
	size_t events_printed;
	int state_problem_said;
	sess_phase_t last_phase;
	int interrupted;
	int done;
	sess_phase_t want;   /* the phase that means success */
} printer_t;

static const char *const step_marks[] = { "..", "..", "ok", "!!", "XX" };

static void json_line(cJSON *o)
{
	cmd_print_json(o, 0);
	cJSON_Delete(o);
}

static void print_step(printer_t *pr, const sess_step_t *st)
{
	static const char *const names[] = { "pending", "running", "ok", "warning", "failed" };
	if (pr->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "step");
		cJSON_AddStringToObject(o, "step", st->name);
		cJSON_AddStringToObject(o, "state", names[st->state]);
		json_add_text(o, "detail", st->detail);
		json_line(o);
	} else {
		textsafe_printf(stdout, "[%s] %-20s %s\n", step_marks[st->state], st->name, st->detail);
	}
}

static void print_event(printer_t *pr, const sess_event_t *e)
{
	char ts[32];
	struct tm tm;
	gmtime_r(&e->ts, &tm);
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	if (pr->json) {
		char iso[40];
		isotime_format_ms(e->ts, e->ms, iso, sizeof iso);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "event");
		cJSON_AddStringToObject(o, "timestamp", iso);
		json_add_text(o, "logicalId", e->logical_id); /* null: CloudFormation did not name it */
		json_add_text(o, "resourceType", e->type);
		cJSON_AddStringToObject(o, "status", e->status);
		json_add_text(o, "reason", e->reason);
		json_line(o);
	} else {
		textsafe_printf(stdout, "%s  %-22s %-34s %-20s %s\n", ts, e->status, e->type, e->logical_id, e->reason);
	}
}

static void on_change(void *ud, session_t *s, unsigned what)
{
	printer_t *pr = ud;
	(void)what;
	/* steps: print each once when it ends (and a running one once, so long steps show) */
	while (pr->steps_done < s->nsteps) {
		const sess_step_t *st = &s->steps[pr->steps_done];
		if (st->state == STEP_RUNNING) {
			if (!pr->step_running_printed && !pr->json) {
				print_step(pr, st);
				pr->step_running_printed = 1;
			}
			break;
		}
		print_step(pr, st);
		pr->step_running_printed = 0;
		pr->steps_done++;
	}
	for (; pr->events_printed < s->nevents; pr->events_printed++) print_event(pr, &s->events[pr->events_printed]);
	if (s->state_problem[0] && !pr->state_problem_said) {
		fprintf(stderr, "nixl-tui %s: %s\n", pr->cmd, s->state_problem);
		pr->state_problem_said = 1;
	}
	if (s->phase != pr->last_phase) {
		pr->last_phase = s->phase;
		if (pr->json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "phase");
			cJSON_AddStringToObject(o, "phase", session_phase_name(s->phase));
			json_add_text(o, "stackStatus", s->stack_status);
			json_line(o);
		} else if (!session_phase_final(s->phase)) {
			if (s->total_resources)
				textsafe_printf(stdout, "-- %s: %s (%zu/%zu resources)\n", s->stack_name, session_phase_name(s->phase),
				       s->completed, s->total_resources);
			else
				textsafe_printf(stdout, "-- %s: %s\n", s->stack_name, session_phase_name(s->phase));
		}
	}
	fflush(stdout);
	if (session_phase_final(s->phase)) pr->done = 1;
}

static void on_sigint(loop_t *l, int signo, void *ud)
{
	(void)signo;
	printer_t *pr = ud;
	pr->interrupted = 1;
	loop_stop(l);
}

static void print_result(printer_t *pr, session_t *s)
{
	double secs = (double)((s->finished_ms ? s->finished_ms : loop_now_ms()) - s->started_ms) / 1000.0;
	int ok = s->phase == pr->want;
	if (pr->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "result");
		cJSON_AddBoolToObject(o, "ok", ok);
		cJSON_AddStringToObject(o, "phase", session_phase_name(s->phase));
		cJSON_AddStringToObject(o, "stackName", s->stack_name);
		json_add_text(o, "stackId", s->stack_id);
		json_add_text(o, "stackStatus", s->stack_status);
		cJSON_AddNumberToObject(o, "seconds", secs);
		cJSON_AddNumberToObject(o, "apiCalls", s->api_calls);
		json_add_text(o, "rootCause", s->root_cause);
		json_add_text(o, "rootCauseResource", s->root_cause_resource);
		cJSON *outs = cJSON_AddObjectToObject(o, "outputs");
		for (size_t i = 0; i < s->noutputs; i++) json_add_text(outs, s->outputs[i].key, s->outputs[i].value);
		json_line(o);
		return;
	}
	if (ok && pr->want == SESS_READY) {
		textsafe_printf(stdout, "\n%s is ready in %.0f s: %zu node(s), SSM Online\n", s->stack_name, secs, s->nnodes);
		for (size_t i = 0; i < s->noutputs; i++) textsafe_printf(stdout, "  %-22s %s\n", s->outputs[i].key, s->outputs[i].value);
	} else if (ok) {
		textsafe_printf(stdout, "\n%s: %s in %.0f s\n", s->stack_name, session_phase_name(s->phase), secs);
	} else {
		if (s->root_cause_resource[0])
			textsafe_printf(stderr, "\nnixl-tui %s: %s %s: %s: %s\n", pr->cmd, s->stack_name,
			        session_phase_name(s->phase), s->root_cause_resource, s->root_cause);
		else
			textsafe_printf(stderr, "\nnixl-tui %s: %s %s: %s\n", pr->cmd, s->stack_name, session_phase_name(s->phase),
			        s->root_cause[0] ? s->root_cause : s->stack_status);
		if (s->phase == SESS_DELETE_FAILED)
			textsafe_printf(stderr, "  Fix the cause, then run `nixl-tui destroy` again: it resumes.\n");
	}
}

/* Asks on the terminal; 1 = yes. */
static int confirm(const char *question)
{
	textsafe_printf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char line[32];
	if (!fgets(line, sizeof line, stdin)) return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

typedef enum { RUN_DEPLOY, RUN_DESTROY, RUN_WATCH } run_kind_t;

static int run(cli_t *cli, run_kind_t kind)
{
	static const char *const names[] = { "deploy", "destroy", "watch" };
	const char *name = names[kind];
	const char *on_failure = NULL;
	char err[256];
	int verify = 0;
	for (int i = 0; i < cli->nargs; i++) {
		if (kind == RUN_DEPLOY && strcmp(cli->args[i], "--verify") == 0) {
			verify = 1;
			continue;
		}
		int r = kind == RUN_DEPLOY ? cli_take_value(cli, &i, "--on-failure", &on_failure, err, sizeof err) : 0;
		if (r < 0) {
			textsafe_printf(stderr, "nixl-tui %s: %s\n", name, err);
			return 2;
		}
		if (r == 0) {
			textsafe_printf(stderr, "nixl-tui %s: unexpected argument \"%s\"\n", name, cli->args[i]);
			return 2;
		}
	}
	cmd_env_t env;
	if (cmd_env_open_ex(&env, cli, name, ENGINE_MAX_ATTEMPTS) < 0) return 1;
	config_t cfg;
	config_diags_t diags = {0};
	config_init(&cfg);
	settings_resolve(&cfg, cli->ctx, cli->nctx, aws_client_region(env.aws), &diags);
	/* teardown and watch only need the stack name: warnings about the type do not block them */
	int blocked = kind == RUN_DEPLOY ? settings_report(stderr, &diags, cli->allow_non_efa)
	                                 : config_diags_count(&diags, CONFIG_ERROR) > 0;
	if (kind != RUN_DEPLOY && blocked) settings_report(stderr, &diags, 1);
	config_diags_free(&diags);
	int rc = 1;
	session_t *s = blocked ? NULL : session_new(env.loop, env.aws, &cfg);
	if (!s) goto out;
	if (cli->allow_non_efa) session_acknowledge(s);
	if (kind != RUN_WATCH && !cli->yes) {
		if (!isatty(STDIN_FILENO)) {
			textsafe_printf(stderr, "nixl-tui %s: refusing to %s stack %s without confirmation: pass --yes "
			        "(there is no terminal to ask on)\n", name, kind == RUN_DEPLOY ? "create" : "delete",
			        s->stack_name);
			goto out;
		}
		char plan[2048], q[2300];
		if (kind == RUN_DEPLOY) {
			session_headless_command(s, plan, sizeof plan);
			textsafe_printf(stderr, "Plan: stack %s in %s (%s), %s x %ld, %ld GB gp3\n  %s\n", s->stack_name,
			        s->region, s->endpoint, config_instance_type(&cfg), config_int(&cfg, CONFIG_NODE_COUNT),
			        config_int(&cfg, CONFIG_VOLUME_SIZE), plan);
			snprintf(q, sizeof q, "Create these AWS resources (they cost money while they run)?");
		} else {
			snprintf(q, sizeof q, "Delete stack %s in %s and everything in it?", s->stack_name, s->region);
		}
		if (!confirm(q)) {
			textsafe_printf(stderr, "nixl-tui %s: not confirmed; nothing done\n", name);
			goto out;
		}
	}
	printer_t pr = { .cmd = name, .json = cli->json, .last_phase = SESS_IDLE,
	                 .want = kind == RUN_DESTROY ? SESS_DELETED : SESS_READY };
	session_observe(s, on_change, &pr);
	loop_signal_watch(env.loop, SIGINT, on_sigint, &pr);
	loop_signal_watch(env.loop, SIGTERM, on_sigint, &pr);
	int started = kind == RUN_DEPLOY ? session_deploy(s, on_failure)
	            : kind == RUN_DESTROY ? session_teardown(s) : session_attach(s);
	if (started < 0) {
		loop_run(env.loop, NULL, loop_now_ms() + 50); /* let the observer print the steps */
		on_change(&pr, s, 0);
		print_result(&pr, s);
		goto out;
	}
	while (!pr.done && !pr.interrupted) {
		if (loop_run_once(env.loop, -1) < 0) break;
		/* watch: nothing to follow is an answer too */
		if (kind == RUN_WATCH && s->phase == SESS_IDLE && !pr.done && s->api_replies > 0) break;
	}
	on_change(&pr, s, 0);
	if (pr.interrupted) {
		textsafe_printf(stderr, "\nStopped watching %s; the stack operation goes on in AWS. Re-attach with: "
		        "nixl-tui watch%s%s\n", s->stack_name, cli->region ? " --region " : "", cli->region ? cli->region : "");
		rc = 130;
		goto out;
	}
	if (kind == RUN_WATCH && s->phase == SESS_IDLE) {
		textsafe_printf(stderr, "nixl-tui watch: stack %s does not exist in %s\n", s->stack_name, s->region);
		goto out;
	}
	print_result(&pr, s);
	rc = s->phase == pr.want ? 0 : 1;
out:
	session_free(s);
	config_free(&cfg);
	cmd_env_close(&env);
	if (rc == 0 && verify) { /* ready: the same process goes on as `nixl-tui verify` */
		const char *args[] = { "verify", cli->json ? "--json" : NULL, NULL }, *argv[64];
		cmd_self_argv(cli, args, argv, 64);
		fflush(NULL);
		execv(argv[0], (char *const *)argv);
		textsafe_printf(stderr, "nixl-tui deploy: cannot start verify: %s\n", strerror(errno));
		rc = 1;
	}
	return rc;
}

int cmd_deploy(cli_t *cli) { return run(cli, RUN_DEPLOY); }
int cmd_destroy(cli_t *cli) { return run(cli, RUN_DESTROY); }
int cmd_watch(cli_t *cli) { return run(cli, RUN_WATCH); }

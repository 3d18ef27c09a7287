/* The session's shared parts: lifecycle, observers, steps, resources, outputs, nodes. */
#include "base/grow.h"
#include "base/sbuf.h"
#include "core/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/template.h"
#include "core/session_priv.h"

/* The one place the phases' questions are answered: their name, whether an operation on
 * the stack runs (the elapsed time ticks), whether it ended (ready, failed, deleted), and
 * whether the stack is being or was torn down. */
static const struct {
	const char *name;
	unsigned char running, final, teardown;
} phases[] = {
	[SESS_IDLE] = { "idle", 0, 0, 0 },
	[SESS_PREFLIGHT] = { "preflight", 1, 0, 0 },
	[SESS_CREATING] = { "creating", 1, 0, 0 },
	[SESS_WAIT_AGENTS] = { "waiting for SSM agents", 1, 0, 0 },
	[SESS_READY] = { "ready", 0, 1, 0 },
	[SESS_FAILED] = { "failed", 0, 1, 0 },
	[SESS_DELETING] = { "deleting", 1, 0, 1 },
	[SESS_DELETED] = { "deleted", 0, 1, 1 },
	[SESS_DELETE_FAILED] = { "delete failed", 0, 1, 1 },
};

static int phase_known(sess_phase_t p) { return (size_t)p < sizeof phases / sizeof phases[0]; }
const char *session_phase_name(sess_phase_t p) { return phase_known(p) ? phases[p].name : "?"; }
int session_phase_running(sess_phase_t p) { return phase_known(p) && phases[p].running; }
int session_phase_final(sess_phase_t p) { return phase_known(p) && phases[p].final; }
int session_phase_teardown(sess_phase_t p) { return phase_known(p) && phases[p].teardown; }

/* Every request of the client counts, not only the session's own callbacks. */
static void on_request(void *ud)
{
	session_t *s = ud;
	s->api_calls = aws_client_requests(SP(s)->aws);
	sess_notify(s, 0);
}

session_t *session_new(loop_t *loop, struct aws_client *aws, const struct config *cfg)
{
	session_t *s = calloc(1, sizeof *s);
	struct session_priv *p = calloc(1, sizeof *p);
	if (!s || !p) { free(s); free(p); return NULL; }
	s->priv = p;
	p->loop = loop;
	p->aws = aws;
	p->poll_ms = 1000;
	config_init(&p->cfg);
	session_set_config(s, cfg);
	snprintf(s->region, sizeof s->region, "%s", aws_client_region(aws));
	const char *ep = aws_client_endpoint(aws, "cloudformation");
	snprintf(s->endpoint, sizeof s->endpoint, "%s", ep ? ep : "");
	s->api_calls = aws_client_requests(aws);
	aws_client_on_request(aws, on_request, s);
	ep = aws_client_endpoint_configured(aws, "ssm");
	snprintf(s->ssm_endpoint, sizeof s->ssm_endpoint, "%s", ep ? ep : "");
	return s;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) free(v[i]);
	free(v);
}

void session_free(session_t *s)
{
	if (!s) return;
	struct session_priv *p = SP(s);
	p->closing = 1;
	aws_client_on_request(p->aws, NULL, s);
	for (int ch = 0; ch < CH_COUNT; ch++)
		if (p->call[ch]) aws_call_cancel(p->call[ch]);
	sess_watch_stop(s);
	if (p->agents_timer) loop_timer_cancel(p->loop, p->agents_timer);
	if (p->notify_timer) loop_timer_cancel(p->loop, p->notify_timer);
	sess_nodes_free(s);
	free_strv(p->seen, p->nseen);
	free_strv(p->page_ids, p->npage);
	free(p->page);
	free(p->template_body);
	config_free(&p->cfg);
	free(s->steps); free(s->resources); free(s->events); free(s->outputs);
	free(s->lookup.reservations); free(s->lookup.offerings); free(s->lookup.vpcs); free(s->lookup.stacks);
	free(p);
	free(s);
}

void session_observe(session_t *s, sess_observer_cb cb, void *ud)
{
	struct session_priv *p = SP(s);
	if (p->nobs < sizeof p->obs / sizeof p->obs[0]) {
		p->obs[p->nobs].cb = cb;
		p->obs[p->nobs++].ud = ud;
	}
}

int session_set_config(session_t *s, const struct config *cfg)
{
	struct session_priv *p = SP(s);
	config_free(&p->cfg);
	config_init(&p->cfg);
	for (int k = 0; cfg && k < CONFIG_KEY_COUNT; k++) {
		if (!cfg->value[k]) continue;
		p->cfg.value[k] = strdup(cfg->value[k]);
		p->cfg.source[k] = cfg->source[k];
		p->cfg.origin[k] = cfg->origin[k] ? strdup(cfg->origin[k]) : NULL;
	}
	if (config_stack_name(&p->cfg, s->region[0] ? s->region : aws_client_region(p->aws),
	                      s->stack_name, sizeof s->stack_name) < 0)
		s->stack_name[0] = 0;
	return 0;
}

const struct config *session_config(const session_t *s) { return &SP(s)->cfg; }

/* ---- change notification: coalesced, delivered from the loop ---- */

static void deliver(loop_t *l, void *ud)
{
	(void)l;
	session_t *s = ud;
	struct session_priv *p = SP(s);
	p->notify_timer = 0;
	unsigned what = p->pending_changes;
	p->pending_changes = 0;
	for (size_t i = 0; i < p->nobs; i++) p->obs[i].cb(p->obs[i].ud, s, what);
}

void sess_notify(session_t *s, unsigned what)
{
	struct session_priv *p = SP(s);
	if (p->closing) return;
	p->pending_changes |= what;
	if (!p->notify_timer) p->notify_timer = loop_timer_add(p->loop, 0, deliver, s);
}

void sess_clock_start(session_t *s, int64_t started_ms)
{
	s->started_ms = started_ms;
	s->finished_ms = 0;
	SP(s)->ended_before_attach = 0;
	SP(s)->ended_ms = 0;
}

void sess_set_phase(session_t *s, sess_phase_t ph)
{
	if (s->phase == ph) return;
	s->phase = ph;
	sess_recount(s); /* the direction may have turned (a teardown counts deletions) */
	if (session_phase_final(ph)) s->finished_ms = SP(s)->ended_ms ? SP(s)->ended_ms : loop_now_ms();
	sess_state_save(s);
	sess_notify(s, SESS_CH_PHASE);
}

/* A step's state and its line, told to the observers. */
static void step_say(session_t *s, sess_step_t *st, sess_step_state_t state, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void step_say(session_t *s, sess_step_t *st, sess_step_state_t state, const char *fmt, va_list ap)
{
	st->state = state;
	vsnprintf(st->detail, sizeof st->detail, fmt, ap);
	sess_notify(s, SESS_CH_STEPS);
}

sess_step_t *sess_step_begin(session_t *s, const char *name, const char *fmt, ...)
{
	if (grow_array((void **)&s->steps, &s->capsteps, s->nsteps + 1, sizeof *s->steps, 16) < 0)
		return NULL;
	sess_step_t *st = memset(&s->steps[s->nsteps++], 0, sizeof *st);
	snprintf(st->name, sizeof st->name, "%s", name);
	va_list ap;
	va_start(ap, fmt);
	step_say(s, st, STEP_RUNNING, fmt, ap);
	va_end(ap);
	return st;
}

void sess_step_end(session_t *s, sess_step_state_t state, const char *fmt, ...)
{
	if (!s->nsteps) return;
	va_list ap;
	va_start(ap, fmt);
	step_say(s, &s->steps[s->nsteps - 1], state, fmt, ap);
	va_end(ap);
}

void sess_flash(session_t *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->flash, sizeof s->flash, fmt, ap);
	va_end(ap);
	s->flash_until_ms = loop_now_ms() + 5000;
	sess_notify(s, SESS_CH_FLASH);
}

void sess_fail(session_t *s, sess_phase_t phase, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->root_cause, sizeof s->root_cause, fmt, ap);
	va_end(ap);
	if (s->nsteps && s->steps[s->nsteps - 1].state == STEP_RUNNING)
		sess_step_end(s, STEP_FAILED, "%s", s->root_cause);
	SP(s)->op = OP_NONE;
	sess_set_phase(s, phase);
	sess_notify(s, SESS_CH_PHASE);
}

void sess_fail_err(session_t *s, sess_phase_t phase, const char *what, const aws_error_t *err)
{
	char buf[1200];
	aws_error_sentence(err, buf, sizeof buf);
	if (what && *what) sess_fail(s, phase, "%s: %s", what, buf);
	else sess_fail(s, phase, "%s", buf);
}

int sess_enter(session_t *s, sess_chan_t ch)
{
	SP(s)->call[ch] = NULL;
	s->api_replies++;
	return SP(s)->closing;
}

void sess_track(session_t *s, sess_chan_t ch, aws_call_t *call) { SP(s)->call[ch] = call; }

/* ---- resources ---- */

sess_resource_t *sess_resource(session_t *s, const char *logical_id, const char *type)
{
	for (size_t i = 0; i < s->nresources; i++)
		if (strcmp(s->resources[i].logical_id, logical_id) == 0) return &s->resources[i];
	if (grow_array((void **)&s->resources, &s->capresources, s->nresources + 1,
	               sizeof *s->resources, 32) < 0)
		return NULL;
	sess_resource_t *r = memset(&s->resources[s->nresources++], 0, sizeof *r);
	snprintf(r->logical_id, sizeof r->logical_id, "%s", logical_id);
	snprintf(r->type, sizeof r->type, "%s", type ? type : "");
	if (s->total_resources < s->nresources) s->total_resources = s->nresources;
	return r;
}

static void add_dep(session_t *s, size_t self, const char *name, size_t len)
{
	sess_resource_t *r = &s->resources[self];
	for (size_t j = 0; j < s->nresources; j++) {
		if (j == self || strlen(s->resources[j].logical_id) != len || strncmp(s->resources[j].logical_id, name, len) != 0)
			continue;
		for (size_t k = 0; k < r->ndeps; k++)
			if (r->deps[k] == j) return;
		if (r->ndeps < sizeof r->deps / sizeof r->deps[0] && j <= 0xffff) r->deps[r->ndeps++] = (unsigned short)j;
		return;
	}
}

/* ${Name} and ${Name.Attr} in an Fn::Sub string. */
static void sub_deps(session_t *s, size_t self, const char *text)
{
	for (const char *p = text ? strstr(text, "${") : NULL; p; p = strstr(p, "${")) {
		p += 2;
		size_t len = strcspn(p, ".}");
		add_dep(s, self, p, len);
	}
}

/* What a resource's definition refers to (CloudFormation User Guide: Ref, Fn::GetAtt,
 * Fn::Sub, DependsOn): those are created before it and deleted after it. */
static void collect_deps(session_t *s, size_t self, const cJSON *n)
{
	for (; n; n = n->next) {
		const char *key = n->string ? n->string : "";
		if (strcmp(key, "Ref") == 0 && cJSON_IsString(n)) {
			add_dep(s, self, n->valuestring, strlen(n->valuestring));
		} else if (strcmp(key, "Fn::GetAtt") == 0) {
			const cJSON *a = cJSON_IsArray(n) ? cJSON_GetArrayItem(n, 0) : n;
			if (cJSON_IsString(a)) add_dep(s, self, a->valuestring, strcspn(a->valuestring, "."));
		} else if (strcmp(key, "DependsOn") == 0) {
			if (cJSON_IsString(n)) add_dep(s, self, n->valuestring, strlen(n->valuestring));
			for (const cJSON *d = cJSON_IsArray(n) ? n->child : NULL; d; d = d->next)
				if (cJSON_IsString(d)) add_dep(s, self, d->valuestring, strlen(d->valuestring));
		} else if (strcmp(key, "Fn::Sub") == 0) {
			sub_deps(s, self, cJSON_GetStringValue(cJSON_IsArray(n) ? cJSON_GetArrayItem(n, 0) : n));
		}
		if (n->child) collect_deps(s, self, n->child);
	}
}

/* The template's resources, pending: the bar's denominator from the first moment. */
void sess_resources_from_template(session_t *s)
{
	cJSON *t = template_build(&SP(s)->cfg, NULL);
	cJSON *res = cJSON_GetObjectItem(t, "Resources");
	size_t n = 0;
	for (cJSON *r = res ? res->child : NULL; r; r = r->next, n++)
		sess_resource(s, r->string, cJSON_GetStringValue(cJSON_GetObjectItem(r, "Type")));
	for (cJSON *r = res ? res->child : NULL; r; r = r->next) {
		sess_resource_t *sr = sess_resource(s, r->string, NULL);
		if (sr) collect_deps(s, (size_t)(sr - s->resources), r->child);
	}
	s->total_resources = n > s->nresources ? n : s->nresources;
	cJSON_Delete(t);
	sess_notify(s, SESS_CH_RESOURCES);
}

void sess_recount(session_t *s)
{
	size_t total;
	session_progress(s, &s->completed, &total);
	sess_nodes_follow_stack(s);
}

/* ---- outputs and nodes ---- */

void sess_set_outputs(session_t *s, const char *const *keys, const char *const *values, size_t n)
{
	free(s->outputs);
	s->outputs = n ? calloc(n, sizeof *s->outputs) : NULL;
	s->noutputs = s->outputs ? n : 0;
	for (size_t i = 0; i < s->noutputs; i++) {
		snprintf(s->outputs[i].key, sizeof s->outputs[i].key, "%s", keys[i]);
		snprintf(s->outputs[i].value, sizeof s->outputs[i].value, "%s", values[i] ? values[i] : "");
	}
	sess_notify(s, SESS_CH_OUTPUTS);
}

const char *sess_output(const session_t *s, const char *key)
{
	for (size_t i = 0; i < s->noutputs; i++)
		if (strcmp(s->outputs[i].key, key) == 0) return s->outputs[i].value;
	return NULL;
}

void sess_nodes_from_outputs(session_t *s)
{
	char key[64];
	size_t n = 0;
	for (int i = 1; i <= SESS_MAX_NODES; i++) {
		snprintf(key, sizeof key, "Node%dInstanceId", i);
		const char *id = sess_output(s, key);
		if (!id) break;
		sess_node_t *nd = &s->nodes[n++];
		nd->index = i;
		snprintf(nd->role, sizeof nd->role, "%s", i % 2 ? "producer" : "consumer");
		snprintf(nd->instance_id, sizeof nd->instance_id, "%.31s", id);
		snprintf(key, sizeof key, "Node%dPublicIp", i);
		snprintf(nd->public_ip, sizeof nd->public_ip, "%.47s", sess_output(s, key) ? sess_output(s, key) : "");
		snprintf(key, sizeof key, "Node%dPrivateIp", i);
		snprintf(nd->private_ip, sizeof nd->private_ip, "%.47s", sess_output(s, key) ? sess_output(s, key) : "");
	}
	s->nnodes = n;
	sess_notify(s, SESS_CH_NODES);
}

/* w as one shell word: as it is when it holds nothing a shell reads, else single-quoted. */
static void shell_word(sbuf_t *b, const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/._-~%@+=,") == strlen(w)) {
		sbuf_addf(b, "%s", w);
		return;
	}
	sbuf_addf(b, "'");
	for (const char *p = w; *p; p++) {
		if (*p == '\'') sbuf_addf(b, "'\\''");
		else sbuf_addf(b, "%c", *p);
	}
	sbuf_addf(b, "'");
}

void session_ssm_command(const session_t *s, int node, char *buf, size_t n)
{
	const sess_node_t *nd = NULL;
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].index == node) nd = &s->nodes[i];
	if (!nd || !nd->instance_id[0]) {
		snprintf(buf, n, "(node %d has no instance yet)", node);
		return;
	}
	sbuf_t b;
	sbuf_init(&b, buf, n);
	sbuf_addf(&b, "aws ssm start-session --region %s --target %s", s->region, nd->instance_id);
	/* the endpoint the product was configured with: the command works as pasted */
	if (s->ssm_endpoint[0]) {
		sbuf_addf(&b, " --endpoint-url ");
		shell_word(&b, s->ssm_endpoint);
	}
}

void session_headless_command(const session_t *s, char *buf, size_t n)
{
	const config_t *cfg = &SP(s)->cfg;
	sbuf_t b;
	sbuf_init(&b, buf, n);
	sbuf_addf(&b, "nixl-tui deploy --region %s", s->region);
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		if (!cfg->value[k] || cfg->source[k] == CONFIG_SRC_DEFAULT) continue;
		sbuf_addf(&b, " -c %s=%s", config_key_name((config_key_t)k), cfg->value[k]);
	}
}

void session_detach(session_t *s)
{
	struct session_priv *p = SP(s);
	sess_watch_stop(s);
	if (p->agents_timer) loop_timer_cancel(p->loop, p->agents_timer);
	p->agents_timer = 0;
	for (int ch = 0; ch < CH_COUNT; ch++)
		if (p->call[ch]) {
			p->closing = 1; /* the cancelled callbacks only forget their slot */
			aws_call_cancel(p->call[ch]);
			p->closing = 0;
		}
	p->op = OP_NONE;
}

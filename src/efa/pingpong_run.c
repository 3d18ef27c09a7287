#include "efa/pingpong_run.h"
#include "efa/pp_run_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_fi_info.h"
#include "efa/parse_ip.h"
#include "efa/parse_pingpong.h"
#include "efa/parse_text.h"

#define MAX_SIZES 32
/* Grace periods: the other side gets this long to finish on its own before it is stopped. */
#define PEER_GRACE_MS 5000
/* How long a pair may run as a whole, in --timeout units: --timeout counts silence (no line
 * from either side), this bounds the run on the node should nobody be left to stop it. */
#define PP_RUN_CAP_UNITS 20

/* ------------------------------------------------------------------ the run */

typedef struct side {
	pp_run_t *run;
	pp_side_t which;
	exec_job_t *job;
	int started, running;
	int stopped;          /* the run asked it to stop (cancel, or its peer had ended) */
	exec_result_t res;
	pp_parser_t pp;
	char *text;           /* preflight output */
	size_t len, cap;
	int libfabric2;
	int checked;          /* its fi_info check passed */
	pp_sim_t simulated;   /* what its preflight said */
	char ip[16];          /* its private IPv4 from that check; "" when none was found */
} side_t;

typedef enum run_state { ST_PREFLIGHT, ST_PAIR, ST_DONE } run_state_t;

struct pp_run {
	pp_run_opts_t o;
	char provider[16], endpoint[8], server_ip[16], server_label[40], client_label[40];
	char sizes[MAX_SIZES][16];
	int nsizes, cur;
	int port;             /* the control port of the pair running (the server announces it) */
	int first_ended;      /* the side of the pair that ended first; -1 while both run */
	run_state_t state;
	side_t side[2];
	pp_result_t result, server_result;
	uint64_t timer;       /* start delay or peer grace */
	uint64_t quiet;       /* fires after timeout_s without a line from the pair */
	int quiet_fired;
	int cancelled, freed;
	char error[256];
};

static void phase(pp_run_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void phase(pp_run_t *r, const char *fmt, ...)
{
	if (!r->o.cbs.on_phase) return;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->o.cbs.on_phase(r->o.cbs.ud, buf);
}

static int busy(const pp_run_t *r) { return r->side[0].running || r->side[1].running; }

static void stop_timer(pp_run_t *r)
{
	if (r->timer) loop_timer_cancel(r->o.loop, r->timer);
	r->timer = 0;
}

static void stop_quiet(pp_run_t *r)
{
	if (r->quiet) loop_timer_cancel(r->o.loop, r->quiet);
	r->quiet = 0;
}

static void destroy(pp_run_t *r)
{
	stop_timer(r);
	stop_quiet(r);
	for (int i = 0; i < 2; i++) free(r->side[i].text);
	pp_result_free(&r->result);
	pp_result_free(&r->server_result);
	free(r);
}

static void finish(pp_run_t *r, const char *error)
{
	if (r->state == ST_DONE) return;
	r->state = ST_DONE;
	stop_timer(r);
	stop_quiet(r);
	ptext_fmt(r->result.error, sizeof r->result.error, "%s", r->cancelled ? "cancelled" : error ? error : "");
	r->result.exit_code = r->side[PP_CLIENT].res.exit_code;
	if (!r->freed && r->o.cbs.on_done) r->o.cbs.on_done(r->o.cbs.ud, &r->result);
}

/* Asks whatever still runs to stop; the run finishes when both jobs have ended. */
static void stop_all(pp_run_t *r)
{
	for (int i = 0; i < 2; i++)
		if (r->side[i].running && r->side[i].job) {
			r->side[i].stopped = 1;
			exec_cancel(r->side[i].job);
		}
}

static void start_pair(pp_run_t *r);
static void start_client(loop_t *l, void *ud);

/* Why a side failed, as one sentence. */
static void side_reason(const pp_run_t *r, const side_t *s, char *buf, size_t n)
{
	const char *who = s->which == PP_SERVER ? "server" : "client";
	const char *where = s->which == PP_SERVER ? r->server_label : r->client_label;
	const exec_result_t *e = &s->res;
	const char *why = NULL;
	if (e->status == EXEC_ERROR) {
		ptext_fmt(buf, n, "%s on %s could not run: %s", who, where, e->detail);
		return;
	}
	if (e->status == EXEC_CANCELLED && !s->stopped) {
		ptext_fmt(buf, n, "%s on %s was stopped from outside the run (its command was cancelled)", who, where);
		return;
	}
	if (e->status == EXEC_TIMED_OUT) why = pp_exit_reason(124);
	else if (s->pp.failure != PP_FAIL_NONE && s->pp.failure != PP_FAIL_OTHER) why = pp_failure_reason(s->pp.failure);
	else why = pp_exit_reason(e->exit_code);
	if (why && e->exit_code == 111)
		ptext_fmt(buf, n, "%s on %s -> %s:%d: %s", who, where, r->server_ip, r->port, why);
	else if (why)
		ptext_fmt(buf, n, "%s on %s: %s", who, where, why);
	else if (s->pp.failure == PP_FAIL_OTHER)
		ptext_fmt(buf, n, "%s on %s failed (exit %d): %s", who, where, e->exit_code, s->pp.detail);
	else if (e->signal)
		ptext_fmt(buf, n, "%s on %s was killed by signal %d", who, where, e->signal);
	else
		ptext_fmt(buf, n, "%s on %s: fi_pingpong exited with %d", who, where, e->exit_code);
}

static int side_ok(const side_t *s) { return s->res.status == EXEC_SUCCESS; }

/* The server's end explains the client's failure when the server ended first, on its
 * own (not stopped by the run), without a clean result: whatever the client then saw
 * (the peer closing, a hang until its timeout, or being stopped after the grace period)
 * follows from the server going away. */
static int server_explains(const pp_run_t *r, const side_t *srv)
{
	return r->first_ended == PP_SERVER && !srv->stopped && !side_ok(srv);
}

static void pair_ended(pp_run_t *r)
{
	side_t *srv = &r->side[PP_SERVER], *cli = &r->side[PP_CLIENT];
	char why[256];
	if (r->cancelled) { finish(r, "cancelled"); return; }
	if (r->quiet_fired) {
		ptext_fmt(why, sizeof why, "fi_pingpong -S %s on %s and %s printed nothing for %d s (--timeout)",
		          r->sizes[r->cur], r->server_label, r->client_label, r->o.timeout_s);
		finish(r, why);
		return;
	}
	if (!cli->started) { /* the server ended before the client was started */
		side_reason(r, srv, why, sizeof why);
		finish(r, why);
		return;
	}
	if (side_ok(cli) && cli->pp.rows > 0) {
		if (++r->cur < r->nsizes) start_pair(r);
		else finish(r, NULL);
		return;
	}
	if (side_ok(cli)) {
		ptext_fmt(why, sizeof why, "client on %s: fi_pingpong printed no result table", r->client_label);
	} else if (server_explains(r, srv)) {
		char srv_why[200];
		side_reason(r, srv, srv_why, sizeof srv_why);
		ptext_fmt(why, sizeof why, "the server went away before the client on %s finished: %s", r->client_label,
		          srv_why);
	} else {
		side_reason(r, cli, why, sizeof why);
	}
	finish(r, why);
}

static void on_grace(loop_t *l, void *ud)
{
	(void)l;
	pp_run_t *r = ud;
	r->timer = 0;
	stop_all(r);
}

/* No line from either side for timeout_s: the pair is stopped (a dead peer, a hang). A
 * slow but live run prints a row per size and goes on. */
static void on_quiet(loop_t *l, void *ud)
{
	(void)l;
	pp_run_t *r = ud;
	r->quiet = 0;
	if (r->state != ST_PAIR) return;
	r->quiet_fired = 1;
	stop_all(r);
	if (!busy(r)) pair_ended(r);
}

static void arm_quiet(pp_run_t *r)
{
	stop_quiet(r);
	r->quiet = loop_timer_add(r->o.loop, (int64_t)r->o.timeout_s * 1000, on_quiet, r);
}

static void job_line(void *ud, exec_stream_t stream, const char *line, size_t len)
{
	(void)len;
	side_t *s = ud;
	pp_run_t *r = s->run;
	if (r->freed) return;
	if (r->o.cbs.on_line) r->o.cbs.on_line(r->o.cbs.ud, s->which, stream, line);
	if (r->state == ST_PREFLIGHT) {
		exec_text_append(&s->text, &s->len, &s->cap, line, strlen(line));
		return;
	}
	if (r->state == ST_PAIR) arm_quiet(r);
	if (strcmp(line, RETRY_MARK) == 0) {
		pp_parser_init(&s->pp); /* the refused attempt's error no longer counts */
		return;
	}
	if (s->which == PP_SERVER && !r->side[PP_CLIENT].started && !r->timer &&
	    strncmp(line, PORT_MARK, strlen(PORT_MARK)) == 0) {
		int port = atoi(line + strlen(PORT_MARK));
		if (port >= 1024 && port <= 65535) {
			r->port = port;
			/* started from the loop, not from inside the server job's callback */
			r->timer = loop_timer_add(r->o.loop, 0, start_client, r);
		}
		return;
	}
	pp_row_t row;
	if (pp_parser_line(&s->pp, line, &row) != PP_EV_ROW) return;
	if (s->which == PP_CLIENT) {
		pp_result_add(&r->result, &row);
		if (r->o.cbs.on_row) r->o.cbs.on_row(r->o.cbs.ud, &row);
	} else {
		pp_result_add(&r->server_result, &row);
	}
}

/* The text between "===NIXL-SECTION name===" and its end marker; rc from the marker. */
static const char *section(const side_t *s, const char *name, size_t *len, int *rc)
{
	char start[64];
	snprintf(start, sizeof start, "===NIXL-SECTION %s===\n", name);
	const char *t = s->text ? strstr(s->text, start) : NULL;
	if (!t) return NULL;
	t += strlen(start);
	const char *end = strstr(t, "===NIXL-END rc=");
	*len = end ? (size_t)(end - t) : strlen(t);
	*rc = end ? atoi(end + strlen("===NIXL-END rc=")) : -1;
	return t;
}

static int provider_matches(const char *have, const char *want)
{
	size_t n = strlen(want);
	if (strcmp(have, want) == 0) return 1;
	/* "tcp;ofi_rxm": a core provider under a utility one (never for efa: the efa check is exact) */
	return strcmp(want, "efa") != 0 && strncmp(have, want, n) == 0 && have[n] == ';';
}

/* Checks one side's fi_info output; fills why on failure. */
static int preflight_side(pp_run_t *r, side_t *s, char *why, size_t n)
{
	const char *label = s->which == PP_SERVER ? r->server_label : r->client_label;
	if (s->res.status == EXEC_ERROR || s->res.status == EXEC_TIMED_OUT) {
		ptext_fmt(why, n, "checking fi_info on %s: %s", label,
		          s->res.detail[0] ? s->res.detail : exec_status_name(s->res.status));
		return -1;
	}
	size_t len;
	int rc;
	const char *t = section(s, "fi_info", &len, &rc);
	fi_info_out_t fi;
	parse_fi_info(t ? t : "", t ? len : 0, &fi);
	const char *type = pp_endpoint_type(r->endpoint);
	size_t found = 0;
	for (size_t i = 0; i < fi.n; i++)
		if (provider_matches(fi.entries[i].provider, r->provider) && strcmp(fi.entries[i].type, type) == 0) found++;
	int ret = 0;
	if (found == 0) {
		ret = -1;
		if (fi.getinfo_error == 61)
			ptext_fmt(why, n, "%s: fi_info -p %s -t %s: %s", label, r->provider, type,
			          pp_failure_reason(PP_FAIL_NO_PROVIDER));
		else if (fi.getinfo_error)
			ptext_fmt(why, n, "%s: fi_info -p %s -t %s: fi_getinfo -%d %s", label, r->provider, type,
			          fi.getinfo_error, fi.error_text);
		else if (rc == 127 || !t)
			ptext_fmt(why, n, "%s: fi_info not found: the EFA software (libfabric) is not installed", label);
		else
			ptext_fmt(why, n, "%s: fi_info -p %s lists no %s endpoint", label, r->provider, type);
	}
	fi_info_free(&fi);
	if (ret < 0) return -1;
	if ((t = section(s, "fi_version", &len, &rc))) {
		parse_fi_info(t, len, &fi);
		s->libfabric2 = atoi(fi.lib_version) >= 2;
		fi_info_free(&fi);
	}
	if ((t = section(s, "simulated", &len, &rc)))
		s->simulated = strspn(t, " \t\r\n") < len ? PP_SIM_YES : PP_SIM_NO;
	ip_out_t ip;
	t = section(s, "ip", &len, &rc);
	if (!t || !parse_ip(t, len, &ip) || !ip_private_ipv4(&ip, s->ip, sizeof s->ip) || !exec_valid_ipv4(s->ip))
		s->ip[0] = 0;
	if (s->which == PP_SERVER && !r->server_ip[0]) {
		if (!s->ip[0]) {
			ptext_fmt(why, n, "%s: no private IPv4 address found in `ip addr` for the client to reach", label);
			return -1;
		}
		snprintf(r->server_ip, sizeof r->server_ip, "%s", s->ip);
	}
	s->checked = 1;
	return 0;
}

static void preflight_ended(pp_run_t *r)
{
	char why[256];
	if (r->cancelled) { finish(r, "cancelled"); return; }
	for (int i = 0; i < 2; i++)
		if (preflight_side(r, &r->side[i], why, sizeof why) < 0) {
			finish(r, why);
			return;
		}
	pp_sim_t a = r->side[PP_SERVER].simulated, b = r->side[PP_CLIENT].simulated;
	r->result.simulated = a == PP_SIM_YES || b == PP_SIM_YES ? PP_SIM_YES : a && b ? PP_SIM_NO : PP_SIM_UNKNOWN;
	r->server_result.simulated = r->result.simulated;
	r->cur = 0;
	start_pair(r);
}

static void job_done(void *ud, const exec_result_t *res)
{
	side_t *s = ud;
	pp_run_t *r = s->run;
	s->running = 0;
	s->job = NULL;
	s->res = *res;
	if (r->freed) {
		if (!busy(r)) destroy(r);
		return;
	}
	if (r->state == ST_DONE) return;
	if (r->state == ST_PAIR && r->first_ended < 0) r->first_ended = (int)s->which;
	if (busy(r)) {
		if (r->state == ST_PAIR) stop_quiet(r); /* the peer's grace period decides now */
		if (r->state == ST_PAIR && !r->timer) {
			/* One side ended: the other has a grace period to end on its own (a server
			 * prints its table right after the client), then it is stopped. A failed
			 * side's peer would only hang. */
			int grace = side_ok(s) ? PEER_GRACE_MS : PEER_GRACE_MS / 2;
			r->timer = loop_timer_add(r->o.loop, grace, on_grace, r);
		}
		return;
	}
	stop_timer(r);
	stop_quiet(r);
	if (r->state == ST_PREFLIGHT) preflight_ended(r);
	else pair_ended(r);
}

static int start_job(pp_run_t *r, pp_side_t which, const char *script, int timeout_ms, char *err, size_t errlen)
{
	side_t *s = &r->side[which];
	const pp_node_t *node = which == PP_SERVER ? &r->o.server : &r->o.client;
	exec_cbs_t cbs = { job_line, job_done, s };
	memset(&s->res, 0, sizeof s->res);
	s->stopped = 0;
	pp_parser_init(&s->pp);
	s->job = exec_start(node->ex, node->target, script, timeout_ms, &cbs, err, errlen);
	s->started = 1;
	s->running = s->job != NULL;
	return s->job ? 0 : -1;
}

/* fi_pingpong's own `timeout` on the node: PP_RUN_CAP_UNITS silences, at most a day. */
static int run_cap(const pp_run_t *r)
{
	long cap = (long)r->o.timeout_s * PP_RUN_CAP_UNITS;
	return cap > 86400 ? 86400 : (int)cap;
}

static void start_client(loop_t *l, void *ud)
{
	(void)l;
	pp_run_t *r = ud;
	r->timer = 0;
	if (r->cancelled || r->state == ST_DONE) return;
	char script[2048], err[256];
	const char *size = r->sizes[r->cur];
	int cap = run_cap(r);
	if (pp_script_client(r->provider, r->endpoint, size, r->o.iterations, r->port, cap,
	                     r->o.connect_retry_s, r->side[PP_CLIENT].libfabric2, r->o.loopback, r->server_ip,
	                     script, sizeof script) < 0) {
		snprintf(err, sizeof err, "invalid client command");
	} else if (start_job(r, PP_CLIENT, script, (cap + r->o.connect_retry_s + 20) * 1000, err,
	                     sizeof err) == 0) {
		return;
	}
	r->side[PP_CLIENT].res.status = EXEC_ERROR;
	snprintf(r->side[PP_CLIENT].res.detail, sizeof r->side[PP_CLIENT].res.detail, "%s", err);
	r->side[PP_CLIENT].res.exit_code = -1;
	stop_all(r);
	if (!busy(r)) pair_ended(r);
}

static void start_pair(pp_run_t *r)
{
	r->state = ST_PAIR;
	r->side[PP_CLIENT].started = 0;
	r->first_ended = -1;
	r->port = 0;
	arm_quiet(r); /* the server's port line, then the rows, each start it again */
	char script[2048], err[256];
	const char *size = r->sizes[r->cur];
	phase(r, "fi_pingpong -S %s: server on %s, client on %s -> %s", size, r->server_label, r->client_label,
	      r->server_ip);
	/* the server outlives the client's connect retries and its own run */
	int server_timeout = run_cap(r) + r->o.connect_retry_s + 10;
	if (pp_script_server(r->provider, r->endpoint, size, r->o.iterations, r->o.port, r->o.port_lane, server_timeout,
	                     r->side[PP_SERVER].libfabric2, r->o.loopback, script, sizeof script) < 0) {
		finish(r, "invalid server command");
		return;
	}
	if (start_job(r, PP_SERVER, script, (server_timeout + 20) * 1000, err, sizeof err) < 0) {
		char why[320];
		ptext_fmt(why, sizeof why, "server on %s could not start: %s", r->server_label, err);
		finish(r, why);
		return;
	}
	/* the client starts when the server announces its port (job_line) */
}

/* "64,4k,all" -> one -S value per size into out (up to MAX_SIZES); -1 with err when a
 * size is not valid, there are too many, or none. */
static int split_sizes(const char *sizes, char out[][16], int *n, char *err, size_t errlen)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", sizes);
	char *save = NULL;
	*n = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_SIZES) {
			snprintf(err, errlen, "at most %d sizes", MAX_SIZES);
			return -1;
		}
		if (pp_size_bytes(tok, out[*n], 16) < 0) {
			snprintf(err, errlen, "invalid size \"%.32s\" (a byte count with optional k/m/g, or \"all\")", tok);
			return -1;
		}
		(*n)++;
	}
	if (*n == 0) {
		snprintf(err, errlen, "no size given");
		return -1;
	}
	return 0;
}

static int parse_sizes(pp_run_t *r, const char *sizes, char *err, size_t errlen)
{
	return split_sizes(sizes, r->sizes, &r->nsizes, err, errlen);
}

int pp_sizes_check(const char *sizes, char *err, size_t errlen)
{
	char out[MAX_SIZES][16];
	int n;
	return split_sizes(sizes, out, &n, err, errlen);
}

static int valid_target(const pp_node_t *n, char *label, size_t len, char *err, size_t errlen)
{
	if (!n->ex) {
		snprintf(err, errlen, "no executor for a node");
		return -1;
	}
	const char *t = n->target ? n->target : "local";
	if (strcmp(exec_name(n->ex), "ssm") == 0 && !exec_valid_instance_id(t)) {
		snprintf(err, errlen, "invalid instance id \"%.32s\"", t);
		return -1;
	}
	ptext_fmt(label, len, "%s", t);
	return 0;
}

pp_run_t *pp_run_start(const pp_run_opts_t *o, char *err, size_t errlen)
{
	pp_run_t *r = calloc(1, sizeof *r);
	if (!r) { snprintf(err, errlen, "out of memory"); return NULL; }
	r->o = *o;
	const char *prov = o->provider ? o->provider : "efa";
	const char *ep = o->endpoint ? o->endpoint : "rdm";
	if (!o->loop) snprintf(err, errlen, "no event loop");
	else if (!exec_valid_provider(prov)) snprintf(err, errlen, "unknown provider \"%.32s\" (efa, tcp, shm, sockets, udp, verbs, or core;util "
		                                         "as libfabric spells it: tcp;ofi_rxm, verbs;ofi_rxm, udp;ofi_rxd)", prov);
	else if (!exec_valid_endpoint(ep)) snprintf(err, errlen, "unknown endpoint type \"%.16s\" (rdm, dgram, msg)", ep);
	else if (o->server.ip && !exec_valid_ipv4(o->server.ip)) snprintf(err, errlen, "invalid server IPv4 \"%.32s\"", o->server.ip);
	else if (o->iterations < 0 || o->iterations > 100000000) snprintf(err, errlen, "iterations must be 1..100000000");
	else if (o->port && (o->port < 1024 || o->port > 65535)) snprintf(err, errlen, "port must be 1024..65535");
	else if (o->port_lane < 0 || o->port_lane > PORT_LANES) snprintf(err, errlen, "port lane must be 0..%d", PORT_LANES);
	else if (o->timeout_s < 0 || o->timeout_s > 86400) snprintf(err, errlen, "timeout must be 1..86400 s");
	else if (o->no_preflight && !o->server.ip) snprintf(err, errlen, "without the fi_info check the server IP must be given");
	else if (valid_target(&o->server, r->server_label, sizeof r->server_label, err, errlen) == 0 &&
	         valid_target(&o->client, r->client_label, sizeof r->client_label, err, errlen) == 0 &&
	         parse_sizes(r, o->sizes ? o->sizes : "all", err, errlen) == 0)
		err[0] = 0;
	if (err[0]) { free(r); return NULL; }
	snprintf(r->provider, sizeof r->provider, "%s", prov);
	snprintf(r->endpoint, sizeof r->endpoint, "%s", ep);
	if (o->server.ip) snprintf(r->server_ip, sizeof r->server_ip, "%s", o->server.ip);
	if (!r->o.iterations) r->o.iterations = 1000;
	if (!r->o.timeout_s) r->o.timeout_s = 60;
	if (!r->o.connect_retry_s) r->o.connect_retry_s = 20;
	snprintf(r->result.provider, sizeof r->result.provider, "%s", prov);
	snprintf(r->result.endpoint, sizeof r->result.endpoint, "%s", ep);
	r->result.iterations = r->o.iterations;
	r->result.exit_code = -1;
	r->server_result = r->result;
	for (int i = 0; i < 2; i++) {
		r->side[i].run = r;
		r->side[i].which = (pp_side_t)i;
	}
	r->side[PP_SERVER].libfabric2 = o->libfabric2[PP_SERVER];
	r->side[PP_CLIENT].libfabric2 = o->libfabric2[PP_CLIENT];
	if (o->no_preflight) {
		start_pair(r);
		return r;
	}
	r->state = ST_PREFLIGHT;
	char script[2048];
	pp_script_preflight(r->provider, r->endpoint, script, sizeof script);
	phase(r, "checking fi_info -p %s on %s and %s", r->provider, r->server_label, r->client_label);
	if (start_job(r, PP_SERVER, script, 60000, err, errlen) < 0) { destroy(r); return NULL; }
	if (start_job(r, PP_CLIENT, script, 60000, err, errlen) < 0) {
		r->freed = 1;
		stop_all(r);
		return NULL;
	}
	return r;
}

void pp_run_cancel(pp_run_t *r)
{
	if (r->state == ST_DONE) return;
	r->cancelled = 1;
	stop_timer(r);
	stop_quiet(r);
	stop_all(r);
	if (!busy(r)) finish(r, "cancelled");
}

void pp_run_free(pp_run_t *r)
{
	if (!r) return;
	if (busy(r)) {
		r->freed = 1;
		stop_timer(r);
		stop_quiet(r);
		stop_all(r);
		return;
	}
	destroy(r);
}

const pp_result_t *pp_run_server_result(const pp_run_t *r) { return &r->server_result; }

int pp_run_port(const pp_run_t *r) { return r->port; }

int pp_run_side_checked(const pp_run_t *r, pp_side_t side, int *libfabric2, char *ip, size_t iplen)
{
	const side_t *s = &r->side[side];
	*libfabric2 = s->libfabric2;
	snprintf(ip, iplen, "%s", s->checked ? s->ip : "");
	return s->checked;
}

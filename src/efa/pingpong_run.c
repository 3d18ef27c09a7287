#include "efa/pingpong_run.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_fi_info.h"
#include "efa/parse_ip.h"
#include "efa/parse_pingpong.h"
#include "efa/parse_text.h"

#define MAX_SIZES 32
#define RETRY_MARK "===NIXL-RETRY==="
/* The server announces the port it will listen on; the client is started on this line. */
#define PORT_MARK "===NIXL-PP-PORT "
/* Ports a server picks for itself: below Linux's default ephemeral range (32768-60999), so
 * no outgoing connection of the node's can hold one, and a port in use is skipped. */
#define PORT_PICK_LOW 20000
#define PORT_PICK_SPAN 12000
/* Servers of one matrix that start at the same moment on one host (local runs, sandbox nodes)
 * could pick the same port before either listens: each slot of the matrix picks in a lane of
 * its own, a 1/PORT_LANES share of the range. */
#define PORT_LANES 32
/* Grace periods: the other side gets this long to finish on its own before it is stopped. */
#define PEER_GRACE_MS 5000

/* ------------------------------------------------------------------ scripts */

int pp_size_bytes(const char *s, char *out, size_t n)
{
	if (!exec_valid_size(s)) return -1;
	if (strcmp(s, "all") == 0) return snprintf(out, n, "all") < (int)n ? 0 : -1;
	uint64_t v;
	if (pp_parse_size(s, strlen(s), &v) < 0 || v > (1ull << 32)) return -1;
	return snprintf(out, n, "%llu", (unsigned long long)v) < (int)n ? 0 : -1;
}

static const char *ep_type(const char *endpoint)
{
	static const struct { const char *ep, *type; } map[] = {
		{ "rdm", "FI_EP_RDM" }, { "dgram", "FI_EP_DGRAM" }, { "msg", "FI_EP_MSG" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].ep, endpoint) == 0) return map[i].type;
	return NULL;
}

/* Environment every fi_pingpong line gets: AWS's test turns the shm transfer off so
 * efa is measured, and local runs pin the IP providers to lo. */
static int env_lines(char *buf, size_t n, int loopback)
{
	return snprintf(buf, n,
	                "PATH=/opt/amazon/efa/bin:$PATH\n"
	                "FI_EFA_ENABLE_SHM_TRANSFER=0\n"
	                "export PATH FI_EFA_ENABLE_SHM_TRANSFER\n"
	                "%s",
	                loopback ? "FI_TCP_IFACE=lo FI_SOCKETS_IFACE=lo FI_UDP_IFACE=lo\n"
	                           "export FI_TCP_IFACE FI_SOCKETS_IFACE FI_UDP_IFACE\n"
	                         : "");
}

int pp_script_preflight(const char *provider, const char *endpoint, char *buf, size_t n)
{
	const char *type = endpoint ? ep_type(endpoint) : NULL;
	if (!exec_valid_provider(provider) || !type) return -1;
	int w = snprintf(buf, n,
	                 "PATH=/opt/amazon/efa/bin:$PATH\n"
	                 "export PATH\n"
	                 "echo '===NIXL-SECTION fi_info==='\n"
	                 "fi_info -p '%s' -t %s 2>&1\n"
	                 "echo \"===NIXL-END rc=$?===\"\n"
	                 "echo '===NIXL-SECTION fi_version==='\n"
	                 "fi_info --version 2>&1\n"
	                 "echo \"===NIXL-END rc=$?===\"\n"
	                 "echo '===NIXL-SECTION ip==='\n"
	                 "{ ip -br addr 2>/dev/null || ip -o addr; } 2>&1\n"
	                 "echo \"===NIXL-END rc=$?===\"\n"
	                 /* the node's word that it is simulated, as in efa_check.sh */
	                 "echo '===NIXL-SECTION simulated==='\n"
	                 "printf '%%s\\n' \"${NIXL_SIMULATED_EFA:-}\"\n"
	                 "echo '===NIXL-END rc=0==='\n",
	                 provider, type);
	return w > 0 && (size_t)w < n ? w : -1;
}

static int pp_args(char *buf, size_t n, const char *provider, const char *endpoint, const char *size,
                   int iterations, int libfabric2)
{
	if (!exec_valid_provider(provider) || !exec_valid_endpoint(endpoint) || iterations < 1 ||
	    iterations > 100000000)
		return -1;
	/* size is already bytes or "all" */
	if (strcmp(size, "all") != 0 && (!*size || strspn(size, "0123456789") != strlen(size))) return -1;
	/* quoted: "tcp;ofi_rxm" has a ';' (the validator admits no quote) */
	int w = snprintf(buf, n, "-e %s -p '%s'%s -I %d -S %s", endpoint, provider,
	                 libfabric2 && strcmp(provider, "efa") == 0 ? " -f efa" : "", iterations, size);
	return w > 0 && (size_t)w < n ? w : -1;
}

int pp_script_server(const char *provider, const char *endpoint, const char *size, int iterations,
                     int port, int lane, int timeout_s, int libfabric2, int loopback, char *buf, size_t n)
{
	char args[160], env[320];
	if (pp_args(args, sizeof args, provider, endpoint, size, iterations, libfabric2) < 0) return -1;
	if ((port != 0 && (port < 1024 || port > 65535)) || lane < 0 || lane > PORT_LANES || timeout_s < 1 ||
	    timeout_s > 86400)
		return -1;
	env_lines(env, sizeof env, loopback);
	int span = lane ? PORT_PICK_SPAN / PORT_LANES : PORT_PICK_SPAN;
	int low = PORT_PICK_LOW + (lane ? (lane - 1) * span : 0);
	/* port 0: pick one that no socket of this host (or namespace) uses, local or remote
	 * side, in /proc/net/tcp{,6}; every run gets its own, so runs never share a port */
	int w = snprintf(buf, n,
	                 "%s"
	                 "port=%d\n"
	                 "tries=0\n"
	                 "while [ \"$port\" -eq 0 ] && [ $tries -lt 64 ]; do\n"
	                 "\ttries=$((tries + 1))\n"
	                 "\tp=$(( %d + $(od -An -N2 -tu2 /dev/urandom) %% %d ))\n"
	                 "\thex=$(printf ':%%04X' \"$p\")\n"
	                 "\tcat /proc/net/tcp /proc/net/tcp6 2>/dev/null |\n"
	                 "\t\tawk -v h=\"$hex\" 'substr($2, length($2) - 4) == h || substr($3, length($3) - 4) == h { f = 1 } END { exit !f }' ||\n"
	                 "\t\tport=$p\n"
	                 "done\n"
	                 "[ \"$port\" -ne 0 ] || { echo 'no free port found for fi_pingpong' >&2; exit 98; }\n"
	                 "echo \"" PORT_MARK "$port===\"\n"
	                 "exec timeout -k 5 %d fi_pingpong %s -B \"$port\"\n",
	                 env, port, low, span, timeout_s, args);
	return w > 0 && (size_t)w < n ? w : -1;
}

int pp_script_client(const char *provider, const char *endpoint, const char *size, int iterations,
                     int port, int timeout_s, int retry_s, int libfabric2, int loopback,
                     const char *server_ip, char *buf, size_t n)
{
	char args[160], env[320];
	if (pp_args(args, sizeof args, provider, endpoint, size, iterations, libfabric2) < 0) return -1;
	if (port < 1024 || port > 65535 || timeout_s < 1 || timeout_s > 86400 || retry_s < 0 || retry_s > 3600 ||
	    !exec_valid_ipv4(server_ip))
		return -1;
	env_lines(env, sizeof env, loopback);
	/* 111 = the server is not listening yet (it is started just before): try again.
	 * --foreground keeps timeout in the script's process group (by default it makes a
	 * group of its own), so stopping the job's group stops fi_pingpong too */
	int w = snprintf(buf, n,
	                 "%s"
	                 "end=$(( $(date +%%s) + %d ))\n"
	                 "while :; do\n"
	                 "\ttimeout --foreground -k 5 %d fi_pingpong %s -P %d %s\n"
	                 "\trc=$?\n"
	                 "\t[ $rc -eq 111 ] && [ $(date +%%s) -lt $end ] || exit $rc\n"
	                 "\techo '" RETRY_MARK "'\n"
	                 "\tsleep 1\n"
	                 "done\n",
	                 env, retry_s, timeout_s, args, port, server_ip);
	return w > 0 && (size_t)w < n ? w : -1;
}

double pp_result_latency_usec(const pp_result_t *r)
{
	const pp_row_t *best = NULL;
	for (size_t i = 0; i < r->nrows; i++) {
		const pp_row_t *row = &r->rows[i];
		if (!best || (best->bytes == 0 && row->bytes > 0) || (row->bytes > 0 && row->bytes < best->bytes))
			best = row;
	}
	return best ? best->usec_per_xfer : NAN;
}

double pp_result_peak_mb_per_s(const pp_result_t *r)
{
	double best = NAN;
	for (size_t i = 0; i < r->nrows; i++)
		if (isnan(best) || r->rows[i].mb_per_s > best) best = r->rows[i].mb_per_s;
	return best;
}


/* What was not measured (a saved log without its command line or exit code, fi_pingpong's
 * rows without per-iteration times) is null, never a 0 a reader could take for a figure. */
static void add_known(cJSON *o, const char *k, double v, int known)
{
	if (known) cJSON_AddNumberToObject(o, k, v);
	else cJSON_AddNullToObject(o, k);
}

cJSON *pp_result_json(const pp_result_t *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "provider", r->provider); /* captured text: see efa_status_to_json */
	cJSON_AddStringToObject(o, "endpoint", r->endpoint);
	add_known(o, "iterations", r->iterations, r->iterations > 0);
	add_known(o, "exit_code", r->exit_code, r->exit_code >= 0);
	if (r->simulated == PP_SIM_UNKNOWN) cJSON_AddNullToObject(o, "simulated");
	else cJSON_AddBoolToObject(o, "simulated", r->simulated == PP_SIM_YES);
	cJSON_AddStringToObject(o, "error", r->error);
	cJSON_AddItemToObject(o, "rows", pp_result_rows_json(r));
	return o;
}

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

static void destroy(pp_run_t *r)
{
	stop_timer(r);
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
	const char *type = ep_type(r->endpoint);
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

static void start_client(loop_t *l, void *ud)
{
	(void)l;
	pp_run_t *r = ud;
	r->timer = 0;
	if (r->cancelled || r->state == ST_DONE) return;
	char script[2048], err[256];
	const char *size = r->sizes[r->cur];
	if (pp_script_client(r->provider, r->endpoint, size, r->o.iterations, r->port, r->o.timeout_s,
	                     r->o.connect_retry_s, r->side[PP_CLIENT].libfabric2, r->o.loopback, r->server_ip,
	                     script, sizeof script) < 0) {
		snprintf(err, sizeof err, "invalid client command");
	} else if (start_job(r, PP_CLIENT, script, (r->o.timeout_s + r->o.connect_retry_s + 20) * 1000, err,
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
	char script[2048], err[256];
	const char *size = r->sizes[r->cur];
	phase(r, "fi_pingpong -S %s: server on %s, client on %s -> %s", size, r->server_label, r->client_label,
	      r->server_ip);
	/* the server outlives the client's connect retries and its own run */
	int server_timeout = r->o.timeout_s + r->o.connect_retry_s + 10;
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
	stop_all(r);
	if (!busy(r)) finish(r, "cancelled");
}

void pp_run_free(pp_run_t *r)
{
	if (!r) return;
	if (busy(r)) {
		r->freed = 1;
		stop_timer(r);
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

/* ------------------------------------------------------------------ matrix */

size_t pp_matrix_rounds(size_t n) { return n < 2 ? 0 : n % 2 ? n : n - 1; }

size_t pp_matrix_round(size_t n, size_t r, size_t pairs[][2])
{
	/* The circle method: node m-1 stays put, the other m-1 sit on a circle that turns by one
	 * each round; the fixed node meets the one at the round's position, the rest pair off
	 * across it. With n odd, m = n+1 and whoever meets the phantom node n has a bye. */
	size_t m = n % 2 ? n + 1 : n, ring = m - 1, k = 0;
	if (n < 2 || r >= ring) return 0;
	for (size_t i = 0; i < m / 2; i++) {
		size_t a = i == 0 ? ring : (r + i) % ring, b = (r + ring - i) % ring;
		if (a >= n || b >= n) continue;
		pairs[k][0] = a < b ? a : b;
		pairs[k][1] = a < b ? b : a;
		k++;
	}
	return k;
}

/* fi_info lists the same providers for the whole matrix: a node that passed the check once
 * is not checked again (the check is a command per node and a libfabric start, per pair). */
typedef struct node_check {
	int passed, libfabric2;
	char ip[16];
} node_check_t;

typedef struct slot {
	pp_matrix_t *m;
	pp_run_t *run;
	size_t a, b;
	int ended;            /* its run has ended and waits to be freed outside its callback */
} slot_t;

struct pp_matrix {
	pp_node_t *nodes;
	size_t n;
	pp_run_opts_t tmpl;
	pp_matrix_cbs_t cbs;
	pp_result_t *cells;     /* n*n, only a < b used */
	int *have;
	size_t (*order)[2];     /* the pairs in the order they are started */
	size_t npairs, next;    /* order[< next] have all been started */
	unsigned char *started, *busy; /* per pair in order, per node */
	node_check_t *checks;   /* per node: what its first passed fi_info check found */
	slot_t *slots;
	size_t nslots, inflight;
	uint64_t timer;
	int cancelled, finished;
};

static void matrix_pump(pp_matrix_t *m);

static void matrix_store(pp_matrix_t *m, size_t a, size_t b, const pp_result_t *res)
{
	pp_result_t *cell = &m->cells[a * m->n + b];
	*cell = *res;
	cell->rows = NULL;
	cell->nrows = 0;
	for (size_t i = 0; i < res->nrows; i++) pp_result_add(cell, &res->rows[i]);
	m->have[a * m->n + b] = 1;
	if (m->cbs.on_pair) m->cbs.on_pair(m->cbs.ud, a, b, cell);
}

static void matrix_on_timer(loop_t *l, void *ud)
{
	(void)l;
	pp_matrix_t *m = ud;
	m->timer = 0;
	matrix_pump(m);
}

/* Keeps what the run's fi_info check found on each node that passed it. */
static void matrix_note_checks(pp_matrix_t *m, const slot_t *s)
{
	const size_t node[2] = { [PP_SERVER] = s->a, [PP_CLIENT] = s->b };
	for (int side = 0; side < 2; side++) {
		node_check_t c = { 0 };
		c.passed = pp_run_side_checked(s->run, (pp_side_t)side, &c.libfabric2, c.ip, sizeof c.ip);
		if (c.passed && !m->checks[node[side]].passed) m->checks[node[side]] = c;
	}
}

/* A pair of two nodes that passed the check skips it, given where the client finds the server. */
static void matrix_skip_check(const pp_matrix_t *m, size_t a, size_t b, pp_run_opts_t *o)
{
	const node_check_t *ca = &m->checks[a], *cb = &m->checks[b];
	const char *ip = m->nodes[a].ip ? m->nodes[a].ip : ca->ip[0] ? ca->ip : NULL;
	if (o->no_preflight || !ca->passed || !cb->passed || !ip) return;
	o->no_preflight = 1;
	o->server.ip = ip;
	o->libfabric2[PP_SERVER] = ca->libfabric2;
	o->libfabric2[PP_CLIENT] = cb->libfabric2;
}

static void matrix_pair_done(void *ud, const pp_result_t *res)
{
	slot_t *s = ud;
	pp_matrix_t *m = s->m;
	matrix_note_checks(m, s);
	m->busy[s->a] = m->busy[s->b] = 0;
	m->inflight--;
	s->ended = 1;
	matrix_store(m, s->a, s->b, res);
	/* the run is freed, and the next pairs started, outside its own callback */
	if (!m->timer) m->timer = loop_timer_add(m->tmpl.loop, 0, matrix_on_timer, m);
}

/* Starts the pair order[i] in slot s; 0, or -1 (the failure recorded as its result). */
static int matrix_launch(pp_matrix_t *m, size_t i, slot_t *s)
{
	char err[256];
	size_t a = m->order[i][0], b = m->order[i][1];
	pp_run_opts_t o = m->tmpl;
	o.server = m->nodes[a];
	o.client = m->nodes[b];
	o.cbs = (pp_run_cbs_t){ .on_done = matrix_pair_done, .ud = s };
	matrix_skip_check(m, a, b, &o);
	if (m->nslots > 1) o.port_lane = (int)(s - m->slots) + 1;
	m->started[i] = 1;
	if (m->cbs.on_pair_start) m->cbs.on_pair_start(m->cbs.ud, a, b);
	*s = (slot_t){ m, NULL, a, b, 0 };
	m->busy[a] = m->busy[b] = 1;
	m->inflight++;
	if ((s->run = pp_run_start(&o, err, sizeof err))) return 0;
	m->busy[a] = m->busy[b] = 0;
	m->inflight--;
	s->m = NULL;
	pp_result_t failed = { .exit_code = -1 };
	ptext_fmt(failed.error, sizeof failed.error, "%s", err);
	matrix_store(m, a, b, &failed);
	return -1;
}

/* Frees the runs that ended, then fills free slots with the first pairs in order whose two
 * nodes are both idle. */
static void matrix_pump(pp_matrix_t *m)
{
	for (size_t k = 0; k < m->nslots; k++)
		if (m->slots[k].m && m->slots[k].ended) {
			pp_run_free(m->slots[k].run);
			m->slots[k] = (slot_t){ 0 };
		}
	for (size_t k = 0; k < m->nslots && !m->cancelled; k++) {
		if (m->slots[k].m) continue;
		while (m->next < m->npairs && m->started[m->next]) m->next++;
		for (size_t i = m->next; i < m->npairs; i++) {
			if (m->started[i] || m->busy[m->order[i][0]] || m->busy[m->order[i][1]]) continue;
			if (matrix_launch(m, i, &m->slots[k]) == 0) break;
		}
	}
	if (m->inflight == 0 && !m->finished) {
		m->finished = 1;
		if (m->cbs.on_done) m->cbs.on_done(m->cbs.ud);
	}
}

pp_matrix_t *pp_matrix_start(const pp_node_t *nodes, size_t n, const pp_run_opts_t *tmpl, size_t concurrency,
                             const pp_matrix_cbs_t *cbs, char *err, size_t errlen)
{
	if (n < 2 || n > 64) {
		snprintf(err, errlen, "a matrix needs 2..64 nodes");
		return NULL;
	}
	if (concurrency == 0 || concurrency > n / 2) concurrency = n / 2;
	pp_matrix_t *m = calloc(1, sizeof *m);
	if (!m) { snprintf(err, errlen, "out of memory"); return NULL; }
	m->n = n;
	m->npairs = n * (n - 1) / 2;
	m->nslots = concurrency;
	m->nodes = calloc(n, sizeof *m->nodes);
	m->cells = calloc(n * n, sizeof *m->cells);
	m->have = calloc(n * n, sizeof *m->have);
	m->order = calloc(m->npairs, sizeof *m->order);
	m->started = calloc(m->npairs, 1);
	m->busy = calloc(n, 1);
	m->checks = calloc(n, sizeof *m->checks);
	m->slots = calloc(m->nslots, sizeof *m->slots);
	if (!m->nodes || !m->cells || !m->have || !m->order || !m->started || !m->busy || !m->checks || !m->slots) {
		snprintf(err, errlen, "out of memory");
		pp_matrix_free(m);
		return NULL;
	}
	memcpy(m->nodes, nodes, n * sizeof *nodes);
	m->tmpl = *tmpl;
	m->cbs = *cbs;
	size_t k = 0;
	if (concurrency == 1) {
		for (size_t a = 0; a < n; a++)
			for (size_t b = a + 1; b < n; b++) {
				m->order[k][0] = a;
				m->order[k++][1] = b;
			}
	} else {
		for (size_t r = 0; r < pp_matrix_rounds(n); r++) k += pp_matrix_round(n, r, &m->order[k]);
	}
	matrix_pump(m);
	return m;
}

const pp_result_t *pp_matrix_cell(const pp_matrix_t *m, size_t a, size_t b)
{
	if (a == b || a >= m->n || b >= m->n) return NULL;
	if (a > b) { size_t t = a; a = b; b = t; }
	return m->have[a * m->n + b] ? &m->cells[a * m->n + b] : NULL;
}

void pp_matrix_cancel(pp_matrix_t *m)
{
	m->cancelled = 1;
	for (size_t k = 0; k < m->nslots; k++)
		if (m->slots[k].m && !m->slots[k].ended) pp_run_cancel(m->slots[k].run);
	if (!m->timer) m->timer = loop_timer_add(m->tmpl.loop, 0, matrix_on_timer, m);
}

void pp_matrix_free(pp_matrix_t *m)
{
	if (!m) return;
	if (m->timer) loop_timer_cancel(m->tmpl.loop, m->timer);
	if (m->slots)
		for (size_t k = 0; k < m->nslots; k++)
			if (m->slots[k].m) pp_run_free(m->slots[k].run);
	if (m->cells)
		for (size_t i = 0; i < m->n * m->n; i++) pp_result_free(&m->cells[i]);
	free(m->cells);
	free(m->have);
	free(m->order);
	free(m->started);
	free(m->busy);
	free(m->checks);
	free(m->slots);
	free(m->nodes);
	free(m);
}

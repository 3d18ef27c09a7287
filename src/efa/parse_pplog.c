#include "efa/parse_pplog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/exec.h"
#include "efa/parse_text.h"

void pplog_free(pplog_t *l)
{
	pp_result_free(&l->result);
	pp_result_free(&l->server);
}

const char *pplog_format_name(pplog_format_t f)
{
	static const char *const names[] = {
		[PPLOG_UNRECOGNISED] = "unrecognised", [PPLOG_FI_PINGPONG] = "fi_pingpong",
		[PPLOG_EFA_TEST_OLD] = "efa_test.sh (old format)", [PPLOG_EFA_TEST_NEW] = "efa_test.sh (new format)",
		[PPLOG_INSTALLER] = "efa_installer.sh self-test", [PPLOG_FABTESTS] = "fabtests",
	};
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

static const char *const pp_programs[] = { "fi_pingpong", "fi_rdm_pingpong", "fi_rma_bw", "fi_msg_pingpong",
                                           "fi_rdm_tagged_pingpong", NULL };

/* fi_pingpong's options that take a value (1.17 and 2.x): any other word that is not an
 * option is the server's address, which only the client is given. */
static const char pp_valued[] = "BPdpeISmfsaD";

static void unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		memmove(v, v + 1, n - 2);
		v[n - 2] = 0;
	}
}

int pplog_command(const char *line, pp_result_t *r)
{
	const char *cmd = ptext_prompt_command(line);
	if (!cmd) cmd = ptext_skip_ws(line);
	/* skip a "Running:" label (never "Error:": fi_pingpong's own lines name it), set -x's
	 * "+", "VAR=value" assignments, a "timeout [--foreground] [-k N] N" wrapper and a
	 * "stdbuf -oL" one */
	char buf[512];
	snprintf(buf, sizeof buf, "%s", cmd);
	char *save = NULL, *tok = strtok_r(buf, " \t", &save);
	static const char *const labels[] = { "+", "Running:", "Command:", "Executing:", "Run:", NULL };
	for (const char *const *lb = labels; tok && *lb; lb++)
		if (strcmp(tok, *lb) == 0) {
			tok = strtok_r(NULL, " \t", &save);
			break;
		}
	int in_stdbuf = 0;
	while (tok && (strchr(tok, '=') || strcmp(tok, "timeout") == 0 || strcmp(tok, "--foreground") == 0 ||
	               strcmp(tok, "-k") == 0 || (tok[0] >= '0' && tok[0] <= '9') || strcmp(tok, "stdbuf") == 0 ||
	               (in_stdbuf && tok[0] == '-'))) {
		if (strcmp(tok, "stdbuf") == 0) in_stdbuf = 1;
		tok = strtok_r(NULL, " \t", &save);
	}
	if (!tok) return 0;
	const char *base = strrchr(tok, '/') ? strrchr(tok, '/') + 1 : tok;
	const char *const *p;
	for (p = pp_programs; *p && strcmp(*p, base) != 0; p++) {}
	if (!*p) return 0;
	int client = 0;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (strchr("|;&", tok[0]) || strpbrk(tok, "<>")) break; /* "2>&1 | tee log": the shell's, not fi_pingpong's */
		if (tok[0] != '-') {
			client = 1;
			continue;
		}
		if (!tok[1] || tok[2] || !strchr(pp_valued, tok[1])) continue;
		char *val = strtok_r(NULL, " \t", &save);
		if (!val) break;
		unquote(val); /* -p "tcp;ofi_rxm", as a shell line has it */
		/* only names a provider/endpoint can have: a log is not trusted text */
		if (tok[1] == 'p' && strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_;") == strlen(val))
			snprintf(r->provider, sizeof r->provider, "%s", val);
		else if (tok[1] == 'e' && exec_valid_endpoint(val))
			snprintf(r->endpoint, sizeof r->endpoint, "%s", val);
		else if (tok[1] == 'I' && exec_valid_count(val, 1, 1000000000))
			r->iterations = atoi(val);
	}
	return client ? PPLOG_CMD_CLIENT : PPLOG_CMD_SERVER;
}

static void set_default(pp_result_t *r, const char *provider, const char *endpoint)
{
	if (!r->provider[0]) snprintf(r->provider, sizeof r->provider, "%s", provider);
	if (!r->endpoint[0]) snprintf(r->endpoint, sizeof r->endpoint, "%s", endpoint);
}

static void iterations_from_rows(pp_result_t *r)
{
	if (r->iterations || r->nrows == 0) return;
	for (size_t i = 1; i < r->nrows; i++)
		if (r->rows[i].sent != r->rows[0].sent) return;
	r->iterations = (int)r->rows[0].sent;
}

/* A log may hold several tables (server and client, one per rank or host); each
 * launcher prefix is a stream with its own parser, and a header starts a table. */
#define MAX_STREAMS 8
#define MAX_TABLES 8
#define MAX_HOSTS 8

typedef enum role { ROLE_UNKNOWN = 0, ROLE_SERVER, ROLE_CLIENT } role_t;

typedef struct table {
	pp_result_t r;
	role_t role;
	const char *why;       /* what told the role */
} table_t;

typedef struct stream {
	char tag[112];         /* the launcher prefix naming it; "" for unprefixed lines */
	pp_parser_t pp;
	int table;             /* its current table, -1 before a header */
	role_t role;           /* told by the last command line or "Server Log:"/"Client Log:" */
	const char *why;
	pp_result_t cmd;       /* provider/endpoint/iterations of the last command line */
} stream_t;

typedef struct pstate {
	stream_t st[MAX_STREAMS];
	int nst;
	table_t tab[MAX_TABLES];
	int ntab;
	char hosts[MAX_HOSTS][64];
	int nhosts;
	pp_result_t last_cmd;  /* for a log with a command and no table */
	int saw_command;
} pstate_t;

/* "host-a: rest": the length of "host-a:" when the first word is a host name. */
static size_t host_word(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
	if (n == 0 || n >= 64 || s[n] != ':' || (s[n + 1] != ' ' && s[n + 1] != '\t' && s[n + 1])) return 0;
	if (strspn(s, "0123456789") == n) return 0; /* "1: lo ..." is ip's */
	return n;
}

/* Host names become prefixes only where a table header follows them: "Error:",
 * "Running:" or "Server Log:" never do. */
static void find_hosts(pstate_t *ps, const char *text, size_t len)
{
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	while ((line = ptext_next(&t)) && ps->nhosts < MAX_HOSTS) {
		size_t n = host_word(line);
		if (!n) continue;
		pp_parser_t pp;
		pp_parser_init(&pp);
		if (pp_parser_line(&pp, line + n + 1, NULL) != PP_EV_HEADER) continue;
		int i;
		for (i = 0; i < ps->nhosts; i++)
			if (strlen(ps->hosts[i]) == n && strncmp(ps->hosts[i], line, n) == 0) break;
		if (i == ps->nhosts) ptext_copy_trim(ps->hosts[ps->nhosts++], sizeof ps->hosts[0], line, n);
	}
}

/* Strips a known host prefix from line; appends it to tag. */
static const char *strip_host(const pstate_t *ps, const char *line, char *tag, size_t n)
{
	size_t w = host_word(line);
	for (int i = 0; w && i < ps->nhosts; i++)
		if (strlen(ps->hosts[i]) == w && strncmp(ps->hosts[i], line, w) == 0) {
			size_t used = strlen(tag);
			ptext_fmt(tag + used, n - used, "%s:", ps->hosts[i]);
			return ptext_skip_ws(line + w + 1);
		}
	return line;
}

static stream_t *stream_of(pstate_t *ps, const char *tag)
{
	for (int i = 0; i < ps->nst; i++)
		if (strcmp(ps->st[i].tag, tag) == 0) return &ps->st[i];
	if (ps->nst == MAX_STREAMS) return &ps->st[MAX_STREAMS - 1]; /* more ranks than that: merged */
	stream_t *s = &ps->st[ps->nst++];
	memset(s, 0, sizeof *s); /* a slot an earlier efa_test.sh attempt used */
	ptext_fmt(s->tag, sizeof s->tag, "%s", tag);
	pp_parser_init(&s->pp);
	s->table = -1;
	s->cmd.exit_code = -1;
	return s;
}

static void pstate_reset(pstate_t *ps)
{
	for (int i = 0; i < ps->ntab; i++) pp_result_free(&ps->tab[i].r);
	ps->ntab = 0;
	ps->nst = 0;
}

static void new_table(pstate_t *ps, stream_t *s)
{
	if (ps->ntab == MAX_TABLES) { s->table = -1; return; }
	table_t *t = &ps->tab[ps->ntab];
	memset(t, 0, sizeof *t);
	t->r = s->cmd;
	t->r.rows = NULL;
	t->r.nrows = 0;
	t->role = s->role;
	t->why = s->why;
	s->table = ps->ntab++;
}

/* The client's table: the one a client command or "Client Log:" names; else the one
 * beside a known server's; else, with nothing to tell, the last one (and say so). */
static void choose(pstate_t *ps, pplog_t *l)
{
	int client = -1, server = -1, unknown = 0;
	for (int i = 0; i < ps->ntab; i++) {
		if (ps->tab[i].role == ROLE_CLIENT) client = i;
		else if (ps->tab[i].role == ROLE_SERVER) server = i;
		else unknown++;
	}
	if (ps->ntab > 1) {
		if (client >= 0)
			ptext_fmt(l->which, sizeof l->which, "the client's table (told by %s), of %d", ps->tab[client].why, ps->ntab);
		if (client < 0 && server >= 0 && unknown > 0) {
			for (int i = ps->ntab - 1; i >= 0 && client < 0; i--)
				if (ps->tab[i].role == ROLE_UNKNOWN) client = i;
			ptext_fmt(l->which, sizeof l->which, "the table beside the server's (told by %s), of %d",
			          ps->tab[server].why, ps->ntab);
		}
		if (client < 0) {
			client = ps->ntab - 1;
			if (client == server) server = -1;
			ptext_fmt(l->which, sizeof l->which, "the last of %d tables: nothing in the log says which is the "
			          "client's", ps->ntab);
		}
	} else if (ps->ntab == 1) {
		/* a server's own table measures the same round trips: reported, and said */
		client = 0;
		server = -1;
		if (ps->tab[0].role == ROLE_SERVER)
			ptext_fmt(l->which, sizeof l->which, "the server's table (told by %s): the client's is not in the log",
			          ps->tab[0].why);
	}
	if (client >= 0) { l->result = ps->tab[client].r; ps->tab[client].r.rows = NULL; }
	else l->result = ps->last_cmd;
	if (server >= 0) { l->server = ps->tab[server].r; ps->tab[server].r.rows = NULL; }
	l->tables = ps->ntab;
}

void pplog_parse(const char *text, size_t len, pplog_t *l)
{
	memset(l, 0, sizeof *l);
	l->result.exit_code = l->server.exit_code = -1;
	l->verdict = -1;
	pstate_t *ps = calloc(1, sizeof *ps);
	if (!ps) return;
	ps->last_cmd.exit_code = -1;
	find_hosts(ps, text, len);
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	while ((line = ptext_next(&t))) {
		char tag[112];
		ptext_fmt(tag, sizeof tag, "%s", t.tag);
		line = strip_host(ps, line, tag, sizeof tag);
		stream_t *st = stream_of(ps, tag);
		const char *s = ptext_skip_ws(line);
		if (ptext_starts_with(s, "Localhost fi_pingpong test: Attempt ")) {
			l->format = PPLOG_EFA_TEST_NEW;
			l->attempts = atoi(s + strlen("Localhost fi_pingpong test: Attempt "));
			/* a later attempt replaces what an earlier one printed */
			pstate_reset(ps);
			continue;
		}
		if (strcmp(s, "== Testing EFA device ==") == 0) { l->format = PPLOG_INSTALLER; continue; }
		if (ptext_starts_with(s, "Starting server")) {
			if (l->format == PPLOG_UNRECOGNISED) l->format = PPLOG_EFA_TEST_OLD;
			continue;
		}
		if (strcmp(s, "Server Log:") == 0 || strcmp(s, "Client Log:") == 0) {
			st->role = s[0] == 'S' ? ROLE_SERVER : ROLE_CLIENT;
			st->why = s[0] == 'S' ? "\"Server Log:\"" : "\"Client Log:\"";
			continue;
		}
		pp_result_t cmd = st->cmd;
		int c = pplog_command(line, &cmd);
		if (c) {
			ps->saw_command = 1;
			st->cmd = cmd;
			st->role = c == PPLOG_CMD_CLIENT ? ROLE_CLIENT : ROLE_SERVER;
			st->why = "its command line";
			ps->last_cmd = cmd;
			continue;
		}
		pp_row_t row;
		pp_event_t ev = pp_parser_line(&st->pp, line, &row);
		if (ev == PP_EV_HEADER) {
			new_table(ps, st);
			if (st->pp.columns == 7 && l->format == PPLOG_UNRECOGNISED) l->format = PPLOG_FABTESTS;
		} else if (ev == PP_EV_ROW && st->table >= 0) {
			pp_result_add(&ps->tab[st->table].r, &row);
		} else if (ev == PP_EV_PARTIAL) {
			l->cut_rows++;
		}
	}
	/* what every stream's parser saw, together */
	pp_parser_t pp;
	pp_parser_init(&pp);
	for (int i = 0; i < ps->nst; i++) {
		const pp_parser_t *q = &ps->st[i].pp;
		if (q->failure != PP_FAIL_NONE && (pp.failure == PP_FAIL_NONE || pp.failure == PP_FAIL_OTHER)) {
			pp.failure = q->failure;
			snprintf(pp.detail, sizeof pp.detail, "%s", q->detail);
		}
		if (q->warnings && !pp.warnings) snprintf(pp.first_warning, sizeof pp.first_warning, "%s", q->first_warning);
		pp.warnings += q->warnings;
		pp.success |= q->success;
		pp.own_lines += q->own_lines;
		if (q->columns) pp.columns = q->columns;
	}
	choose(ps, l);
	int saw_command = ps->saw_command;
	pstate_reset(ps);
	free(ps);
	if (l->format == PPLOG_UNRECOGNISED && (l->result.nrows || pp.own_lines || pp.columns || saw_command))
		l->format = PPLOG_FI_PINGPONG;
	if (l->format == PPLOG_EFA_TEST_OLD || l->format == PPLOG_EFA_TEST_NEW || l->format == PPLOG_INSTALLER) {
		/* efa_test.sh runs `fi_pingpong -e rdm -p efa` over localhost */
		set_default(&l->result, "efa", "rdm");
		if (l->server.nrows) set_default(&l->server, "efa", "rdm");
	}
	iterations_from_rows(&l->result);
	iterations_from_rows(&l->server);

	size_t used = 0;
	if (l->format == PPLOG_UNRECOGNISED) {
		/* not a ping-pong log: no verdict, no error, no note */
	} else if (pp.failure != PP_FAIL_NONE) {
		l->verdict = 0;
		const char *why = pp_failure_reason(pp.failure);
		ptext_fmt(l->result.error, sizeof l->result.error, "%s%s(%s)", why ? why : "", why ? " " : "", pp.detail);
	} else if (pp.success || (l->result.nrows && !l->cut_rows)) {
		l->verdict = 1;
	} else if (l->result.nrows && l->cut_rows) {
		used += (size_t)snprintf(l->note, sizeof l->note, "the capture ends mid-row after %zu complete rows; ",
		                        l->result.nrows);
	} else if (l->format != PPLOG_UNRECOGNISED && !l->result.nrows) {
		l->verdict = 0;
		snprintf(l->result.error, sizeof l->result.error,
		         "the log has no result table: it ends before fi_pingpong printed one (a hang, or a cut capture)");
	}
	if (pp.warnings && l->format != PPLOG_UNRECOGNISED && used < sizeof l->note)
		used += (size_t)snprintf(l->note + used, sizeof l->note - used, "%d libfabric warning%s, first: %s; ",
		                         pp.warnings, pp.warnings == 1 ? "" : "s", pp.first_warning);
	if (used >= 2 && used < sizeof l->note) l->note[used - 2] = 0;
}

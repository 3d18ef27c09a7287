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

int pplog_command(const char *line, pp_result_t *r)
{
	const char *cmd = ptext_prompt_command(line);
	if (!cmd) cmd = ptext_skip_ws(line);
	/* skip "VAR=value" assignments and a "timeout N" wrapper */
	char buf[512];
	snprintf(buf, sizeof buf, "%s", cmd);
	char *save = NULL, *tok = strtok_r(buf, " \t", &save);
	while (tok && (strchr(tok, '=') || strcmp(tok, "timeout") == 0 || (tok[0] >= '0' && tok[0] <= '9')))
		tok = strtok_r(NULL, " \t", &save);
	if (!tok) return 0;
	const char *base = strrchr(tok, '/') ? strrchr(tok, '/') + 1 : tok;
	const char *const *p;
	for (p = pp_programs; *p && strcmp(*p, base) != 0; p++) {}
	if (!*p) return 0;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *val = NULL;
		if ((strcmp(tok, "-p") == 0 || strcmp(tok, "-e") == 0 || strcmp(tok, "-I") == 0) &&
		    (val = strtok_r(NULL, " \t", &save))) {
			/* only names a provider/endpoint can have: a log is not trusted text */
			if (tok[1] == 'p' && strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_;") == strlen(val))
				snprintf(r->provider, sizeof r->provider, "%s", val);
			else if (tok[1] == 'e' && exec_valid_endpoint(val))
				snprintf(r->endpoint, sizeof r->endpoint, "%s", val);
			else if (tok[1] == 'I' && exec_valid_count(val, 1, 1000000000))
				r->iterations = atoi(val);
		}
	}
	return 1;
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

void pplog_parse(const char *text, size_t len, pplog_t *l)
{
	memset(l, 0, sizeof *l);
	l->result.exit_code = l->server.exit_code = -1;
	l->verdict = -1;
	pp_parser_t pp;
	pp_parser_init(&pp);
	pp_result_t *target = &l->result;
	int saw_command = 0;
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	while ((line = ptext_next(&t))) {
		const char *s = ptext_skip_ws(line);
		if (ptext_starts_with(s, "Localhost fi_pingpong test: Attempt ")) {
			l->format = PPLOG_EFA_TEST_NEW;
			l->attempts = atoi(s + strlen("Localhost fi_pingpong test: Attempt "));
			/* a later attempt replaces what an earlier one printed */
			pp_result_free(&l->result);
			pp_result_free(&l->server);
			pp_parser_init(&pp);
			target = &l->result;
			continue;
		}
		if (strcmp(s, "== Testing EFA device ==") == 0) { l->format = PPLOG_INSTALLER; continue; }
		if (ptext_starts_with(s, "Starting server")) {
			if (l->format == PPLOG_UNRECOGNISED) l->format = PPLOG_EFA_TEST_OLD;
			continue;
		}
		if (strcmp(s, "Server Log:") == 0) { target = &l->server; continue; }
		if (strcmp(s, "Client Log:") == 0) { target = &l->result; continue; }
		if (pplog_command(line, &l->result)) { saw_command = 1; continue; }
		pp_row_t row;
		pp_event_t ev = pp_parser_line(&pp, line, &row);
		if (ev == PP_EV_ROW) pp_result_add(target, &row);
		else if (ev == PP_EV_PARTIAL) l->cut_rows++;
		else if (ev == PP_EV_HEADER && pp.columns == 7 && l->format == PPLOG_UNRECOGNISED) l->format = PPLOG_FABTESTS;
	}
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

#include "efa/exec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

exec_job_t *exec_start(exec_t *ex, const char *target, const char *script, int timeout_ms,
                       const exec_cbs_t *cbs, char *err, size_t errlen)
{
	return ex->ops->start(ex, target, script, timeout_ms, cbs, err, errlen);
}

size_t exec_start_many(exec_t *ex, const char *const *targets, size_t n, const char *script,
                       int timeout_ms, const exec_cbs_t *cbs, exec_job_t **jobs, char *err,
                       size_t errlen)
{
	if (ex->ops->start_many)
		return ex->ops->start_many(ex, targets, n, script, timeout_ms, cbs, jobs, err, errlen);
	size_t started = 0;
	char why[256];
	if (errlen) err[0] = 0;
	for (size_t i = 0; i < n; i++) {
		jobs[i] = exec_start(ex, targets[i], script, timeout_ms, &cbs[i], why, sizeof why);
		if (jobs[i]) started++;
		else if (errlen && !err[0]) snprintf(err, errlen, "%s", why);
	}
	return started;
}

void exec_cancel(exec_job_t *job)
{
	job->ex->ops->cancel(job);
}

void exec_free(exec_t *ex)
{
	if (ex) ex->ops->free(ex);
}

const char *exec_name(const exec_t *ex) { return ex->ops->name; }

const char *exec_status_name(exec_status_t s)
{
	static const char *const names[] = {
		[EXEC_SUCCESS] = "success", [EXEC_FAILED] = "failed", [EXEC_TIMED_OUT] = "timed out",
		[EXEC_CANCELLED] = "cancelled", [EXEC_ERROR] = "error",
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static void emit(exec_linebuf_t *lb, size_t n, const exec_cbs_t *cbs)
{
	size_t len = n;
	if (len > 0 && lb->buf[len - 1] == '\r') len--;
	lb->buf[len] = 0;
	if (cbs->on_line) cbs->on_line(cbs->ud, lb->stream, lb->buf, len);
}

void exec_linebuf_feed(exec_linebuf_t *lb, const char *data, size_t n, const exec_cbs_t *cbs)
{
	if (!lb->buf && !(lb->buf = malloc(EXEC_LINE_MAX + 1))) return;
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			emit(lb, lb->len, cbs);
			lb->len = 0;
			continue;
		}
		lb->buf[lb->len++] = data[i] ? data[i] : ' ';
		if (lb->len == EXEC_LINE_MAX) {
			emit(lb, lb->len, cbs);
			lb->len = 0;
		}
	}
}

void exec_linebuf_finish(exec_linebuf_t *lb, const exec_cbs_t *cbs)
{
	if (lb->buf && lb->len > 0) emit(lb, lb->len, cbs);
	free(lb->buf);
	lb->buf = NULL;
	lb->len = 0;
}

int exec_valid_instance_id(const char *s)
{
	if (!s || strncmp(s, "i-", 2) != 0) return 0;
	size_t n = strlen(s + 2);
	if (n < 8 || n > 17) return 0;
	for (const char *p = s + 2; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
	return 1;
}

int exec_valid_ipv4(const char *s)
{
	if (!s) return 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0 && *s++ != '.') return 0;
		if (!isdigit((unsigned char)*s)) return 0;
		if (*s == '0' && isdigit((unsigned char)s[1])) return 0;
		int v = 0, digits = 0;
		while (isdigit((unsigned char)*s) && digits < 4) { v = v * 10 + (*s++ - '0'); digits++; }
		if (digits > 3 || v > 255) return 0;
	}
	return *s == 0;
}

int exec_valid_size(const char *s)
{
	if (!s) return 0;
	if (strcmp(s, "all") == 0) return 1;
	size_t digits = strspn(s, "0123456789");
	if (digits == 0 || digits > 12) return 0;
	const char *rest = s + digits;
	return *rest == 0 || ((strchr("kmgKMG", *rest) != NULL) && rest[1] == 0);
}

int exec_valid_count(const char *s, long min, long max)
{
	if (!s || !*s) return 0;
	size_t digits = strspn(s, "0123456789");
	if (digits == 0 || digits > 10 || s[digits] != 0) return 0;
	long v = strtol(s, NULL, 10);
	return v >= min && v <= max;
}

static int in_set(const char *s, const char *const *set)
{
	if (!s) return 0;
	for (; *set; set++)
		if (strcmp(s, *set) == 0) return 1;
	return 0;
}

int exec_valid_provider(const char *s)
{
	/* libfabric names a core provider under a utility one "core;util": only the pairs it
	 * layers, never a free-form string (the ';' is a shell separator; scripts quote it) */
	static const char *const set[] = { "efa", "tcp", "shm", "sockets", "udp", "verbs", "tcp;ofi_rxm",
	                                   "verbs;ofi_rxm", "udp;ofi_rxd", "verbs;ofi_rxd", "efa;ofi_rxd", NULL };
	return in_set(s, set);
}

int exec_valid_endpoint(const char *s)
{
	static const char *const set[] = { "rdm", "dgram", "msg", NULL };
	return in_set(s, set);
}

int exec_valid_log_group(const char *s)
{
	if (!s || strncmp(s, "/aws/ssm/", 9) != 0) return 0;
	size_t n = strlen(s);
	if (n <= 9 || n > 512) return 0;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_-.#", *p)) return 0;
	return 1;
}

int exec_nodes_add(exec_nodes_t *nodes, const char *id, char *err, size_t errlen)
{
	if (!exec_valid_instance_id(id)) {
		snprintf(err, errlen, "\"%.40s\" is not an instance id (i- and 8 or 17 hex digits)", id ? id : "");
		return -1;
	}
	for (size_t i = 0; i < nodes->n; i++)
		if (strcmp(nodes->ids[i], id) == 0) {
			snprintf(err, errlen, "%s is given twice", id);
			return -1;
		}
	if (nodes->n == EXEC_MAX_NODES) {
		snprintf(err, errlen, "at most %d nodes", EXEC_MAX_NODES);
		return -1;
	}
	snprintf(nodes->ids[nodes->n++], sizeof nodes->ids[0], "%s", id);
	return 0;
}

int exec_nodes_select(const exec_nodes_t *nodes, const char *which, size_t *first, size_t *count,
                      char *err, size_t errlen)
{
	if (!which || strcmp(which, "all") == 0) {
		*first = 0;
		*count = nodes->n;
		return 0;
	}
	if (exec_valid_count(which, 1, (long)nodes->n)) {
		*first = (size_t)atol(which) - 1;
		*count = 1;
		return 0;
	}
	snprintf(err, errlen, "--node takes \"all\" or a number 1..%zu, not \"%.20s\"", nodes->n, which);
	return -1;
}

int exec_text_append(char **text, size_t *len, size_t *cap, const char *line, size_t n)
{
	if (grow_array((void **)text, cap, *len + n + 2, 1, 4096) < 0) return -1;
	memcpy(*text + *len, line, n);
	*len += n;
	(*text)[(*len)++] = '\n';
	(*text)[*len] = 0;
	return 0;
}

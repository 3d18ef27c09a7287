/* Running a shell script on a node: one interface, two backends (exec_local.h: a child
 * process here; exec_ssm.h: SSM RunCommand with output streamed from CloudWatch Logs).
 * Output reaches the caller line by line on the event loop while the script runs;
 * nothing blocks. Scripts must be built from validated values only (exec_valid_*). */
#ifndef NIXL_EFA_EXEC_H
#define NIXL_EFA_EXEC_H

#include <stddef.h>

#include "base/limits.h"

typedef enum exec_stream { EXEC_STDOUT = 0, EXEC_STDERR = 1 } exec_stream_t;

typedef enum exec_status {
	EXEC_SUCCESS = 0,  /* ran to the end with exit code 0 */
	EXEC_FAILED,       /* ran to the end with a non-zero exit code (or died of a signal) */
	EXEC_TIMED_OUT,    /* our timeout fired: the process group / command was killed */
	EXEC_CANCELLED,    /* exec_cancel() */
	EXEC_ERROR,        /* could not be started or followed (fork, SSM API error) */
} exec_status_t;

typedef struct exec_result {
	exec_status_t status;
	int exit_code;      /* -1 when unknown (signal, timeout, API error) */
	int signal;         /* local: the signal that ended the shell, else 0 */
	char detail[512];   /* for EXEC_ERROR/TIMED_OUT/FAILED: a sentence saying what happened */
} exec_result_t;

typedef struct exec_cbs {
	/* One line without its newline (CR stripped), NUL-terminated; len excludes the NUL. */
	void (*on_line)(void *ud, exec_stream_t stream, const char *line, size_t len);
	/* Exactly once per started job; the job is freed right after it returns. */
	void (*on_done)(void *ud, const exec_result_t *r);
	void *ud;
} exec_cbs_t;

typedef struct exec exec_t;
typedef struct exec_job exec_job_t;

/* The backend's functions; exec_t starts with a pointer to them. */
typedef struct exec_ops {
	const char *name; /* "local", "ssm" */
	exec_job_t *(*start)(exec_t *ex, const char *target, const char *script, int timeout_ms,
	                     const exec_cbs_t *cbs, char *err, size_t errlen);
	/* NULL: exec_start_many() starts the targets one by one */
	size_t (*start_many)(exec_t *ex, const char *const *targets, size_t n, const char *script,
	                     int timeout_ms, const exec_cbs_t *cbs, exec_job_t **jobs, char *err,
	                     size_t errlen);
	void (*cancel)(exec_job_t *job);
	void (*free)(exec_t *ex);
} exec_ops_t;

struct exec { const exec_ops_t *ops; };
/* Backends embed this as the first member of their job. */
struct exec_job { exec_t *ex; };

/* Runs script (a POSIX sh script) on target (an instance id for SSM; ignored by the
 * local backend) with a timeout (0 = none). Returns NULL with err filled when it could
 * not even be started (then on_done is not called). */
exec_job_t *exec_start(exec_t *ex, const char *target, const char *script, int timeout_ms,
                       const exec_cbs_t *cbs, char *err, size_t errlen);
/* The same script on n targets, with cbs[i] for targets[i]: one job per target (each
 * cancelled on its own, each with its own on_done), but the backend may start them
 * together (SSM: one SendCommand per 50 instances, against SSM's rate limits). jobs[i]
 * is NULL for a target that could not be started (err says why for the first one).
 * Returns how many started. */
size_t exec_start_many(exec_t *ex, const char *const *targets, size_t n, const char *script,
                       int timeout_ms, const exec_cbs_t *cbs, exec_job_t **jobs, char *err,
                       size_t errlen);
/* Asks the job to stop; on_done follows later on the loop with EXEC_CANCELLED. Only
 * valid before on_done has run. */
void exec_cancel(exec_job_t *job);
/* Stops every job still running without calling their callbacks, then frees ex. */
void exec_free(exec_t *ex);
const char *exec_name(const exec_t *ex);

const char *exec_status_name(exec_status_t s);

/* Splits a byte stream into lines for on_line (used by the backends). Lines longer
 * than EXEC_LINE_MAX are delivered in pieces. */
#define EXEC_LINE_MAX 16384
typedef struct exec_linebuf {
	char *buf;
	size_t len;
	exec_stream_t stream;
} exec_linebuf_t;
void exec_linebuf_feed(exec_linebuf_t *lb, const char *data, size_t n, const exec_cbs_t *cbs);
/* Delivers a last line without newline, then releases the buffer. */
void exec_linebuf_finish(exec_linebuf_t *lb, const exec_cbs_t *cbs);

/* The nodes a command runs on, numbered from 1: instance ids, validated. Filled from
 * --instance-id flags today, from the deployed stack's instances by the deployment
 * model. */
#define EXEC_MAX_NODES NIXL_MAX_NODES
typedef struct exec_nodes {
	char ids[EXEC_MAX_NODES][24];
	size_t n;
} exec_nodes_t;
/* Returns 0, or -1 with err (invalid id, too many nodes). Duplicates are refused. */
int exec_nodes_add(exec_nodes_t *nodes, const char *id, char *err, size_t errlen);
/* "all" or a node number 1..n: sets *first and *count; -1 with err otherwise. */
int exec_nodes_select(const exec_nodes_t *nodes, const char *which, size_t *first, size_t *count,
                      char *err, size_t errlen);

/* Appends line (n bytes) and a newline to a growing NUL-terminated text buffer: how the
 * check, the ping-pong preflight and the session keep what a node printed. -1 on OOM. */
int exec_text_append(char **text, size_t *len, size_t *cap, const char *line, size_t n);

/* Validators for every value that goes into a script line: nothing else may be pasted. */
int exec_valid_instance_id(const char *s);   /* i-[0-9a-f]{8,17} */
int exec_valid_ipv4(const char *s);          /* dotted quad, each 0..255, no leading zeros */
int exec_valid_size(const char *s);          /* fi_pingpong -S: "all" or digits with k/m/g suffix */
int exec_valid_count(const char *s, long min, long max); /* decimal integer in [min, max] */
int exec_valid_provider(const char *s);      /* efa, tcp, shm, sockets, udp, verbs, and
                                              * tcp;ofi_rxm verbs;ofi_rxm udp;ofi_rxd verbs;ofi_rxd efa;ofi_rxd */
int exec_valid_endpoint(const char *s);      /* rdm, dgram, msg */
int exec_valid_log_group(const char *s);     /* /aws/ssm/... CloudWatch log group name */

#endif

/* The SSM executor: SendCommand (AWS-RunShellScript) with CloudWatch output into a log
 * group under /aws/ssm/, the command's stdout and stderr streamed from CloudWatch Logs
 * (GetLogEvents with forward tokens on "<command-id>/<instance-id>/aws-runShellScript/
 * stdout|stderr") while it runs, each node's status from one ListCommandInvocations a
 * round for its command, the final status and exit code from GetCommandInvocation,
 * CancelCommand on timeout or cancel. Targets are instance ids.
 * exec_start_many() sends one SendCommand for up to 50 targets (SSM's InstanceIds limit);
 * each target is still followed, and cancelled (CancelCommand with its InstanceId only), as
 * a job of its own. */
#ifndef NIXL_EFA_EXEC_SSM_H
#define NIXL_EFA_EXEC_SSM_H

#include "aws/client.h"
#include "efa/exec.h"

#define EXEC_SSM_LOG_GROUP "/aws/ssm/nixl-tui"

typedef struct exec_ssm_opts {
	const char *log_group; /* NULL: EXEC_SSM_LOG_GROUP; must be under /aws/ssm/ */
	int poll_ms;           /* between GetLogEvents/GetCommandInvocation rounds; 0: 1000 */
	int drain_ms;          /* after the command ended, read late log events this long at
	                          most; 0: 5000 */
	int stop_wait_ms;      /* after CancelCommand, wait this long for a final status; 0: 15000 */
	int leave_running;     /* exec_free() stops following, but does not cancel the commands
	                          (node setup: quitting nixl-tui leaves it running on the nodes) */
} exec_ssm_opts_t;

/* aws must outlive the executor. opts may be NULL. NULL when the log group is invalid. */
exec_t *exec_ssm_new(aws_client_t *aws, const exec_ssm_opts_t *opts);

/* Follows a command already sent (by an earlier run of nixl-tui) on target, as a job of
 * this executor: its output from the start of its log streams, then its end. NULL with err
 * when the id or target is not valid. */
exec_job_t *exec_ssm_attach(exec_t *ex, const char *target, const char *command_id, int timeout_ms,
                            const exec_cbs_t *cbs, char *err, size_t errlen);
/* The job's SSM command id: "" until SendCommand answered. Only before its on_done. */
const char *exec_ssm_command_id(const exec_job_t *job);

#endif

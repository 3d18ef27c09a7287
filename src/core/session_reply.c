/* What the session's AWS callbacks share (session_priv.h, its last block): their first
 * lines (the channel forgotten, a closing session left alone, an error failing the
 * operation), a deploy step's passing line, and what a DescribeStacks answer says of the
 * stack (there is none, it is deleted). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws/cfn.h"
#include "core/session_priv.h"

session_t *sess_back(void *ud, sess_chan_t ch)
{
	session_t *s = ud;
	return sess_enter(s, ch) ? NULL : s;
}

session_t *sess_reply(void *ud, sess_chan_t ch, const aws_error_t *err, sess_phase_t phase, const char *what)
{
	session_t *s = sess_back(ud, ch);
	if (!s || !err) return s;
	sess_fail_err(s, phase, what, err);
	return NULL;
}

void sess_deploy_pass(session_t *s, sess_step_state_t state, const char *fmt, ...)
{
	char detail[sizeof s->steps[0].detail];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	sess_step_end(s, state, "%s", detail);
	sess_deploy_next(s);
}

session_t *sess_stack_reply(void *ud, const aws_error_t *err, const cfn_stacks_t *res, sess_phase_t phase,
                            const cfn_stack_t **st)
{
	int missing = cfn_error_stack_missing(err);
	session_t *s = sess_reply(ud, CH_OP, missing ? NULL : err, phase, "Looking for the stack");
	*st = s && !missing && res->n ? &res->stacks[0] : NULL;
	return s;
}

int sess_stack_gone(const cfn_stack_t *st)
{
	return !st || (st->status && strcmp(st->status, "DELETE_COMPLETE") == 0);
}

/* The node scripts the product ships go to the scripts bucket once the stack is
 * complete (not earlier: a rollback could not delete a bucket holding them), so that a
 * node, or a person on it, can fetch them; the console and the headless commands also
 * send them inline over SSM, so a failed upload only warns. */
#include <stdio.h>
#include <string.h>

#include "aws/s3.h"
#include "core/session_priv.h"
#include "efa/check_script.h"

static const struct { const char *key; const char *(*text)(void); } node_scripts[] = {
	{ "nixl-tui/efa_check.sh", check_script_text },
};
enum { NSCRIPTS = sizeof node_scripts / sizeof node_scripts[0] };

static void upload_next(session_t *s);

static void on_put(void *ud, const aws_error_t *err, s3_put_result_t *res)
{
	(void)res;
	session_t *s = sess_back(ud, CH_UPLOAD);
	if (!s) return;
	if (err) {
		char buf[600];
		sess_flash(s, "uploading %s failed: %s", node_scripts[SP(s)->upload_idx].key,
		           aws_error_sentence(err, buf, sizeof buf));
		return;
	}
	SP(s)->upload_idx++;
	upload_next(s);
}

static void upload_next(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->upload_idx >= NSCRIPTS) {
		p->scripts_uploaded = 1;
		sess_flash(s, "node scripts uploaded to s3://%s/nixl-tui/", p->bucket);
		return;
	}
	const char *text = node_scripts[p->upload_idx].text();
	sess_track(s, CH_UPLOAD, s3_put_object(p->aws, p->bucket, node_scripts[p->upload_idx].key, text,
	                                       strlen(text), on_put, s));
}

void sess_upload_scripts(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_UPLOAD] || p->scripts_uploaded) return;
	p->upload_idx = 0;
	upload_next(s);
}

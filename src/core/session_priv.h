/* Inside the session: what its parts (session.c, watch, deploy, teardown, lookup,
 * nodes) share and nobody else sees. */
#ifndef NIXL_CORE_SESSION_PRIV_H
#define NIXL_CORE_SESSION_PRIV_H

#include "aws/client.h"
#include "catalog/config.h"
#include "core/session.h"

/* One call in flight at a time per channel, so a callback knows its slot and a
 * closing session can cancel what is in flight. */
typedef enum sess_chan {
	CH_OP, CH_EVENTS, CH_STACK, CH_AGENTS, CH_UPLOAD, CH_STAGE,
	CH_LK_RES, CH_LK_OFF, CH_LK_BUY, CH_LK_VPC, CH_LK_AZ, CH_LK_IMAGE, CH_LK_STACKS, CH_LK_SAVED, CH_SETUP,
	CH_MLFLOW, CH_COUNT
} sess_chan_t;

typedef enum sess_op { OP_NONE, OP_DEPLOY, OP_TEARDOWN, OP_ATTACH } sess_op_t;

struct session_priv {
	loop_t *loop;
	struct aws_client *aws;
	config_t cfg;
	struct { sess_observer_cb cb; void *ud; } obs[8];
	size_t nobs;
	aws_call_t *call[CH_COUNT];
	int closing;
	unsigned pending_changes;
	uint64_t notify_timer;

	sess_op_t op;
	char on_failure[16];
	char client_token[80];
	/* preflight results */
	char vpc_id[32], vpc_cidr[48], az[32], subnet_id[32], ami_param[160], ami_id[32];
	char owner[64];           /* Owner tag: who deploys (from the caller identity) */
	/* the capacity reservation preflight checked (capacity_check.h): its kind and its own
	 * cluster placement group, for the template */
	int resv_checked, resv_block;
	char resv_group[256];
	char root_device[32];     /* the AMI's root device name (DescribeImages) */
	int step;                 /* index of the preflight/teardown step running */
	int ack_warnings;         /* warnings that need an acknowledgement were acknowledged */
	/* preflight_quota.c: AWS's vCPUs of the type, the quota being checked */
	int type_vcpus, quota_fallback, vcpus_uncounted;
	long quota_limit, vcpus_in_use;
	/* watch */
	int watching;
	uint64_t watch_timer;
	int64_t last_events_ms;   /* when DescribeStackEvents was last sent */
	int poll_ms;              /* current interval: short while things change */
	char **seen;              /* event ids already applied */
	size_t nseen, capseen;
	sess_event_t *page;       /* new events of this poll, newest first */
	char **page_ids;
	size_t npage, cappage;
	int found_start;          /* attach: the current operation's first event was met */
	time_t op_since;          /* events older than this belong to an earlier operation */
	int changed_this_poll;
	int final_pass;           /* terminal status seen: one more read of the events */
	/* attach to a stack whose operation had already ended: that operation's end is its
	 * last stack-level event, not the moment the console looked (0: not met yet) */
	int ended_before_attach;
	int64_t ended_ms;
	/* after create */
	char bucket[128];
	int scripts_uploaded, upload_idx;
	uint64_t agents_timer;
	int agents_polls;
	/* the template as CreateStack sends it, rendered once (session_stage.c) */
	char *template_body;
	char stage_bucket[96], stage_key[512];  /* staged template (TemplateURL), if any */
	void (*stage_then)(session_t *s);       /* what follows the staging step */
	void (*stage_create)(session_t *s, const char *url);
	aws_error_t create_err;                 /* CreateStack's refusal, told after cleanup */
	int create_failed;
	/* teardown */
	size_t ndeleted;          /* objects deleted from the bucket */
	int teardown_verified;
	/* teardown: this stack's SSM output log streams (session_teardown.c) */
	char log_doomed[50][256]; /* one DescribeLogStreams page's streams of this stack */
	size_t log_ndoomed, log_idoomed, log_deleted, log_others;
	char state_path[512];
	/* nodes (session_nodes.c) */
	struct exec *exec;        /* SSM executor, made on first use */
	struct check_job *checks[SESS_MAX_NODES]; /* the EFA checks running, one node job each */
	struct pp_run *pp;
	int pp_server, pp_client, pp_done;
	struct pp_matrix *matrix;
	int matrix_done;
	/* node setup (session_setup.c) */
	struct exec *setup_exec;  /* leaves its commands running when freed */
	struct setup_job *setup_jobs[SESS_MAX_NODES];
	struct setup_start *setup_start;
	uint64_t setup_timer;
	struct exec *mlflow_exec;
	struct mlflow_job *mlflow_job;  /* the check running, freed by its on_done */
	uint64_t verify_timer;
};

#define SP(s) ((s)->priv)

void sess_notify(session_t *s, unsigned what);
void sess_set_phase(session_t *s, sess_phase_t p);
sess_step_t *sess_step_begin(session_t *s, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sess_step_end(session_t *s, sess_step_state_t st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sess_flash(session_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fails the running operation: phase, root cause, notify. */
void sess_fail(session_t *s, sess_phase_t phase, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sess_fail_err(session_t *s, sess_phase_t phase, const char *what, const aws_error_t *err);
/* preflight_capacity.c: checks the reservation DescribeCapacityReservations returned and
 * records its kind and placement group; -1 after sess_fail when it cannot take the cluster. */
struct ec2_capacity_reservation;
int preflight_reservation(session_t *s, const struct ec2_capacity_reservation *r);
/* preflight_network.c: -1 after sess_fail when a given subnet is not in the nodes' zone. */
struct ec2_subnet;
int preflight_subnet_zone(session_t *s, const struct ec2_subnet *sn);
/* preflight_image.c: DescribeImages on the resolved AMI (architecture, root snapshot). */
void preflight_image(session_t *s);
/* preflight_network.c: the subnet reaches SSM (route to an attached internet gateway, or
 * the VPC endpoints). */
void preflight_route(session_t *s);
/* A callback's first line: forgets its channel; 1 when the session is closing (return). */
int sess_enter(session_t *s, sess_chan_t ch);
void sess_track(session_t *s, sess_chan_t ch, aws_call_t *call);

sess_resource_t *sess_resource(session_t *s, const char *logical_id, const char *type);
void sess_resources_from_template(session_t *s);
void sess_recount(session_t *s);
void sess_set_outputs(session_t *s, const char *const *keys, const char *const *values, size_t n);
const char *sess_output(const session_t *s, const char *key);
void sess_nodes_from_outputs(session_t *s);

/* Watch (session_watch.c). */
sess_res_state_t sess_res_state(const char *status);
/* A stack status that ends an operation (not *_IN_PROGRESS, not empty). */
int sess_status_terminal(const char *status);
/* An operation's clock: it starts at started_ms (0: not known yet) and has not ended. */
void sess_clock_start(session_t *s, int64_t started_ms);
/* An AWS timestamp (seconds, milliseconds) on the loop_now_ms() clock. */
int64_t sess_loop_ms_at(time_t t, int ms);
void sess_watch_start(session_t *s, time_t since);
void sess_watch_stop(session_t *s);
void sess_after_create(session_t *s);  /* outputs -> agents -> ready */

/* Deploy/teardown parts. */
void sess_deploy_next(session_t *s);
void sess_teardown_next(session_t *s);
void sess_upload_scripts(session_t *s);
/* Template staging (session_stage.c): a template over CreateStack's inline limit goes
 * to an S3 object in a staging bucket of the account and region; then create(s, url)
 * sends CreateStack with TemplateURL. sess_stage_cleanup deletes the object and the
 * bucket (when empty), then calls next(s) whatever happened (failures only warn). */
void sess_stage_template(session_t *s, void (*create)(session_t *s, const char *url));
void sess_stage_cleanup(session_t *s, void (*next)(session_t *s));
/* Destroy: deletes templates this stack's deploys left staged (a killed run), then next. */
void sess_stage_leftovers(session_t *s, void (*next)(session_t *s));
/* Stops what runs on the nodes and frees their lines and results. */
void sess_nodes_free(session_t *s);
/* Stops following the setup (it goes on on the nodes) and frees its state. */
void sess_setup_free(session_t *s);
/* The nodes follow their stack (session_nodes.c): an instance CloudFormation deletes is
 * shutting-down, then terminated, and no longer Online in SSM. After phase or resource changes. */
void sess_nodes_follow_stack(session_t *s);
/* Appends a line to node index's output (session_nodes.c). */
void sess_node_line(session_t *s, int index, const char *prefix, const char *line);

/* The record under $XDG_STATE_HOME/nixl-tui (state.c). */
int sess_state_save(session_t *s);
int sess_state_load(session_t *s);

/* What the AWS callbacks share (session_reply.c). */
/* A callback's session: its channel forgotten; NULL when the session is closing. */
session_t *sess_back(void *ud, sess_chan_t ch);
/* The same, and NULL too when err is set, after failing the operation with phase and
 * "what: err's sentence" (sess_fail_err). */
session_t *sess_reply(void *ud, sess_chan_t ch, const aws_error_t *err, sess_phase_t phase, const char *what);
/* A deploy step's result line (STEP_OK or STEP_WARN), then the next step. */
void sess_deploy_pass(session_t *s, sess_step_state_t state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A DescribeStacks-by-name callback's first lines (CH_OP): as sess_reply, an error other
 * than "does not exist" failing the operation with phase ("Looking for the stack: ...");
 * *st the stack AWS found, NULL when there is none. */
struct cfn_stack;
struct cfn_stacks;
session_t *sess_stack_reply(void *ud, const aws_error_t *err, const struct cfn_stacks *res, sess_phase_t phase,
                            const struct cfn_stack **st);
/* 1 when there is no stack (NULL) or it is DELETE_COMPLETE. */
int sess_stack_gone(const struct cfn_stack *st);

#endif

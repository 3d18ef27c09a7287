/* The deployment session: the model the console shows and the headless commands
 * print. One stack, its resources and events, its nodes and what ran on them.
 * State machine: preflight -> create -> watch -> outputs -> agents online -> ready;
 * teardown: empty bucket -> delete -> watch -> deleted; attach picks up any of these.
 * No ncurses here: observers are told what changed and read the struct. */
#ifndef NIXL_CORE_SESSION_H
#define NIXL_CORE_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/loop.h"
#include "catalog/config.h"
#include "efa/exec.h"
#include "efa/pp_result.h"
#include "setup/progress.h"
#include "setup/tasks.h"

/* The most nodes a session follows: nodeCount's limit, within the executors' capacity. */
#define SESS_MAX_NODES CONFIG_MAX_NODES
_Static_assert(SESS_MAX_NODES <= EXEC_MAX_NODES, "the executors take every node of a stack");

typedef enum sess_phase {
	SESS_IDLE,          /* nothing deployed (or not looked yet) */
	SESS_PREFLIGHT,
	SESS_CREATING,      /* CreateStack sent, watching */
	SESS_WAIT_AGENTS,   /* stack complete, waiting for SSM agents Online */
	SESS_READY,
	SESS_FAILED,        /* create failed / rolled back; root_cause says why */
	SESS_DELETING,      /* emptying the bucket, DeleteStack, watching */
	SESS_DELETED,
	SESS_DELETE_FAILED,
} sess_phase_t;

typedef enum sess_step_state { STEP_PENDING, STEP_RUNNING, STEP_OK, STEP_WARN, STEP_FAILED } sess_step_state_t;

/* A preflight or teardown step, reported as it runs. */
typedef struct sess_step {
	char name[64];            /* "Caller identity", "VPC", "Availability zone", ... */
	sess_step_state_t state;
	char detail[256];         /* "123456789012 as arn:aws:iam::...:user/x", or the error */
} sess_step_t;

typedef enum sess_res_state { RES_PENDING, RES_IN_PROGRESS, RES_DONE, RES_FAILED, RES_DELETED } sess_res_state_t;

typedef struct sess_resource {
	char logical_id[128];
	char type[96];            /* "AWS::EC2::Instance" */
	char physical_id[256];
	char status[48];          /* CloudFormation's: CREATE_IN_PROGRESS ... */
	sess_res_state_t state;
	char reason[512];
	int64_t changed_ms;       /* loop_now_ms() of the last change, for change marks */
	/* when AWS says it began its current *_IN_PROGRESS and reached the status after it,
	 * on the loop_now_ms() clock (mapped from the events' timestamps); 0: not known */
	int64_t started_ms, ended_ms;
	/* the resources it needs first (Ref, Fn::GetAtt, Fn::Sub, DependsOn in the template),
	 * as indexes into the session's resources; for the estimate of what is left */
	unsigned short deps[16];
	unsigned char ndeps;
} sess_resource_t;

typedef struct sess_event {
	time_t ts;
	int ms;
	char logical_id[128];
	char type[96];
	char status[48];
	char reason[512];
} sess_event_t;

typedef struct sess_output {
	char key[64];
	char value[256];
} sess_output_t;

typedef enum sess_check_state { CHK_UNKNOWN, CHK_RUNNING, CHK_PASS, CHK_FAIL, CHK_UNRECOGNISED } sess_check_state_t;

typedef struct sess_check {
	char name[48];            /* "EFA PCI device", "efa kernel module", ... */
	sess_check_state_t state;
	char detail[256];
} sess_check_t;

typedef enum sess_pair_state { PAIR_NOT_RUN, PAIR_RUNNING, PAIR_OK, PAIR_FAILED } sess_pair_state_t;

typedef struct sess_node {
	int index;                /* 1-based: Node1 ... */
	char role[16];            /* "producer" / "consumer" */
	char instance_id[32];
	char instance_state[24];  /* running, ...; shutting-down, terminated once CloudFormation
	                             deletes the instance (the stack deleted or rolled back) */
	char public_ip[48], private_ip[48];
	char ssm_status[24];      /* "Online", "ConnectionLost", "" when not seen (or terminated) */
	sess_check_t checks[8];
	size_t nchecks;
	int checks_running;
	int simulated;            /* its check script said the node is simulated (the sandbox's) */
	pp_result_t pp;           /* last ping-pong where this node was the client */
	int pp_running;
	char **lines;             /* streamed output of what ran on this node (ring) */
	size_t nlines, caplines, first_line;
	uint64_t lines_total;     /* lines ever appended, for follow mode */
	/* node setup from a task file (session_setup.c): the runner's progress, read from
	 * its output as it streams; shown once setup_shown */
	int setup_shown, setup_running;
	setup_progress_t setup;
	char setup_detail[256];   /* why the runner ended early ("" when it did not) */
} sess_node_t;

/* What changed, for observers (a mask). */
enum {
	SESS_CH_PHASE = 1, SESS_CH_STEPS = 2, SESS_CH_RESOURCES = 4, SESS_CH_EVENTS = 8,
	SESS_CH_OUTPUTS = 16, SESS_CH_NODES = 32, SESS_CH_FLASH = 64,
};

typedef struct session session_t;
typedef void (*sess_observer_cb)(void *ud, session_t *s, unsigned what);

struct session {
	sess_phase_t phase;
	char stack_name[129];
	char stack_id[256];       /* ARN once known: watched by ARN so a deleted stack stays readable */
	char stack_status[48];
	char stack_reason[512];
	char region[32];
	char account[16];
	char endpoint[256];       /* the CloudFormation endpoint in use */
	char ssm_endpoint[256];   /* the SSM endpoint configured (flag, environment, profile), ""
	                             for AWS's own: the commands to copy carry it */
	int64_t started_ms, finished_ms;

	sess_step_t *steps;
	size_t nsteps, capsteps;

	sess_resource_t *resources; /* in template order */
	size_t nresources, capresources;
	size_t total_resources;   /* resources in the template (the bar's denominator) */
	size_t completed;         /* resources in a terminal good state for this operation */

	sess_event_t *events;     /* oldest first */
	size_t nevents, capevents;

	char root_cause[1024];    /* first *_FAILED that is not a cancellation cascade */
	char root_cause_resource[128];

	sess_output_t *outputs;
	size_t noutputs;

	sess_node_t nodes[SESS_MAX_NODES];
	size_t nnodes;

	char flash[256];          /* a transient message (retries, errors); clears itself */
	int64_t flash_until_ms;
	/* why the record under $XDG_STATE_HOME cannot be written, once; "" while it can */
	char state_problem[512];

	/* Wizard lookups (filled by session_lookup_*; SESS_CH_LOOKUP when they change). */
	struct sess_lookup {
		int busy;                 /* a lookup is in flight (spinner) */
		char error[512];          /* the last lookup's error sentence, "" when fine */
		struct sess_reservation {
			char id[32], instance_type[32], az[32], state[24], type[24]; /* type: default|capacity-block */
			char platform[48], tenancy[16];
			int total, available;
			time_t start, end;    /* 0 when open-ended */
		} *reservations;
		size_t nreservations;
		struct sess_offering {
			char id[64], instance_type[32], az[32], currency[8];
			char upfront_fee[32];   /* as AWS gives it ("31200.0000") */
			int count, hours;
			time_t start, end;
		} *offerings;
		size_t nofferings;
		struct sess_vpc { char id[32], cidr[48]; int is_default; } *vpcs;
		size_t nvpcs;
		char azs[16][32];         /* AZs offering the chosen instance type */
		size_t nazs;
		char saved_reservation[32]; /* /nixl-efa/capacity-reservation-id, "" when none */
		/* the type's AMI (session_lookup_image): its root snapshot's size, 0 when unknown */
		struct sess_image { char instance_type[32], ami[32], architecture[16]; int root_gib; } image;
		/* the stacks this tool created in the region (session_lookup_stacks), newest first */
		struct sess_stack_row { char name[129], status[48], environment[64]; time_t created; } *stacks;
		size_t nstacks;
		int stacks_done;          /* the list is complete (every page read) */
		unsigned stacks_pages;    /* DescribeStacks pages read for it */
	} lookup;

	/* The ping-pong matrix over every pair of nodes (session_pingpong_matrix), by array
	 * position in nodes[], only i < j used. */
	struct sess_matrix {
		int running;
		size_t n;                 /* nodes in the last matrix; 0 before one started */
		unsigned char state[SESS_MAX_NODES][SESS_MAX_NODES]; /* sess_pair_state_t */
		double lat_usec[SESS_MAX_NODES][SESS_MAX_NODES]; /* usec/xfer at the smallest size */
		double bw_mb_s[SESS_MAX_NODES][SESS_MAX_NODES];  /* best MB/s */
	} matrix;

	char pp_provider[16];     /* fi_pingpong provider: "" = efa (the sandbox's nodes have tcp) */
	char pp_sizes[128];       /* fi_pingpong sizes when the caller gives none: "" = every size */
	int pp_iterations;        /* and iterations: 0 = the run's default */

	/* The task file the console's setup runs (session_setup_set_tasks), and the run's. */
	struct sess_setup {
		tasks_t file;             /* the file `S` sends (ntasks 0: none set) */
		char file_name[256];      /* its path, or "the default task file" */
		char *file_text;
		size_t file_len;
		tasks_t run;              /* the tasks of the run shown (ids and names) */
		char command_id[64];      /* "" until SendCommand answered */
		int starting;             /* uploading the files */
	} setup;

	/* The MLflow check (session_mlflow_check): node 1's pane shows it once shown. */
	struct sess_mlflow {
		int shown, running, ok;
		int node;                 /* the node it ran from */
		char url[128];
		char reason[400];         /* "at <step>: <why>" when it failed */
	} mlflow;

	/* verify: setup -> MLflow check -> EFA checks -> ping-pong 1<->2, then a summary. */
	struct sess_verify {
		int running, done, step, failed;
		char summary[1500];       /* one line per step: ok, or failed with the node and what to do */
	} verify;

	unsigned api_calls;       /* AWS requests sent by the client (every service, every
	                           * attempt), for the status line and benchmarks */
	unsigned api_replies;     /* replies the session's own callbacks received */
	struct session_priv *priv;
};

enum { SESS_CH_LOOKUP = 128 };

struct aws_client;
struct config;

/* The session runs on loop with client; cfg is the resolved configuration (copied). */
session_t *session_new(loop_t *loop, struct aws_client *aws, const struct config *cfg);
void session_free(session_t *s);
/* Observers are called on the loop after each change (several may be registered). */
void session_observe(session_t *s, sess_observer_cb cb, void *ud);
/* Replaces the configuration (the wizard's choices) before deploy. */
int session_set_config(session_t *s, const struct config *cfg);
const struct config *session_config(const session_t *s);

/* Looks for the stack of the configuration; when it exists, watches it from where it
 * is (create/delete in progress, complete, failed). Phase stays SESS_IDLE if none. */
int session_attach(session_t *s);
/* Preflight then create then watch to ready. Returns -1 when it cannot start (the
 * reason in s->root_cause). on_failure: "ROLLBACK" (default), "DO_NOTHING", "DELETE". */
int session_deploy(session_t *s, const char *on_failure);
/* Acknowledges the warnings that need it (a type without EFA): --allow-non-efa. */
void session_acknowledge(session_t *s);
/* Empty the bucket, DeleteStack, watch to DELETE_COMPLETE. Resumes after a DELETE_FAILED. */
int session_teardown(session_t *s);
/* Runs the EFA check script on node index (1-based) or all (0). */
int session_node_check(session_t *s, int node);
/* fi_pingpong server on node a, client on node b. sizes like "64,4k,64k,1m" or NULL. */
int session_pingpong(session_t *s, int server_node, int client_node, const char *sizes, int iters);
/* fi_pingpong over every pair of nodes, disjoint pairs at once (s->matrix fills as pairs
 * end); the model's provider, sizes and iterations. -1 (flash set) when it cannot start. */
int session_pingpong_matrix(session_t *s);
/* The task file `setup` sends: text (len bytes) as read from name; 0, or -1 with one
 * sentence in err (the file is refused). */
int session_setup_set_tasks(session_t *s, const char *name, const char *text, size_t len, char *err, size_t errlen);
/* Sends the task file to node index (1-based) or all (0): the runner, plan and file go to
 * the scripts bucket under a prefix of their own, one SendCommand starts them, and the
 * record under $XDG_STATE_HOME lets a later start follow the run again. Runs again resume
 * (the runner's record on the node). -1 (flash set) when it cannot start. */
int session_setup(session_t *s, int node);
/* A setup recorded for this stack whose command still runs: follows it again (the console
 * calls it when the stack is ready). */
void session_setup_find(session_t *s);

/* The MLflow check from node 2 (node 1 when alone) against node 1's server: s->mlflow. */
int session_mlflow_check(session_t *s);
/* setup (resumed) -> MLflow check -> EFA checks on every node -> ping-pong between the first
 * two nodes; s->verify.summary when done. -1 (flash set) when it cannot start. */
int session_verify(session_t *s);

/* Stops watching/waiting (never the stack operation itself). */
void session_detach(session_t *s);

int session_lookup_reservations(session_t *s, const char *instance_type);
int session_lookup_offerings(session_t *s, const char *instance_type, int count, int hours,
                             time_t start_after, time_t end_before);
/* Buys a capacity block: the caller must have had the fee confirmed by the user. */
int session_purchase_offering(session_t *s, const char *offering_id);
int session_lookup_network(session_t *s, const char *instance_type);
/* The AMI the type launches (its SSM parameter, then DescribeImages): lookup.image. */
int session_lookup_image(session_t *s, const char *instance_type);
int session_lookup_saved_reservation(session_t *s);
/* The stacks of the region tagged ManagedBy=nixl-tui (what deploy tags them with):
 * DescribeStacks page after page until no NextToken; lookup.stacks. */
int session_lookup_stacks(session_t *s);
/* Shows stack `name` instead: forgets the one shown (nothing may be running) and attaches. */
int session_open_stack(session_t *s, const char *name);

/* The progress bar's figures: resources AWS reports done in the direction the stack
 * goes (its status and the phase): created, deleted, or rolled back (deleted again
 * during a rollback, out of those AWS started). Nothing else counts. */
typedef enum sess_direction { SESS_DIR_CREATE, SESS_DIR_DELETE, SESS_DIR_ROLLBACK } sess_direction_t;
sess_direction_t session_progress(const session_t *s, size_t *done, size_t *total);
/* 1 when a resource with this CloudFormation status counts as done in direction dir. */
int session_counts_done(sess_direction_t dir, const char *status);

/* Text helpers shared by the console and the headless commands. */
const char *session_phase_name(sess_phase_t p);
/* An operation on the stack runs (preflight, create, wait for agents, delete). */
int session_phase_running(sess_phase_t p);
/* It ended: ready, failed, deleted or delete failed. */
int session_phase_final(sess_phase_t p);
/* The stack is being or was torn down (deleting, deleted, delete failed). */
int session_phase_teardown(sess_phase_t p);
/* The "aws ssm start-session --target i-..." line for a node. */
void session_ssm_command(const session_t *s, int node, char *buf, size_t n);
/* The equivalent headless command line of the current configuration. */
void session_headless_command(const session_t *s, char *buf, size_t n);

#endif

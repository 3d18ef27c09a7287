/* The model actions the console invokes, as a table of functions. The product uses
 * ops_session (the session_* functions); tests pass a table that records the calls,
 * so key dispatch is checked without AWS. */
#ifndef NIXL_UI_OPS_H
#define NIXL_UI_OPS_H

#include <stddef.h>
#include <time.h>

#include "core/session.h"

typedef struct ui_ops {
	void (*observe)(session_t *s, sess_observer_cb cb, void *ud);
	int (*set_config)(session_t *s, const struct config *cfg);
	const struct config *(*config)(const session_t *s);
	int (*attach)(session_t *s);
	int (*deploy)(session_t *s, const char *on_failure);
	void (*acknowledge)(session_t *s);
	int (*teardown)(session_t *s);
	int (*node_check)(session_t *s, int node);
	int (*pingpong)(session_t *s, int server_node, int client_node, const char *sizes, int iters);
	void (*detach)(session_t *s);
	int (*lookup_reservations)(session_t *s, const char *instance_type);
	int (*lookup_offerings)(session_t *s, const char *instance_type, int count, int hours,
	                        time_t start_after, time_t end_before);
	int (*purchase_offering)(session_t *s, const char *offering_id);
	int (*lookup_network)(session_t *s, const char *instance_type);
	int (*lookup_saved_reservation)(session_t *s);
	void (*ssm_command)(const session_t *s, int node, char *buf, size_t n);
	void (*headless_command)(const session_t *s, char *buf, size_t n);
	int (*pingpong_matrix)(session_t *s);
	int (*lookup_image)(session_t *s, const char *instance_type);
	int (*setup)(session_t *s, int node);
	int (*mlflow_check)(session_t *s);
	int (*verify)(session_t *s);
	void (*setup_find)(session_t *s);
	int (*lookup_stacks)(session_t *s);
	int (*open_stack)(session_t *s, const char *name);
} ui_ops_t;

/* The session_* functions. */
extern const ui_ops_t ops_session;

#endif

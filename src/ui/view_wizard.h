/* The deploy wizard: panels the operator moves through and back (instance type,
 * volume, capacity, network, review) building a configuration, then deploy. The
 * capacity and network panels are view_capacity.c and view_network.c. */
#ifndef NIXL_UI_VIEW_WIZARD_H
#define NIXL_UI_VIEW_WIZARD_H

#include <stddef.h>

#include "catalog/catalog.h"
#include "catalog/config.h"
#include "ui/view.h"

typedef enum wiz_panel { WIZ_TYPE, WIZ_VOLUME, WIZ_CAPACITY, WIZ_NETWORK, WIZ_REVIEW, WIZ_COUNT } wiz_panel_t;

/* Where a value set in the console says it came from. */
#define WIZ_ORIGIN "console"

typedef struct ui_wizard {
	wiz_panel_t panel;
	config_t cfg;               /* the choices so far, starting from the session's */
	int non_efa_ack;            /* a type without EFA was acknowledged */
	int then_verify;            /* v: verify once the stack is ready */

	char filter[64];            /* instance types */
	size_t type_sel, type_top;
	int type_rows;              /* the list's rows (layout) */

	char volume[8];             /* the size field as typed */
	int volume_fresh;           /* the first digit replaces the prefilled size */
	int volume_pending;         /* Enter waits for the AMI's snapshot size, then goes on */

	size_t cap_sel, cap_top;
	int cap_rows;               /* the list's rows (layout) */
	int cap_touched;            /* the operator moved: the saved reservation is no longer preselected */
	int offers;                 /* the Capacity Block search is open */
	int off_searched;
	int off_field;              /* 0 instances, 1 hours, 2 days to start within */
	char off_text[3][6];
	size_t off_sel, off_top;
	int off_rows;               /* the offerings' rows (layout) */

	int net_field;              /* 0 VPC, 1 zone, 2 port */
	size_t vpc_sel, az_sel;
	size_t vpc_top, az_top;     /* the first VPC and zone shown (changed) */
	int net_rows;               /* the lists' rows (layout) */
	int net_touched;            /* the operator moved: lookups no longer pick defaults */
	char port[6];

	int review_top;
	int review_rows, review_total; /* the review's rows on screen and its length (layout) */
	int banner;                 /* rows of the "AWS could not be reached" box (layout) */

	/* Lookups to ask for, one at a time (the session runs one lookup at once). */
	int want_saved, want_reservations, want_network, purchase_sent;
	char saved_before[32];      /* the saved reservation when b was confirmed */
	char bought[32];            /* the block just bought, to select once AWS lists it */
	int want_image;           /* the type's AMI (its root snapshot size) is to be looked up */
	char looked_up[32];         /* the instance type the reservations were looked up for */
	char net_looked_up[32];     /* ... and the zones */
} ui_wizard_t;

/* One panel of the wizard, as the wizard calls it; any may be NULL. h and wd are the
 * panel's size; y (draw, click) counts from the body's top less the banner's rows. */
typedef struct wiz_panel_ops {
	void (*enter)(ui_t *ui);
	void (*layout)(ui_t *ui, int h, int wd);   /* its rows, from its size */
	void (*changed)(ui_t *ui);                 /* its selections kept in range */
	void (*draw)(ui_t *ui, WINDOW *w, int y, int h, int wd);
	void (*move)(ui_t *ui, int dir, view_unit_t unit);
	int (*key)(ui_t *ui, int key);             /* text keys for its field: 1 when taken */
	int (*choose)(ui_t *ui);                   /* Enter: 1 when the wizard goes on */
	void (*click)(ui_t *ui, int y, int x);
} wiz_panel_ops_t;

extern const ui_view_t view_wizard;

int view_wizard_init(ui_t *ui);
void view_wizard_free(ui_t *ui);
unsigned view_wizard_context(const ui_t *ui);
/* Text keys for the panel's field (digits, Backspace); 1 when taken. */
int view_wizard_key(ui_t *ui, int key);
/* A lookup finished: pick defaults from it and ask for the next one. */
void view_wizard_lookup_done(ui_t *ui);
void view_wizard_show_panel(ui_t *ui, wiz_panel_t panel);

/* Sets key to value as the console's choice, unless it already is the effective value. */
void view_wizard_set(ui_t *ui, config_key_t key, const char *value);
/* Issues the next wanted lookup when none is in flight. */
void view_wizard_pump(ui_t *ui);
/* The panels' shared pieces. */
const char *view_wizard_type(const ui_t *ui);
void view_wizard_title(WINDOW *w, int y, int wd, const char *title);
/* Edits a digits-only field of size n with key; 1 when the key was for it. */
int view_wizard_edit_digits(char *field, size_t n, int key, int *fresh);
char *view_wizard_filter(ui_t *ui, size_t *size);

/* Actions (see action.c). */
void view_wizard_next(ui_t *ui, const char *arg);
void view_wizard_prev(ui_t *ui, const char *arg);
void view_wizard_deploy(ui_t *ui, const char *arg);
/* "deploy and verify": the same deploy, then verify (setup, MLflow, EFA, ping-pong) once ready. */
void view_wizard_deploy_verify(ui_t *ui, const char *arg);
const char *view_wizard_deploy_unavailable(const ui_t *ui);
/* The region the console works in, NULL when none resolved. */
const char *view_wizard_region(const ui_t *ui);
/* The volume check preflight runs (preflight_image.c) and the Volume panel refuses on: a
 * volume below the AMI's root snapshot. 1 with why when it fails. */
int view_wizard_volume_problem(const ui_t *ui, char *why, size_t n);

#endif

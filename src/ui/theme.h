/* The semantic colour table: the console names what a thing means (ok, failed, in
 * progress...) and the theme decides how it looks, in colour or with attributes only
 * (NO_COLOR, monochrome terminals). Also the status -> meaning tables. */
#ifndef NIXL_UI_THEME_H
#define NIXL_UI_THEME_H

#include <curses.h>

#include "core/session.h"

typedef enum theme_role {
	ROLE_NORMAL,
	ROLE_TITLE,      /* section headings */
	ROLE_DIM,        /* secondary text, deleted things */
	ROLE_OK,
	ROLE_WARN,
	ROLE_FAIL,
	ROLE_BUSY,       /* in progress */
	ROLE_SELECT,     /* the selected row */
	ROLE_BAR,        /* the top status line */
	ROLE_BADGE,      /* SANDBOX */
	ROLE_HINT_KEY,
	ROLE_HINT_LABEL,
	ROLE_MARK,       /* change marks */
	ROLE_CHART,      /* bar chart bars */
	ROLE_INPUT,      /* text being typed */
	ROLE_COUNT
} theme_role_t;

/* Sets up colour pairs when color is non-zero and the terminal has colours;
 * otherwise every role maps to attributes only. Call after the screen is open. */
void theme_init(int color);
/* 1 when colours are in use. */
int theme_color(void);
attr_t theme_attr(theme_role_t role);

/* CloudFormation status ("CREATE_FAILED", "ROLLBACK_IN_PROGRESS"...) -> role. */
theme_role_t theme_cfn_status(const char *status);
theme_role_t theme_step(sess_step_state_t st);
theme_role_t theme_check(sess_check_state_t st);
/* SSM ping status ("Online", "ConnectionLost", "") and EC2 instance state. */
theme_role_t theme_ssm(const char *status);
theme_role_t theme_instance_state(const char *state);

#endif

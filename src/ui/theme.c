#include "ui/theme.h"

#include <string.h>

/* One row per role: the colour look and the monochrome look. */
static const struct {
	short fg, bg;
	attr_t color_attr, mono_attr;
} looks[ROLE_COUNT] = {
	[ROLE_NORMAL]     = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_TITLE]      = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_DIM]        = { -1, -1, A_DIM, A_DIM },
	[ROLE_OK]         = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[ROLE_WARN]       = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_FAIL]       = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_BUSY]       = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[ROLE_SELECT]     = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_BAR]        = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[ROLE_BADGE]      = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_HINT_KEY]   = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[ROLE_HINT_LABEL] = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_MARK]       = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_CHART]      = { COLOR_BLUE, -1, A_BOLD, A_NORMAL },
	[ROLE_INPUT]      = { -1, -1, A_UNDERLINE, A_UNDERLINE },
};

static int use_color;

void theme_init(int color)
{
	use_color = color && has_colors();
	if (!use_color) return;
	start_color();
	use_default_colors();
	for (int r = 1; r < ROLE_COUNT; r++)
		init_pair((short)r, looks[r].fg, looks[r].bg);
}

int theme_color(void) { return use_color; }

attr_t theme_attr(theme_role_t role)
{
	if ((unsigned)role >= ROLE_COUNT) role = ROLE_NORMAL;
	if (!use_color) return looks[role].mono_attr;
	attr_t a = looks[role].color_attr;
	if (role != ROLE_NORMAL && (looks[role].fg >= 0 || looks[role].bg >= 0))
		a |= COLOR_PAIR(role);
	return a;
}

/* First match wins: failures before rollbacks before the generic suffixes. */
static const struct {
	enum { M_EXACT, M_SUFFIX, M_CONTAINS } how;
	const char *text;
	theme_role_t role;
} cfn_roles[] = {
	{ M_CONTAINS, "FAILED", ROLE_FAIL },
	{ M_SUFFIX, "ROLLBACK_COMPLETE", ROLE_FAIL },
	{ M_CONTAINS, "ROLLBACK", ROLE_WARN },
	{ M_EXACT, "DELETE_COMPLETE", ROLE_DIM },
	{ M_EXACT, "DELETE_SKIPPED", ROLE_WARN },
	{ M_SUFFIX, "_IN_PROGRESS", ROLE_BUSY },
	{ M_SUFFIX, "_COMPLETE", ROLE_OK },
};

theme_role_t theme_cfn_status(const char *st)
{
	size_t n = strlen(st);
	for (size_t i = 0; i < sizeof cfn_roles / sizeof cfn_roles[0]; i++) {
		const char *t = cfn_roles[i].text;
		size_t k = strlen(t);
		int hit = cfn_roles[i].how == M_EXACT ? strcmp(st, t) == 0
		        : cfn_roles[i].how == M_SUFFIX ? n >= k && strcmp(st + n - k, t) == 0
		        : strstr(st, t) != NULL;
		if (hit) return cfn_roles[i].role;
	}
	return ROLE_NORMAL;
}

theme_role_t theme_step(sess_step_state_t st)
{
	static const theme_role_t r[] = {
		[STEP_PENDING] = ROLE_DIM, [STEP_RUNNING] = ROLE_BUSY, [STEP_OK] = ROLE_OK,
		[STEP_WARN] = ROLE_WARN, [STEP_FAILED] = ROLE_FAIL,
	};
	return (unsigned)st < sizeof r / sizeof r[0] ? r[st] : ROLE_NORMAL;
}

theme_role_t theme_check(sess_check_state_t st)
{
	static const theme_role_t r[] = {
		[CHK_UNKNOWN] = ROLE_DIM, [CHK_RUNNING] = ROLE_BUSY, [CHK_PASS] = ROLE_OK,
		[CHK_FAIL] = ROLE_FAIL, [CHK_UNRECOGNISED] = ROLE_WARN,
	};
	return (unsigned)st < sizeof r / sizeof r[0] ? r[st] : ROLE_NORMAL;
}

static const struct { const char *name; theme_role_t role; } ssm_roles[] = {
	{ "Online", ROLE_OK }, { "ConnectionLost", ROLE_FAIL }, { "Inactive", ROLE_FAIL },
	{ "running", ROLE_OK }, { "pending", ROLE_BUSY }, { "stopping", ROLE_WARN },
	{ "stopped", ROLE_FAIL }, { "shutting-down", ROLE_WARN }, { "terminated", ROLE_DIM },
};

static theme_role_t named_role(const char *s)
{
	for (size_t i = 0; i < sizeof ssm_roles / sizeof ssm_roles[0]; i++)
		if (strcmp(ssm_roles[i].name, s) == 0) return ssm_roles[i].role;
	return ROLE_DIM;
}

theme_role_t theme_ssm(const char *status) { return named_role(status); }
theme_role_t theme_instance_state(const char *state) { return named_role(state); }

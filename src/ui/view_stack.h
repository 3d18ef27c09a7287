/* The deployment screen: the stack's live resource table with change marks, the
 * progress bar, preflight/teardown steps, the root cause, outputs, node readiness
 * and the event log. The same screen shows a teardown. */
#ifndef NIXL_UI_VIEW_STACK_H
#define NIXL_UI_VIEW_STACK_H

#include <stddef.h>

#include "ui/view.h"

extern const ui_view_t view_stack;

/* How long a changed resource row keeps its mark. */
#define VIEW_STACK_MARK_MS 8000

/* The pane with the focus: 0 the resources, 1 the events. */
int view_stack_focused(const ui_t *ui);
void view_stack_set_focus(ui_t *ui, int pane);
/* A pane's filter (0 the resources', 1 the events'). */
const char *view_stack_filter_of(const ui_t *ui, int pane);
/* The filter / edits: the focused pane's, the events' (focused then) when there are no
 * resources; *size its size. */
char *view_stack_filter(ui_t *ui, size_t *size);
/* The events follow their tail again (a deploy or a teardown starts). */
void view_stack_follow_events(ui_t *ui);
/* Both panes follow and their filters are cleared (another stack is opened). */
void view_stack_reset(ui_t *ui);

/* Actions (see action.c). */
void view_stack_focus(ui_t *ui, const char *arg);
void view_stack_detail(ui_t *ui, const char *arg);
void view_stack_follow(ui_t *ui, const char *arg);
const char *view_stack_no_resources(const ui_t *ui);
/* Why a deploy cannot start while this stack exists (what AWS says it is), or NULL. */
const char *view_stack_blocks_deploy(const ui_t *ui);
/* Enter: the selected resource, or (events focused) the failure reasons in full. */
const char *view_stack_no_details(const ui_t *ui);

#endif

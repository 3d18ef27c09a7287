/* The wizard's Review panel and the deploy it leads to (view_review.c). */
#ifndef NIXL_UI_VIEW_REVIEW_H
#define NIXL_UI_VIEW_REVIEW_H

#include "ui/view_wizard.h"

extern const wiz_panel_ops_t view_review_panel;

#endif

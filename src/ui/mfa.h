/* The console's MFA prompt: a modal dialog asking for the code of a role profile's
 * mfa_serial, installed as the credentials' MFA prompt (aws_creds_set_mfa_prompt)
 * while the console owns the terminal, so that a role assumed again in the middle of a
 * run asks in a dialog instead of writing to /dev/tty under ncurses. */
#ifndef NIXL_UI_MFA_H
#define NIXL_UI_MFA_H

#include <stddef.h>

#include "aws/error.h"

typedef struct ui ui_t;

/* STS AssumeRole's TokenCode is "Fixed length of 6. Pattern: [\d]*" (AWS STS API
 * Reference, AssumeRole, Request Parameters): a TOTP code is 6 digits. */
enum { UI_MFA_CODE_LEN = 6 };

/* Why code cannot be sent as a TokenCode (one sentence), or NULL when it is 6 digits. */
const char *ui_mfa_code_problem(const char *code);
/* Why key cannot be typed into the code (one sentence), or NULL when it is a digit. */
const char *ui_mfa_key_problem(int key);

/* Installs the dialog as the MFA prompt. ui: the running console (the dialog is drawn
 * over its screen, which is redrawn after); NULL before the console has started (the
 * dialog opens the terminal for itself and closes it after, or falls back to the
 * terminal prompt when stdin/stdout are not a terminal). */
void ui_mfa_install(ui_t *ui);
/* Restores the terminal prompt (aws_creds_mfa_prompt_tty). */
void ui_mfa_uninstall(void);

/* The prompt itself (aws_creds_mfa_prompt_fn). */
int ui_mfa_prompt(const char *profile, const char *serial, char *code, size_t n, aws_error_t *err);

#endif

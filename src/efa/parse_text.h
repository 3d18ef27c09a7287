/* Line access shared by the EFA parsers, and the wrappers real captures carry:
 * CR line ends, launcher prefixes on every line (Open MPI "[1,0]<stdout>:", "[rank 1] ",
 * ISO time stamps), shell prompt lines, and whole pastes commented out with "# ".
 * Input may be any bytes (NULs included). */
#ifndef NIXL_EFA_PARSE_TEXT_H
#define NIXL_EFA_PARSE_TEXT_H

#include <stddef.h>

#define PTEXT_LINE_MAX 2048

typedef struct ptext {
	const char *cur, *end;
	int strip_hash;            /* every non-empty line starts with '#': a pasted comment block */
	char line[PTEXT_LINE_MAX]; /* the current line, normalised (longer lines are cut) */
	size_t lineno;
	char tag[48];              /* the current line's rank prefix ("[1,0]<stdout>:", "[rank 1]"), or "" */
} ptext_t;

void ptext_init(ptext_t *t, const char *text, size_t len);
/* The next normalised line (no CR/LF, no launcher prefix, no trailing blanks), or NULL. */
const char *ptext_next(ptext_t *t);

/* Normalises one line in place (CR, launcher prefix, trailing blanks); returns it. */
char *ptext_clean(char *line);
/* The length of the launcher prefixes at the start of line (time stamps, "[rank N] ",
 * "[N,M]<stdout>:", in any order); the rank part is copied into tag (size n) when tag
 * is not NULL. A host name prefix ("host-a: ") is not among them: it cannot be told
 * from "key: value" on one line (parse_pplog finds it from the table header). */
size_t ptext_launcher_prefix(const char *line, char *tag, size_t n);
/* If line is a shell prompt followed by a command ("[root@ip-1-2-3-4 ~]# fi_info -p efa",
 * "ubuntu@host:~$ modinfo efa", "bash-5.1# ...", "$ cmd"), returns the command. */
const char *ptext_prompt_command(const char *line);

const char *ptext_skip_ws(const char *s);
/* Splits line into blank-separated words (pointers + lengths) into w and wl (max each);
 * returns the count, or max + 1 when there are more (the first max kept). */
int ptext_words(const char *line, const char **w, size_t *wl, int max);
/* Copies s into out (size n), trimming blanks at both ends. */
void ptext_copy_trim(char *out, size_t n, const char *s, size_t len);
/* "key: value" with optional indentation: copies the key (lower-case not applied)
 * and returns the value (trimmed), or NULL when the line has no "key:" shape. */
const char *ptext_key_value(const char *line, char *key, size_t keylen);
int ptext_starts_with(const char *s, const char *prefix);

/* snprintf where cutting the text short is intended (messages into fixed fields). */
void ptext_fmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

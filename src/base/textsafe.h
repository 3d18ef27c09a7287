/* Text from elsewhere (AWS, a node, a repository's config) made inert before it reaches a
 * terminal. One classifier decides what is dangerous; two writers render it: visible
 * escapes for text, \u escapes for a JSON document.
 *
 * Passes unchanged: printable ASCII, tab, newline, and valid UTF-8 (shortest form, no
 * surrogates) other than what follows. Made visible:
 *   C0 controls but tab and newline (ESC, BEL, BS, CR, ...), DEL, and every byte that is
 *   not part of valid UTF-8            -> "\x1b", "\x07", "\xff"
 *   C1 controls U+0080-U+009F (U+009B is a one-byte CSI, U+009D an OSC), the bidi
 *   embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069, and the marks
 *   U+200E, U+200F, U+061C            -> "\u009b", "\u202e"
 * The escapes are the spellings C, Python and JSON use, so a reader sees what was sent
 * rather than a '?' that hides it; they are plain ASCII, so escaped text is itself
 * safe and escaping it again changes nothing. A backslash already in the text is left
 * as it is: the escapes are for a human reading a terminal, not a reversible encoding. */
#ifndef NIXL_BASE_TEXTSAFE_H
#define NIXL_BASE_TEXTSAFE_H

#include <stddef.h>
#include <stdio.h>

/* The longest escape one input byte or character becomes ("\u202e"). */
#define TEXTSAFE_ESC_MAX 6

/* s made inert into dst (size n, n > 0), cut at a whole character or escape; returns
 * the length written. */
size_t textsafe_copy(char *dst, size_t n, const char *s);
/* The same, malloc'd (NULL when out of memory). */
char *textsafe_dup(const char *s);
/* fputs(s, f) with s made inert; EOF on a write error. */
int textsafe_fputs(const char *s, FILE *f);
/* fprintf whose whole result is made inert: for a message that mixes our words with
 * remote text. Returns the bytes written, or -1. */
int textsafe_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A printed JSON document (cJSON's output: C0 already escaped) with every C1, bidi
 * control and DEL written as a \u escape and each byte of invalid UTF-8 as \ufffd
 * (JSON cannot carry it). A JSON reader gets the same strings back; a terminal shown
 * the document sees nothing it acts on. malloc'd; NULL when out of memory. */
char *textsafe_json(const char *json);

#endif

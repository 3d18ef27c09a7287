/* Small libxml2 helpers for reading AWS Query/EC2/REST-XML replies: a safe parse
 * (no network, no DTD, size limit, no messages on stderr), lookups by local name
 * (namespaces ignored: every AWS reply sets a default xmlns), and list iteration. */
#ifndef NIXL_AWS_XML_H
#define NIXL_AWS_XML_H

#include <stddef.h>
#include <time.h>
#include <libxml/tree.h>

#include "aws/error.h"

/* Largest reply body the codecs parse (XML or JSON). The biggest real pages we ask
 * for (1000 S3 keys, 100 instance types, 1 MB of log events) stay far below it. */
#define XML_MAX_BYTES (16u * 1024u * 1024u)

/* Parses body; on failure returns NULL and sets err (AWS_ERR_PARSE, code
 * "MalformedReply") to a sentence with the line and libxml2's reason. */
xmlDoc *xml_parse(const char *body, size_t len, aws_error_t *err);
/* Parses and checks the root element's local name (e.g. "DescribeStacksResponse"). */
xmlDoc *xml_parse_root(const char *body, size_t len, const char *root_name, aws_error_t *err);
xmlNode *xml_root(xmlDoc *doc);
/* The usual opening of a typed parser: parses, checks the root is root_name and, when
 * child is not NULL, that it has that child (the Query "<Op>Result"), which it returns
 * (else the root). On failure returns NULL, *doc NULL and err set. */
xmlNode *xml_open(const char *body, size_t len, const char *root_name, const char *child,
                  xmlDoc **doc, aws_error_t *err);

/* Local name of an element ("Error" for <ns:Error>). */
const char *xml_name(const xmlNode *n);
/* First element child of parent with that local name, or NULL (parent may be NULL). */
xmlNode *xml_child(const xmlNode *parent, const char *name);
/* Follows a '/'-separated path of child local names: "DescribeStacksResult/Stacks". */
xmlNode *xml_path(const xmlNode *from, const char *path);

/* Iterates element children named `name`, or named "member" or "item" when name is NULL:
 *   for (xmlNode *m = xml_first(list, NULL); m; m = xml_next(m, NULL)) */
xmlNode *xml_first(const xmlNode *parent, const char *name);
xmlNode *xml_next(const xmlNode *prev, const char *name);
size_t xml_count(const xmlNode *parent, const char *name);

/* Text directly inside n (text and CDATA children; entity references are never expanded),
 * malloc'd; NULL when n is NULL. */
char *xml_text(const xmlNode *n);
/* The texts of list's member/item children as an owned array (codec_strv_free);
 * NULL with *n 0 when there are none. */
char **xml_strv(const xmlNode *list, size_t *n);
/* xml_text(xml_path(from, path)). */
char *xml_path_text(const xmlNode *from, const char *path);
/* The text, or NULL when absent or empty (pagination tokens: <NextToken/> ends a list). */
char *xml_path_token(const xmlNode *from, const char *path);
/* Typed reads of a path; absent or unreadable leaves *out as it was and returns -1. */
int xml_path_long(const xmlNode *from, const char *path, long long *out);
int xml_path_int(const xmlNode *from, const char *path, int *out);
int xml_path_bool(const xmlNode *from, const char *path, int *out);
int xml_path_double(const xmlNode *from, const char *path, double *out);
/* ISO 8601 timestamp ("2016-03-15T20:54:31.809Z"); ms may be NULL. */
int xml_path_time(const xmlNode *from, const char *path, time_t *out, int *ms);

#endif

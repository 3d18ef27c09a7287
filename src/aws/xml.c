#include "aws/xml.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "aws/codec.h"

/* The first error of a parse: libxml2's own "last error" is the last of many once a
 * document goes wrong, and the first is the one that explains it. */
struct first_error {
	int seen, line;
	char msg[160];
};

static void keep_first_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxt *ctxt = data;
	struct first_error *f = ctxt->_private;
	if (f->seen || !e || e->level < XML_ERR_ERROR) return;
	f->seen = 1;
	f->line = e->line;
	snprintf(f->msg, sizeof f->msg, "%s", e->message ? e->message : "not well-formed");
	size_t n = strlen(f->msg);
	while (n && (f->msg[n - 1] == '\n' || f->msg[n - 1] == ' ')) f->msg[--n] = 0;
}

xmlDoc *xml_parse(const char *body, size_t len, aws_error_t *err)
{
	if (codec_body_check(body, len, err) < 0) return NULL;
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		codec_fail(err, "out of memory reading the reply");
		return NULL;
	}
	struct first_error first = {0};
	ctxt->_private = &first;
	ctxt->sax->serror = keep_first_error;
	/* No XML_PARSE_RECOVER: a truncated or broken reply must be an error, never half a
	 * result. No NOENT/DTDLOAD: entities stay unexpanded and nothing is fetched. */
	xmlDoc *doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL,
	                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !ctxt->wellFormed) {
		if (first.seen)
			codec_fail(err, "the reply is not well-formed XML (line %d: %s)", first.line,
			           first.msg);
		else
			codec_fail(err, "the reply is not well-formed XML");
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	/* AWS never sends a DTD; one here could only be an entity-expansion trap. */
	if (doc->intSubset || !xmlDocGetRootElement(doc)) {
		codec_fail(err, doc->intSubset ? "the reply carries a DOCTYPE, which AWS never sends"
		                               : "the reply has no root element");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlDoc *xml_parse_root(const char *body, size_t len, const char *root_name, aws_error_t *err)
{
	xmlDoc *doc = xml_parse(body, len, err);
	if (!doc) return NULL;
	const char *got = xml_name(xml_root(doc));
	if (strcmp(got, root_name) != 0) {
		codec_fail(err, "the reply is <%.60s>, expected <%s>", got, root_name);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlNode *xml_open(const char *body, size_t len, const char *root_name, const char *child,
                  xmlDoc **doc, aws_error_t *err)
{
	*doc = xml_parse_root(body, len, root_name, err);
	if (!*doc) return NULL;
	xmlNode *root = xml_root(*doc);
	if (!child) return root;
	xmlNode *c = xml_child(root, child);
	if (!c) {
		codec_fail(err, "the <%s> reply has no <%s>", root_name, child);
		xmlFreeDoc(*doc);
		*doc = NULL;
	}
	return c;
}

xmlNode *xml_root(xmlDoc *doc)
{
	return doc ? xmlDocGetRootElement(doc) : NULL;
}

const char *xml_name(const xmlNode *n)
{
	return n && n->name ? (const char *)n->name : "";
}

static int name_matches(const xmlNode *n, const char *name)
{
	if (n->type != XML_ELEMENT_NODE) return 0;
	if (name) return strcmp(xml_name(n), name) == 0;
	return strcmp(xml_name(n), "member") == 0 || strcmp(xml_name(n), "item") == 0;
}

xmlNode *xml_child(const xmlNode *parent, const char *name)
{
	return parent && name ? xml_first(parent, name) : NULL;
}

xmlNode *xml_path(const xmlNode *from, const char *path)
{
	const xmlNode *n = from;
	const char *p = path;
	while (n && *p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char part[128];
		if (len >= sizeof part) return NULL;
		memcpy(part, p, len);
		part[len] = 0;
		n = xml_child(n, part);
		p += len + (slash ? 1 : 0);
	}
	return (xmlNode *)n;
}

xmlNode *xml_first(const xmlNode *parent, const char *name)
{
	if (!parent) return NULL;
	for (xmlNode *c = parent->children; c; c = c->next)
		if (name_matches(c, name)) return c;
	return NULL;
}

xmlNode *xml_next(const xmlNode *prev, const char *name)
{
	if (!prev) return NULL;
	for (xmlNode *c = prev->next; c; c = c->next)
		if (name_matches(c, name)) return c;
	return NULL;
}

size_t xml_count(const xmlNode *parent, const char *name)
{
	size_t n = 0;
	for (xmlNode *c = xml_first(parent, name); c; c = xml_next(c, name)) n++;
	return n;
}

char *xml_text(const xmlNode *n)
{
	if (!n) return NULL;
	size_t len = 0;
	for (const xmlNode *c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			len += strlen((const char *)c->content);
	char *s = malloc(len + 1);
	if (!s) return NULL;
	size_t off = 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
			continue;
		size_t k = strlen((const char *)c->content);
		memcpy(s + off, c->content, k);
		off += k;
	}
	s[off] = 0;
	return s;
}

char **xml_strv(const xmlNode *list, size_t *n)
{
	*n = 0;
	size_t cnt = xml_count(list, NULL);
	if (!cnt) return NULL;
	char **v = calloc(cnt, sizeof *v);
	if (!v) return NULL;
	for (xmlNode *m = xml_first(list, NULL); m; m = xml_next(m, NULL)) v[(*n)++] = xml_text(m);
	return v;
}

char *xml_path_text(const xmlNode *from, const char *path)
{
	return xml_text(xml_path(from, path));
}

char *xml_path_token(const xmlNode *from, const char *path)
{
	char *s = xml_path_text(from, path);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* The text with surrounding whitespace dropped, for numbers and booleans. */
static char *trimmed_text(const xmlNode *from, const char *path)
{
	char *s = xml_path_text(from, path);
	if (!s) return NULL;
	char *b = s;
	while (*b == ' ' || *b == '\n' || *b == '\t' || *b == '\r') b++;
	size_t n = strlen(b);
	while (n && (b[n - 1] == ' ' || b[n - 1] == '\n' || b[n - 1] == '\t' || b[n - 1] == '\r'))
		n--;
	memmove(s, b, n);
	s[n] = 0;
	return s;
}

int xml_path_long(const xmlNode *from, const char *path, long long *out)
{
	char *s = trimmed_text(from, path);
	int rc = -1;
	if (s && *s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (!*end && !errno) { *out = v; rc = 0; }
	}
	free(s);
	return rc;
}

int xml_path_int(const xmlNode *from, const char *path, int *out)
{
	long long v;
	if (xml_path_long(from, path, &v) != 0 || v < INT_MIN || v > INT_MAX) return -1;
	*out = (int)v;
	return 0;
}

int xml_path_bool(const xmlNode *from, const char *path, int *out)
{
	char *s = trimmed_text(from, path);
	int rc = -1;
	if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
		*out = s[0] == 't';
		rc = 0;
	}
	free(s);
	return rc;
}

int xml_path_double(const xmlNode *from, const char *path, double *out)
{
	char *s = trimmed_text(from, path);
	int rc = -1;
	if (s && *s) {
		char *end;
		double v = strtod(s, &end);
		if (!*end) { *out = v; rc = 0; }
	}
	free(s);
	return rc;
}

int xml_path_time(const xmlNode *from, const char *path, time_t *out, int *ms)
{
	char *s = trimmed_text(from, path);
	int rc = s ? codec_time_parse(s, out, ms) : -1;
	free(s);
	return rc;
}

/* AWS reply shapes as tables: one description per shape (where each field is found, its
 * type, where it goes in the struct), read by one XML decoder (Query, EC2, REST-XML
 * replies) and one JSON decoder (JSON 1.1 replies), and freed by one generic free.
 *
 *   static const shape_field_t vpc_fields[] = {
 *       SHAPE_FIELD(ec2_vpc_t, vpc_id, "vpcId", SHAPE_TOKEN, SHAPE_REQUIRED),
 *       SHAPE_FIELD(ec2_vpc_t, is_default, "isDefault", SHAPE_BOOL, 0),
 *   };
 *   static const shape_t vpc = SHAPE(ec2_vpc_t, vpc_fields);
 *
 * A path is a '/'-separated walk of child names (XML local names, JSON keys) from the
 * node being decoded; "" is that node itself. In an XML list path a "*" step stands for
 * every item/member (EC2's reservationSet/ * /instancesSet holds the instances of every
 * reservation). */
#ifndef NIXL_AWS_SHAPE_H
#define NIXL_AWS_SHAPE_H

#include <stddef.h>

#include "aws/error.h"

typedef enum shape_kind {
	SHAPE_TOKEN,  /* char *: NULL when absent or empty (XML); the string as sent (JSON) */
	SHAPE_TEXT,   /* char *: the text as sent, "" kept */
	SHAPE_INT,    /* int */
	SHAPE_LONG,   /* long long */
	SHAPE_BOOL,   /* int, 0 or 1 */
	SHAPE_DOUBLE, /* double */
	SHAPE_TIME,   /* time_t (with SHAPE_MS the milliseconds in the int at aux) */
	SHAPE_STRV,   /* char ** at off, its size_t count at aux */
	SHAPE_LIST,   /* an array of elem at off, its size_t count at aux */
	SHAPE_STRUCT, /* elem held inline at off, decoded from the node at path */
} shape_kind_t;

enum {
	SHAPE_REQUIRED = 1, /* absent (a scalar: unreadable; a JSON list: not an array) fails the reply */
	SHAPE_SECRET = 2,   /* cleansed before it is freed */
	SHAPE_MS = 4,       /* SHAPE_TIME: milliseconds kept at aux */
	SHAPE_INIT = 8,     /* a scalar starts at init (e.g. -1: not reported) */
	SHAPE_FLAT = 16,    /* XML list: the elements named by the path's last step, side by side
	                       without a wrapper (S3's <Contents>...</Contents><Contents>...) */
};

typedef struct shape shape_t;

typedef struct shape_field {
	const char *path;
	shape_kind_t kind;
	size_t off, aux;
	const shape_t *elem;
	unsigned flags;
	int init;
} shape_field_t;

struct _xmlNode;

struct shape {
	size_t size;
	const shape_field_t *fields;
	size_t nfields;
	/* What a table cannot say (EC2's root device's volume, picked by name among the
	 * block device mappings): called after the fields with the XML node; fills fields
	 * whose path is NULL (the decoders skip them; shape_free frees them). 0 or -1. */
	int (*xml_hook)(const struct _xmlNode *node, void *obj);
	/* A rule across fields ("publicIp or allocationId"), after decoding: 0 or -1. */
	int (*check)(const void *obj);
};

#define SHAPE(type, fields) { sizeof(type), fields, sizeof fields / sizeof fields[0], NULL, NULL }
#define SHAPE_HOOK(type, fields, hook) { sizeof(type), fields, sizeof fields / sizeof fields[0], hook, NULL }
#define SHAPE_CHECK(type, fields, check) { sizeof(type), fields, sizeof fields / sizeof fields[0], NULL, check }
#define SHAPE_FIELD(type, member, path, kind, flags) \
	{ path, kind, offsetof(type, member), 0, NULL, flags, 0 }
#define SHAPE_INIT_FIELD(type, member, path, kind, init) \
	{ path, kind, offsetof(type, member), 0, NULL, SHAPE_INIT, init }
#define SHAPE_TIME_MS(type, member, ms, path, flags) \
	{ path, SHAPE_TIME, offsetof(type, member), offsetof(type, ms), NULL, (flags) | SHAPE_MS, 0 }
#define SHAPE_STRV_FIELD(type, member, count, path) \
	{ path, SHAPE_STRV, offsetof(type, member), offsetof(type, count), NULL, 0, 0 }
#define SHAPE_LIST_FIELD(type, member, count, path, elem, flags) \
	{ path, SHAPE_LIST, offsetof(type, member), offsetof(type, count), elem, flags, 0 }
#define SHAPE_STRUCT_FIELD(type, member, path, elem) \
	{ path, SHAPE_STRUCT, offsetof(type, member), 0, elem, 0, 0 }

/* How a reply is opened: the XML root element and, when not NULL, its result child (the
 * Query "<Op>Result"); the shape of what is under it; the sentence when a required field
 * is missing ("the CreateStack reply has no StackId"); json 1 for a JSON 1.1 reply (root
 * and result unused), 0 for XML. */
typedef struct shape_reply {
	const char *root, *result;
	const shape_t *shape;
	const char *missing;
	int json;
} shape_reply_t;

/* Decodes body into out (zeroed first) by the reply's shape. 0, or -1 with err set
 * (AWS_ERR_PARSE) and out freed: malformed, or a required field missing. */
int shape_xml_reply(const shape_reply_t *r, const char *body, size_t len, void *out, aws_error_t *err);
int shape_json_reply(const shape_reply_t *r, const char *body, size_t len, void *out, aws_error_t *err);
/* The one of the two that r->json names. */
int shape_reply(const shape_reply_t *r, const char *body, size_t len, void *out, aws_error_t *err);

/* A reply's parse and free functions, as declared in its service's header, and the
 * reply itself as `const shape_reply_t <parse>_reply` (what the async wrappers hand to
 * codec_query_send / codec_json_send, and what the fuzzers and test_shape walk). */
#define SHAPE_REPLY_FNS_(json, parse, free_fn, type, root, result, shape, missing)             \
	const shape_reply_t parse##_reply = { root, result, &shape, missing, json };          \
	int parse(const char *body, size_t len, type *out, aws_error_t *err)                  \
	{                                                                                     \
		return shape_reply(&parse##_reply, body, len, out, err);                      \
	}                                                                                     \
	void free_fn(type *v) { shape_free(&shape, v); }
#define SHAPE_XML_REPLY(parse, free_fn, type, root, result, shape, missing) \
	SHAPE_REPLY_FNS_(0, parse, free_fn, type, root, result, shape, missing)
#define SHAPE_JSON_REPLY(parse, free_fn, type, shape, missing) \
	SHAPE_REPLY_FNS_(1, parse, free_fn, type, NULL, NULL, shape, missing)

/* What a service's header says of one such reply, beside its struct:
 *   extern const shape_reply_t parse_reply;
 *   int parse(const char *body, size_t len, type *out, aws_error_t *err);
 *   void free_fn(type *v);
 *   typedef void (*cb)(void *ud, const aws_error_t *err, type *res);   (the async result)
 * parse: 0, or -1 with err set (AWS_ERR_PARSE) and *out empty, as shape_reply. */
#define SHAPE_REPLY_DECL(parse, free_fn, type, cb)                            \
	extern const shape_reply_t parse##_reply;                             \
	int parse(const char *body, size_t len, type *out, aws_error_t *err); \
	void free_fn(type *v);                                                \
	typedef void (*cb)(void *ud, const aws_error_t *err, type *res)

/* One page of a paged list (Describe*, List*): its items, their count, and the token of
 * the next page (NULL on the last). `AWS_PAGE_T(ec2_vpcs, ec2_vpc_t, vpcs);` declares
 * `typedef struct ec2_vpcs { ec2_vpc_t *vpcs; size_t n; char *next_token; } ec2_vpcs_t`. */
#define AWS_PAGE_T(tag, elem, member) \
	typedef struct tag {          \
		elem *member;         \
		size_t n;             \
		char *next_token;     \
	} tag##_t

/* Frees what the decoders allocated in obj (secrets cleansed) and zeroes it; NULL allowed. */
void shape_free(const shape_t *sh, void *obj);

#endif

#include "aws/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>

#include "aws/xml.h"

/* Copies s into dst as one line: runs of whitespace/control characters become one
 * space, leading/trailing space dropped. */
static void copy_line(char *dst, size_t n, const char *s, size_t len)
{
	size_t o = 0;
	int space = 0;
	for (size_t i = 0; i < len && s[i] && o + 1 < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch == 0x7f) {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < n) dst[o++] = ' ';
		space = 0;
		dst[o++] = (char)ch;
	}
	dst[o] = 0;
}

/* "aws.protocoltests.restjson#FooError:http://internal..." -> "FooError": the shape
 * name is after the last '#' and before any ':' (smithy's rule for __type/code and
 * X-Amzn-ErrorType). */
static void set_code(aws_error_t *err, const char *raw)
{
	const char *s = strrchr(raw, '#');
	s = s ? s + 1 : raw;
	size_t len = strcspn(s, ":");
	copy_line(err->code, sizeof err->code, s, len);
}

static void set_text(char *dst, size_t n, const char *s)
{
	if (s) copy_line(dst, n, s, strlen(s));
}

static const char *const xml_request_id_paths[] = {"RequestId", "RequestID", "Error/RequestId",
                                                   "ResponseMetadata/RequestId"};

/* The error element of each XML shape, by root name, first match wins. */
static const struct {
	const char *root, *error_path;
} xml_shapes[] = {
	{"ErrorResponse", "Error"},        /* Query: CFN, STS, IAM (and rest-xml like it) */
	{"ErrorResponse", "Errors/Error"}, /* moto's signature/auth failures for Query services */
	{"Response", "Errors/Error"},      /* EC2 */
	{"Error", ""},                     /* S3 */
};

static int parse_xml(aws_error_t *err, const char *body, size_t len)
{
	aws_error_t perr;
	xmlDoc *doc = xml_parse(body, len, &perr);
	if (!doc) return -1;
	xmlNode *root = xml_root(doc);
	xmlNode *e = NULL;
	for (size_t i = 0; i < sizeof xml_shapes / sizeof *xml_shapes && !e; i++)
		if (strcmp(xml_name(root), xml_shapes[i].root) == 0)
			e = *xml_shapes[i].error_path ? xml_path(root, xml_shapes[i].error_path) : root;
	if (!e) {
		xmlFreeDoc(doc);
		return -1;
	}
	char *code = xml_path_text(e, "Code");
	char *msg = xml_path_text(e, "Message");
	if (!msg) msg = xml_path_text(e, "message");
	if (code) set_code(err, code);
	set_text(err->message, sizeof err->message, msg);
	free(code);
	free(msg);
	for (size_t i = 0; i < sizeof xml_request_id_paths / sizeof *xml_request_id_paths; i++) {
		char *rid = xml_path_text(root, xml_request_id_paths[i]);
		if (rid && *rid) set_text(err->request_id, sizeof err->request_id, rid);
		free(rid);
		if (err->request_id[0]) break;
	}
	xmlFreeDoc(doc);
	return 0;
}

static const char *json_string(const cJSON *j, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
		if (cJSON_IsString(v) && v->valuestring) return v->valuestring;
	}
	return NULL;
}

static int parse_json(aws_error_t *err, const char *body, size_t len)
{
	if (len > XML_MAX_BYTES) return -1;
	cJSON *j = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return -1;
	}
	static const char *const code_keys[] = {"__type", "code", "Code"};
	static const char *const msg_keys[] = {"message", "Message", "errorMessage"};
	const char *code = json_string(j, code_keys, 3);
	if (code) set_code(err, code);
	set_text(err->message, sizeof err->message, json_string(j, msg_keys, 3));
	cJSON_Delete(j);
	return 0;
}

static const struct {
	long status;
	const char *text;
} http_reasons[] = {
	{400, "Bad Request"},         {401, "Unauthorized"},
	{403, "Forbidden"},           {404, "Not Found"},
	{405, "Method Not Allowed"},  {409, "Conflict"},
	{413, "Payload Too Large"},   {429, "Too Many Requests"},
	{500, "Internal Server Error"}, {501, "Not Implemented"},
	{502, "Bad Gateway"},         {503, "Service Unavailable"},
	{504, "Gateway Timeout"},
};

/* A body of no known shape: say what it was without dumping it. */
static void describe_unknown(aws_error_t *err, const char *body, size_t len)
{
	const char *reason = "";
	for (size_t i = 0; i < sizeof http_reasons / sizeof *http_reasons; i++)
		if (http_reasons[i].status == err->http_status) reason = http_reasons[i].text;
	size_t skip = 0;
	while (skip < len && isspace((unsigned char)body[skip])) skip++;
	char head[161] = "";
	/* Plain text (a proxy's or an emulator's one-liner) is worth quoting; markup is not. */
	if (skip < len && body[skip] != '<' && body[skip] != '{')
		copy_line(head, sizeof head, body + skip, len - skip);
	if (head[0])
		snprintf(err->message, sizeof err->message, "%s", head);
	else if (len - skip > 0)
		snprintf(err->message, sizeof err->message,
		         "the service replied HTTP %ld%s%s with a body that is not an AWS error (%zu bytes)",
		         err->http_status, *reason ? " " : "", reason, len);
	else
		snprintf(err->message, sizeof err->message, "the service replied HTTP %ld%s%s with no body",
		         err->http_status, *reason ? " " : "", reason);
}

void aws_error_parse(aws_error_t *err, const char *body, size_t len, const char *request_id_header,
                     const char *error_type_header)
{
	err->kind = AWS_ERR_SERVICE;
	err->code[0] = err->message[0] = err->request_id[0] = 0;
	if (!body) len = 0;
	size_t skip = 0;
	while (skip < len && isspace((unsigned char)body[skip])) skip++;
	int known = -1;
	if (skip < len && body[skip] == '<') known = parse_xml(err, body, len);
	else if (skip < len && body[skip] == '{') known = parse_json(err, body, len);
	/* The header names the error even when the body does not (smithy: it wins). */
	if (error_type_header && *error_type_header) set_code(err, error_type_header);
	if (!err->request_id[0] && request_id_header)
		set_text(err->request_id, sizeof err->request_id, request_id_header);
	if (known != 0 && !err->message[0]) describe_unknown(err, body ? body : "", len);
	if (!err->code[0]) {
		if (err->http_status > 0)
			snprintf(err->code, sizeof err->code, "Http%ld", err->http_status);
		else
			snprintf(err->code, sizeof err->code, "UnknownError");
	}
}

/* Appends to buf at *off, never past n. */
static void put(char *buf, size_t n, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t n, size_t *off, const char *fmt, ...)
{
	if (*off >= n) return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *off, n - *off, fmt, ap);
	va_end(ap);
	if (k > 0) *off = *off + (size_t)k < n ? *off + (size_t)k : n - 1;
}

const char *aws_error_sentence(const aws_error_t *err, char *buf, size_t n)
{
	if (!buf || n == 0) return "";
	buf[0] = 0;
	size_t off = 0;
	if (!err || err->kind == AWS_ERR_NONE) {
		put(buf, n, &off, "No error.");
		return buf;
	}
	if (err->kind == AWS_ERR_CREDENTIALS || err->kind == AWS_ERR_CONFIG) {
		/* already a whole sentence naming what was tried and how to fix it */
		char msg[sizeof err->message];
		copy_line(msg, sizeof msg, err->message, sizeof err->message);
		size_t ml = strlen(msg);
		put(buf, n, &off, "%s%s", msg, ml && msg[ml - 1] == '.' ? "" : ".");
		return buf;
	}
	const char *who = err->service[0] ? err->service : "AWS";
	const char *sep = err->operation[0] ? " " : "";
	if (err->kind == AWS_ERR_CANCELLED) {
		put(buf, n, &off, "%s%s%s was cancelled.", who, sep, err->operation);
		return buf;
	}
	put(buf, n, &off, "%s%s%s failed: ", who, sep, err->operation);
	char msg[sizeof err->message];
	copy_line(msg, sizeof msg, err->message, sizeof err->message);
	size_t ml = strlen(msg);
	while (ml && msg[ml - 1] == '.') msg[--ml] = 0;
	put(buf, n, &off, "%s", ml ? msg : err->code[0] ? err->code : "unknown error");
	/* The details in brackets: only those that say something new. */
	const char *open = " (";
	if (err->code[0] && ml) {
		put(buf, n, &off, "%s%s", open, err->code);
		open = ", ";
	}
	if (err->http_status > 0) {
		put(buf, n, &off, "%sHTTP %ld", open, err->http_status);
		open = ", ";
	}
	if (err->request_id[0]) {
		put(buf, n, &off, "%srequest id %s", open, err->request_id);
		open = ", ";
	}
	if (err->attempts > 1) {
		put(buf, n, &off, "%safter %d attempts", open, err->attempts);
		open = ", ";
	}
	put(buf, n, &off, "%s.", open[0] == ',' ? ")" : "");
	return buf;
}

void aws_error_set(aws_error_t *err, aws_error_kind_t kind, const char *code, const char *fmt, ...)
{
	if (!err) return;
	err->kind = kind;
	snprintf(err->code, sizeof err->code, "%s", code ? code : "");
	err->message[0] = 0;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
}

/* The throttling codes of the SDKs' standard retry mode. */
static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
};

int aws_error_is_throttle(const aws_error_t *err)
{
	if (!err || err->kind != AWS_ERR_SERVICE) return 0;
	for (size_t i = 0; i < sizeof throttle_codes / sizeof *throttle_codes; i++)
		if (strcmp(err->code, throttle_codes[i]) == 0) return 1;
	/* LimitExceededException also means "quota reached" (CloudFormation stack count,
	 * Logs resource count), which no retry fixes: a throttle only when the reply says
	 * it is about request rate. */
	if (strcmp(err->code, "LimitExceededException") == 0)
		return err->http_status == 429 || strcasestr(err->message, "rate exceeded") ||
		       strcasestr(err->message, "throttl") ||
		       strcasestr(err->message, "too many requests");
	return 0;
}

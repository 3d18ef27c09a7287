#include "aws/http.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/grow.h"

struct http_xfer {
	http_engine_t *e;
	CURL *easy;
	struct curl_slist *hdrs;
	http_done_cb cb;
	void *ud;
	char *url;
	unsigned char *body;   /* request body copy */
	char *resp;            /* reply body */
	size_t resp_len, resp_cap, max_body;
	int truncated;
	aws_header_t *rh;      /* reply headers */
	size_t nrh, caprh;
	char errbuf[CURL_ERROR_SIZE];
	http_xfer_t *next;
};

struct http_engine {
	loop_t *loop;
	CURLM *multi;
	uint64_t timer;
	http_xfer_t *xfers;
	size_t nxfers;
};

static void check_done(http_engine_t *e);

static void on_socket_ready(loop_t *l, int fd, int events, void *ud)
{
	(void)l;
	http_engine_t *e = ud;
	int mask = ((events & LOOP_READ) ? CURL_CSELECT_IN : 0) |
	           ((events & LOOP_WRITE) ? CURL_CSELECT_OUT : 0) |
	           ((events & LOOP_ERROR) ? CURL_CSELECT_ERR : 0);
	int running;
	curl_multi_socket_action(e->multi, fd, mask, &running);
	check_done(e);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	(void)easy; (void)socketp;
	http_engine_t *e = userp;
	if (what == CURL_POLL_REMOVE) {
		loop_fd_del(e->loop, s);
		return 0;
	}
	int ev = ((what & CURL_POLL_IN) ? LOOP_READ : 0) | ((what & CURL_POLL_OUT) ? LOOP_WRITE : 0);
	return loop_fd_add(e->loop, s, ev, on_socket_ready, e);
}

static void on_timeout(loop_t *l, void *ud)
{
	(void)l;
	http_engine_t *e = ud;
	e->timer = 0;
	int running;
	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(e);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	http_engine_t *e = userp;
	if (e->timer) loop_timer_cancel(e->loop, e->timer);
	e->timer = 0;
	if (timeout_ms >= 0) e->timer = loop_timer_add(e->loop, timeout_ms, on_timeout, e);
	return 0;
}

http_engine_t *http_engine_new(loop_t *loop)
{
	static int global_done;
	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = 1;
	}
	http_engine_t *e = calloc(1, sizeof *e);
	if (!e) return NULL;
	e->loop = loop;
	e->multi = curl_multi_init();
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	return e;
}

static void xfer_free(http_xfer_t *x)
{
	curl_slist_free_all(x->hdrs);
	aws_headers_clear(x->rh, x->nrh);
	free(x->rh); free(x->url); free(x->body); free(x->resp);
	free(x);
}

static void unlink_xfer(http_engine_t *e, http_xfer_t *x)
{
	for (http_xfer_t **p = &e->xfers; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			e->nxfers--;
			break;
		}
	curl_multi_remove_handle(e->multi, x->easy);
	curl_easy_cleanup(x->easy);
}

void http_engine_free(http_engine_t *e)
{
	if (!e) return;
	while (e->xfers) {
		http_xfer_t *x = e->xfers;
		unlink_xfer(e, x);
		xfer_free(x);
	}
	if (e->timer) loop_timer_cancel(e->loop, e->timer);
	curl_multi_cleanup(e->multi);
	free(e);
}

static size_t write_cb(char *ptr, size_t size, size_t n, void *ud)
{
	http_xfer_t *x = ud;
	size_t len = size * n;
	if (x->resp_len + len > x->max_body) {
		x->truncated = 1;
		return 0; /* aborts the transfer: a reply this large is not one we can use */
	}
	if (x->resp_len + len + 1 > x->resp_cap) {
		size_t cap = x->resp_cap ? x->resp_cap : 4096;
		while (cap < x->resp_len + len + 1) cap *= 2;
		char *p = realloc(x->resp, cap);
		if (!p) return 0;
		x->resp = p;
		x->resp_cap = cap;
	}
	memcpy(x->resp + x->resp_len, ptr, len);
	x->resp_len += len;
	x->resp[x->resp_len] = 0;
	return len;
}

static size_t header_cb(char *buf, size_t size, size_t n, void *ud)
{
	http_xfer_t *x = ud;
	size_t len = size * n;
	if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* a new response (after 100-continue or a redirect): keep only the last one's headers */
		aws_headers_clear(x->rh, x->nrh);
		x->nrh = 0;
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon) return len;
	const char *v = colon + 1, *end = buf + len;
	while (v < end && (*v == ' ' || *v == '\t')) v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
	if (grow_array((void **)&x->rh, &x->caprh, x->nrh + 1, sizeof *x->rh, 16) < 0) return 0;
	x->rh[x->nrh].name = strndup(buf, (size_t)(colon - buf));
	x->rh[x->nrh].value = strndup(v, (size_t)(end - v));
	x->nrh++;
	return len;
}

http_xfer_t *http_send(http_engine_t *e, const char *base_url, const aws_request_t *r,
                       const http_opts_t *opts, http_done_cb cb, void *ud)
{
	http_opts_t o = opts ? *opts : (http_opts_t){0};
	http_xfer_t *x = calloc(1, sizeof *x);
	if (!x) return NULL;
	x->e = e;
	x->cb = cb;
	x->ud = ud;
	x->max_body = o.max_body ? o.max_body : (size_t)64 << 20;
	size_t ulen = strlen(base_url) + strlen(r->path) + (r->query ? strlen(r->query) : 0) + 2;
	x->url = malloc(ulen);
	x->easy = curl_easy_init();
	if (!x->url || !x->easy) {
		if (x->easy) curl_easy_cleanup(x->easy);
		xfer_free(x);
		return NULL;
	}
	snprintf(x->url, ulen, "%s%s%s%s", base_url, r->path, r->query && *r->query ? "?" : "",
	         r->query ? r->query : "");
	for (size_t i = 0; i < r->nheaders; i++) {
		size_t hl = strlen(r->headers[i].name) + strlen(r->headers[i].value) + 3;
		char *h = malloc(hl);
		if (!h) continue;
		/* "Name;" is curl's way to send a header with an empty value */
		if (*r->headers[i].value)
			snprintf(h, hl, "%s: %s", r->headers[i].name, r->headers[i].value);
		else
			snprintf(h, hl, "%s;", r->headers[i].name);
		x->hdrs = curl_slist_append(x->hdrs, h);
		free(h);
	}
	/* curl must not add headers the signature does not cover */
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	x->hdrs = curl_slist_append(x->hdrs, "Accept:");
	CURL *c = x->easy;
	curl_easy_setopt(c, CURLOPT_URL, x->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	if (strcmp(r->method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (r->body_len || strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0) {
		x->body = malloc(r->body_len ? r->body_len : 1);
		if (r->body_len) memcpy(x->body, r->body, r->body_len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->body);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o.timeout_ms ? o.timeout_ms : 60000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms ? o.connect_timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nixl-tui/0.1");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, NULL);
	if (o.ca_bundle && *o.ca_bundle) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_bundle);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	x->next = e->xfers;
	e->xfers = x;
	e->nxfers++;
	curl_multi_add_handle(e->multi, c);
	return x;
}

static void check_done(http_engine_t *e)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(e->multi, &left))) {
		if (m->msg != CURLMSG_DONE) continue;
		http_xfer_t *x = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		CURLcode code = m->data.result;
		http_result_t res = {0};
		if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && x->truncated))
			curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &res.status);
		res.curl_code = code;
		res.error = code == CURLE_OK ? NULL : (x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
		res.headers = x->rh;
		res.nheaders = x->nrh;
		res.body = x->resp ? x->resp : (char *)"";
		res.body_len = x->resp_len;
		res.truncated = x->truncated;
		unlink_xfer(e, x);
		x->cb(x->ud, &res);
		xfer_free(x);
	}
}

void http_cancel(http_engine_t *e, http_xfer_t *x)
{
	for (http_xfer_t *p = e->xfers; p; p = p->next)
		if (p == x) {
			unlink_xfer(e, x);
			xfer_free(x);
			return;
		}
}

size_t http_in_flight(const http_engine_t *e) { return e->nxfers; }

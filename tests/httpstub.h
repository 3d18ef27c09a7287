/* A scripted HTTP/1.1 server of the tests' own, in a forked child on 127.0.0.1: each
 * request gets the next action of the script. Stopped by PID (and it dies with the
 * test process, and after 60 s in any case). */
#ifndef NIXL_TESTS_HTTPSTUB_H
#define NIXL_TESTS_HTTPSTUB_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct stub {
	pid_t pid;
	int port;
	char url[64];
} stub_t;

/* Reads one request (headers + Content-Length body); returns its X-Amz-Date or "",
 * and whether it carried an IMDSv2 session token (in *imds_token). */
static int stub_saw_imds_token;
static inline int stub_read_request(int fd, char *amz_date, size_t n)
{
	stub_saw_imds_token = 0;
	char buf[65536];
	size_t len = 0;
	char *end = NULL;
	while (!end && len < sizeof buf - 1) {
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0) return -1;
		len += (size_t)r;
		buf[len] = 0;
		end = strstr(buf, "\r\n\r\n");
	}
	if (!end) return -1;
	long clen = 0;
	for (char *p = buf; p < end; p = strstr(p, "\r\n") + 2) {
		if (strncasecmp(p, "Content-Length:", 15) == 0) clen = atol(p + 15);
		if (strncasecmp(p, "X-Amz-Date:", 11) == 0) sscanf(p + 11, " %16s", amz_date);
		if (strncasecmp(p, "X-aws-ec2-metadata-token: stub-token", 36) == 0) stub_saw_imds_token = 1;
		if (!strstr(p, "\r\n")) break;
	}
	(void)n;
	long have = (long)(len - (size_t)(end + 4 - buf));
	while (have < clen) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0) return -1;
		have += r;
	}
	return 0;
}

static inline void stub_reply(int fd, int status, const char *ctype, const char *body,
                              const char *extra_headers)
{
	char hdr[1024];
	int n = snprintf(hdr, sizeof hdr,
	                 "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                 "x-amzn-RequestId: stub-%d\r\n%s\r\n",
	                 status, ctype, strlen(body), status, extra_headers ? extra_headers : "");
	if (write(fd, hdr, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0) { /* client gone */ }
}

#define STUB_OK_XML "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/stub</Arn><UserId>AIDSTUB</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>stub-ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>"

/* Actions (comma-separated): ok, 503, 500, throttle (Query "Throttling"), throttle-json
 * (ThrottlingException), reset (close without a reply), skew (403 expired signature
 * with a Date one hour ahead; a later request passes only if it is signed within a
 * minute of that hour), hang (never answer), 400 (a non-retryable ValidationError),
 * imds-token / imds-role / imds-creds (IMDSv2's three answers; the last two only with
 * the session token).
 * The last action repeats. Connections are served side by side (poll). */
static inline void stub_serve(int ls, const char *script)
{
	char actions[64][16];
	int nact = 0;
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", script);
	for (char *s = strtok(copy, ","); s && nact < 64; s = strtok(NULL, ",")) snprintf(actions[nact++], 16, "%s", s);
	time_t ahead = 0;
	struct pollfd pf[128];
	int npf = 1, i = 0;
	pf[0] = (struct pollfd){ .fd = ls, .events = POLLIN };
	for (;;) {
		if (poll(pf, (nfds_t)npf, -1) < 0) continue;
		if ((pf[0].revents & POLLIN) && npf < 128) {
			int fd = accept(ls, NULL, NULL);
			if (fd >= 0) pf[npf++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		for (int k = 1; k < npf; k++) {
			if (!pf[k].revents) continue;
			int fd = pf[k].fd, drop = 0;
			char amz[32] = "";
			if (stub_read_request(fd, amz, sizeof amz) < 0) {
				drop = 1;
			} else {
				const char *a = actions[i < nact ? i : nact - 1];
				i++;
				if (ahead) {
					struct tm tm = {0};
					sscanf(amz, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
					tm.tm_year -= 1900; tm.tm_mon -= 1;
					long d = (long)(timegm(&tm) - ahead);
					if (d < -60 || d > 60) a = "skew";
				}
				if (strcmp(a, "reset") == 0) {
					struct linger lg = { 1, 0 };
					setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
					drop = 1;
				} else if (strncmp(a, "imds-", 5) == 0 && strcmp(a, "imds-token") != 0 && !stub_saw_imds_token) {
					stub_reply(fd, 401, "text/plain", "", NULL); /* IMDSv2: no token, no answer */
				} else if (strcmp(a, "imds-token") == 0) {
					stub_reply(fd, 200, "text/plain", "stub-token", NULL);
				} else if (strcmp(a, "imds-role") == 0) {
					stub_reply(fd, 200, "text/plain", "nixl-node-role\n", NULL);
				} else if (strcmp(a, "imds-creds") == 0) {
					stub_reply(fd, 200, "text/plain", "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIASTUBIMDS\","
					           "\"SecretAccessKey\":\"stub-imds-secret\",\"Token\":\"stub-session\","
					           "\"Expiration\":\"2099-01-01T00:00:00Z\"}", NULL);
				} else if (strcmp(a, "hang") == 0) {
					/* never answer */
				} else if (strcmp(a, "503") == 0 || strcmp(a, "500") == 0) {
					stub_reply(fd, atoi(a), "text/xml", "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>", NULL);
				} else if (strcmp(a, "throttle") == 0) {
					stub_reply(fd, 400, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t-1</RequestId></ErrorResponse>", NULL);
				} else if (strcmp(a, "throttle-json") == 0) {
					stub_reply(fd, 400, "application/x-amz-json-1.1", "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", NULL);
				} else if (strcmp(a, "400") == 0) {
					stub_reply(fd, 400, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>bad input</Message></Error><RequestId>v-1</RequestId></ErrorResponse>", NULL);
				} else if (strcmp(a, "skew") == 0) {
					if (!ahead) ahead = time(NULL) + 3600;
					char date[128], hdr[160];
					struct tm tm;
					gmtime_r(&ahead, &tm);
					strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
					snprintf(hdr, sizeof hdr, "Date: %s\r\n", date);
					stub_reply(fd, 403, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Signature expired: is now earlier than the server time</Message></Error><RequestId>s-1</RequestId></ErrorResponse>", hdr);
				} else {
					stub_reply(fd, 200, "text/xml", STUB_OK_XML, NULL);
				}
			}
			if (drop) {
				close(fd);
				pf[k--] = pf[--npf];
			}
		}
	}
}

static inline int stub_start(stub_t *s, const char *script)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 16) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0)
		return -1;
	s->port = ntohs(a.sin_port);
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) return -1;
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		stub_serve(ls, script);
		_exit(0);
	}
	close(ls);
	return 0;
}

/* Credentials from the stub's IMDSv2 only: no keys, no files, IMDS at the stub's URL.
 * stub_imds_off() puts back the tests' usual "IMDS disabled". */
static inline void stub_imds_on(const stub_t *s)
{
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s->url, 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
}

static inline void stub_imds_off(void)
{
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static inline void stub_stop(stub_t *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}
#endif

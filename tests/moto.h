/* moto_server (moto 5.2.1) as the local AWS for integration tests: started as a child
 * on 127.0.0.1 and a free port with signature checking armed after the first
 * `no_auth_count` requests (INITIAL_NO_AUTH_ACTION_COUNT), then an IAM user with an
 * allow-all policy and an access key made within those requests, so every later call
 * is really signed and checked. Stopped by its PID: moto_stop (cmocka group teardown),
 * an atexit handler, SIGTERM/SIGINT, and PR_SET_PDEATHSIG if the test process dies. */
#ifndef NIXL_TESTS_MOTO_H
#define NIXL_TESTS_MOTO_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/xml.h"

#define MOTO_START_DEADLINE_MS 60000
#define MOTO_CALL_DEADLINE_MS 60000

typedef struct moto {
	pid_t pid;
	int port;
	char url[64];
	char access_key_id[64];
	char secret_access_key[128];  /* never printed */
	char user[64];
} moto_t;

/* The one server of this test process, for the exit and signal handlers. */
static volatile pid_t moto_child_pid;

static inline void moto_kill_child(void)
{
	pid_t pid = moto_child_pid;
	if (pid <= 0) return;
	kill(pid, SIGTERM);
	/* Up to 5 s for a clean exit, then SIGKILL. */
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			moto_child_pid = 0;
			return;
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	moto_child_pid = 0;
}

static inline void moto_on_signal(int sig)
{
	if (moto_child_pid > 0) kill(moto_child_pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline int moto_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0) close(fd);
	return port;
}

static inline int moto_answers(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0) close(fd);
	return ok;
}

static inline int64_t moto_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Environment every client of the tests sees: loopback endpoint, no IMDS, no profile. */
static inline void moto_env(const moto_t *m, const char *key_id, const char *secret)
{
	setenv("AWS_ACCESS_KEY_ID", key_id, 1);
	setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/nixl-tests/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/nixl-tests/credentials", 1);
	setenv("AWS_ENDPOINT_URL", m->url, 1);
	setenv("AWS_REGION", "us-east-1", 1);
}

/* A client on the loop with the given keys (set in the environment, as a user would). */
static inline aws_client_t *moto_client(const moto_t *m, loop_t *l, const char *key_id,
                                        const char *secret)
{
	moto_env(m, key_id, secret);
	aws_client_opts_t o = {.region = "us-east-1", .endpoint_url = m->url, .retry_base_ms = 20};
	aws_error_t err;
	return aws_client_new(l, &o, &err);
}

typedef struct moto_reply {
	int done;
	aws_error_t err;
	int failed;
	long status;
	char *body;
	size_t body_len;
} moto_reply_t;

static inline void moto_on_reply(void *ud, const aws_error_t *err, const aws_response_t *resp)
{
	moto_reply_t *r = ud;
	r->done = 1;
	if (err) {
		r->failed = 1;
		r->err = *err;
	}
	if (resp) {
		r->status = resp->status;
		r->body = malloc(resp->body_len + 1);
		if (r->body) {
			memcpy(r->body, resp->body, resp->body_len);
			r->body[resp->body_len] = 0;
			r->body_len = resp->body_len;
		}
	}
}

/* Runs one raw Query call to completion (deadline); 0 on a 2xx reply. */
static inline int moto_query(aws_client_t *c, const char *service, const char *action,
                             const char *version, const aws_params_t *p, moto_reply_t *r)
{
	memset(r, 0, sizeof *r);
	if (!aws_call_query(c, service, action, version, p, moto_on_reply, r)) return -1;
	if (aws_client_wait(c, &r->done, MOTO_CALL_DEADLINE_MS) != 0) return -1;
	return r->failed ? -1 : 0;
}

/* IAM within the unauthenticated window: user, allow-all inline policy, access key. */
static inline int moto_make_user(moto_t *m)
{
	loop_t *l = loop_new();
	aws_client_t *c = moto_client(m, l, "AKIDMOTOBOOTSTRAP", "bootstrap-secret");
	int rc = c ? 0 : -1;
	moto_reply_t r = {0};
	aws_params_t p = {0};
	snprintf(m->user, sizeof m->user, "nixl-test");
	aws_params_add(&p, "UserName", m->user);
	if (rc == 0) rc = moto_query(c, "iam", "CreateUser", "2010-05-08", &p, &r);
	free(r.body);
	aws_params_add(&p, "PolicyName", "allow-all");
	aws_params_add(&p, "PolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	                                     "\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
	if (rc == 0) rc = moto_query(c, "iam", "PutUserPolicy", "2010-05-08", &p, &r);
	free(r.body);
	aws_params_free(&p);
	aws_params_add(&p, "UserName", m->user);
	if (rc == 0) rc = moto_query(c, "iam", "CreateAccessKey", "2010-05-08", &p, &r);
	aws_params_free(&p);
	if (rc == 0) {
		aws_error_t err;
		xmlDoc *doc;
		xmlNode *k = xml_open(r.body, r.body_len, "CreateAccessKeyResponse",
		                      "CreateAccessKeyResult", &doc, &err);
		char *id = xml_path_text(k, "AccessKey/AccessKeyId");
		char *secret = xml_path_text(k, "AccessKey/SecretAccessKey");
		rc = id && secret ? 0 : -1;
		if (rc == 0) {
			snprintf(m->access_key_id, sizeof m->access_key_id, "%s", id);
			snprintf(m->secret_access_key, sizeof m->secret_access_key, "%s", secret);
		}
		free(id);
		free(secret);
		if (doc) xmlFreeDoc(doc);
	}
	free(r.body);
	aws_client_free(c);
	loop_free(l);
	return rc;
}

/* Starts moto; the IAM bootstrap takes exactly 3 requests, so no_auth_count is 3. */
static inline int moto_start(moto_t *m)
{
	memset(m, 0, sizeof *m);
	m->port = moto_free_port();
	if (m->port <= 0) return -1;
	snprintf(m->url, sizeof m->url, "http://127.0.0.1:%d", m->port);
	/* Set here, not in the child: only async-signal-safe calls between fork and exec. */
	setenv("INITIAL_NO_AUTH_ACTION_COUNT", "3", 1);
	char port[16];
	snprintf(port, sizeof port, "%d", m->port);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) _exit(127);
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("moto_server", "moto_server", "-H", "127.0.0.1", "-p", port, (char *)NULL);
		_exit(127);
	}
	m->pid = pid;
	moto_child_pid = pid;
	static int hooked;
	if (!hooked) {
		hooked = 1;
		atexit(moto_kill_child);
		signal(SIGTERM, moto_on_signal);
		signal(SIGINT, moto_on_signal);
	}
	int64_t deadline = moto_now_ms() + MOTO_START_DEADLINE_MS;
	while (!moto_answers(m->port)) {
		if (waitpid(pid, NULL, WNOHANG) == pid || moto_now_ms() > deadline) {
			moto_child_pid = pid;
			moto_kill_child();
			m->pid = 0;
			return -1;
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (moto_make_user(m) != 0) {
		moto_kill_child();
		m->pid = 0;
		return -1;
	}
	return 0;
}

static inline void moto_stop(moto_t *m)
{
	if (m->pid > 0 && moto_child_pid == m->pid) moto_kill_child();
	m->pid = 0;
}

#endif

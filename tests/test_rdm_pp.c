/* integration: real libfabric runs between processes */
/* The native RDM ping-pong on loopback: real runs over tcp;ofi_rxm and shm, and every way a
 * peer can go away (killed, stopped, never there) ending in an error within seconds. */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "efa/node_addr.h"
#include "efa/pp_ctl.h"
#include "efa/rdm_pp.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- helpers: a loopback listener, a forked peer, a timed kill, a bounded reap ---- */

static int listen_loopback(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sl), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static rdm_pp_opts_t small_opts(const char *prov, const uint64_t *sizes, size_t n, int iters)
{
	rdm_pp_opts_t o;
	rdm_pp_opts_init(&o);
	o.provider = prov;
	o.sizes = sizes;
	o.nsizes = n;
	o.iterations = iters;
	o.timeout_s = 3;
	o.accept_timeout_s = 5;
	return o;
}

/* Forks a server accepting on lfd (closed here afterwards). The child never outlives its
 * accept or data timeouts; the parent still kills it by pid. */
static pid_t fork_server(int lfd, const char *prov)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rdm_pp_opts_t o = small_opts(prov, NULL, 0, 0);
		o.listen_fd = lfd;
		pp_result_t res;
		int rc = rdm_pp_run_server(&o, &res);
		pp_result_free(&res);
		_exit(rc < 0 ? 1 : 0);
	}
	close(lfd);
	return pid;
}

static pid_t fork_client(int port, const char *prov, const uint64_t *sizes, size_t n, int iters)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rdm_pp_opts_t o = small_opts(prov, sizes, n, iters);
		o.host = "127.0.0.1";
		o.port = port;
		pp_result_t res;
		int rc = rdm_pp_run_client(&o, &res);
		pp_result_free(&res);
		_exit(rc < 0 ? 1 : 0);
	}
	return pid;
}

/* Waits for pid up to limit_s; returns its wait status, or kills it and returns -1. */
static int reap(pid_t pid, double limit_s)
{
	double deadline = now_s() + limit_s;
	int status;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) return status;
		if (now_s() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(10000);
	}
}

static volatile pid_t victim;
static volatile int victim_signal;
static volatile double struck_at; /* when the signal went out */

static void on_alarm(int sig)
{
	(void)sig;
	if (victim > 0) kill(victim, victim_signal);
	struck_at = now_s(); /* clock_gettime is async-signal-safe */
}

/* Sends sig to pid after ms milliseconds, from a timer, while this process runs its side. */
static void signal_later(pid_t pid, int sig, int ms)
{
	victim = pid;
	victim_signal = sig;
	struck_at = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Many rounds of one small size: long enough to be killed in the middle of, short enough
 * to end by itself within seconds if the kill went astray. */
#define ROUNDS 300
#define ROUND_ITERS 1000
static uint64_t rounds[ROUNDS];

static void fill_rounds(uint64_t size)
{
	for (int i = 0; i < ROUNDS; i++) rounds[i] = size;
}

/* on_row: the data path is known to be running; strike 20 ms into what follows (shm runs
 * a round of 64 B in about 1.5 ms, so 300 rounds outlast the strike even when it is late). */
static void strike_after_first_row(const pp_row_t *row, void *arg)
{
	(void)row;
	int *armed = arg;
	if (!*armed) signal_later(victim, victim_signal, 20);
	*armed = 1;
}

static void cancel_timer(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	victim = 0;
}

/* ---- pure parts ---- */

static void test_parse_sizes(void **state)
{
	(void)state;
	uint64_t *s;
	size_t n;
	char err[256];
	assert_int_equal(rdm_pp_parse_sizes("64,4k,64K,1m,1g,100", &s, &n, err, sizeof err), 0);
	assert_int_equal(n, 6);
	const uint64_t want[] = { 64, 4096, 65536, 1048576, 1073741824, 100 };
	for (size_t i = 0; i < n; i++) assert_int_equal(s[i], want[i]);
	free(s);
	static const char *const bad[] = { "", "0", "4x", "64,", ",64", "-1", "k", "1m5", "4kk" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		assert_int_equal(rdm_pp_parse_sizes(bad[i], &s, &n, err, sizeof err), -1);
		assert_null(s);
		assert_non_null(strstr(err, "bad size list"));
	}
	/* The server refuses a hello above 1g, so the client never asks for more. */
	static const char *const big[] = { "64,1073741825", "2g", "1024m,1025m" };
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		assert_int_equal(rdm_pp_parse_sizes(big[i], &s, &n, err, sizeof err), -1);
		assert_null(s);
		if (!strstr(err, "is above the largest the ping-pong takes, 1g (1073741824 bytes)"))
			fail_msg("%s: %s", big[i], err);
	}
}

/* ---- the control lines: every number bounded, everything else one sentence ---- */

#define HELLO_HEAD "HELLO nixl-rdm-pp/1 tcp;ofi_rxm "

static void test_hello_accepts(void **state)
{
	(void)state;
	pp_hello_t h;
	char err[256];
	assert_int_equal(pp_ctl_parse_hello(HELLO_HEAD "1000 100 1048576 0200a4B1ff", &h, err,
	                                    sizeof err), 0);
	assert_string_equal(h.provider, "tcp;ofi_rxm");
	assert_int_equal(h.iterations, 1000);
	assert_int_equal(h.warmup, 100);
	assert_int_equal(h.max, 1048576);
	assert_int_equal(h.addrlen, 5);
	assert_int_equal(h.addr[0], 0x02);
	assert_int_equal(h.addr[3], 0xb1);
	assert_int_equal(h.addr[4], 0xff);
	/* Every ceiling itself is taken. */
	assert_int_equal(pp_ctl_parse_hello(HELLO_HEAD "100000000 100000000 1073741824 00", &h,
	                                    err, sizeof err), 0);
	assert_int_equal(h.iterations, PP_CTL_MAX_ITERATIONS);
	assert_int_equal(h.warmup, PP_CTL_MAX_WARMUP);
	assert_int_equal(h.max, PP_CTL_MAX_SIZE);
	assert_int_equal(pp_ctl_parse_hello(HELLO_HEAD "1 0 1 00", &h, err, sizeof err), 0);
}

static void test_hello_refuses(void **state)
{
	(void)state;
	static const char iters[] = "the iteration count in the client's hello must be a whole "
	                            "number from 1 to 100000000, not ";
	static const char warm[] = "the warm-up count in the client's hello must be a whole "
	                           "number from 0 to 100000000, not ";
	static const char max[] = "the largest message size in the client's hello must be a whole "
	                          "number from 1 to 1073741824 bytes (the largest -S), not ";
	static const char addr[] = "the fabric address in the client's hello must be an even "
	                           "number of hex digits, 2 to 1024, not ";
	static const struct { const char *line, *want; } cases[] = {
		/* the largest size: above -S, above 2^63 (2 * max wraps), above 2^64 */
		{ HELLO_HEAD "10 10 1073741825 00", "\"1073741825\"" },
		{ HELLO_HEAD "10 10 9223372036854775809 00", "\"9223372036854775809\"" },
		{ HELLO_HEAD "10 10 18446744073709551616 00", "\"18446744073709551616\"" },
		{ HELLO_HEAD "10 10 0 00", "\"0\"" },
		{ HELLO_HEAD "10 10 -64 00", "\"-64\"" },
		{ HELLO_HEAD "10 10 4k 00", "\"4k\"" },
		{ HELLO_HEAD "10 10 0x100 00", "\"0x100\"" },
		{ HELLO_HEAD "10 10 99999999999999999999999999999999 00",
		  "\"999999999999999999999...\"" },
		/* warm-up + iterations would overflow an int */
		{ HELLO_HEAD "2147483647 10 64 00", "\"2147483647\"" },
		{ HELLO_HEAD "100000000 2147483647 64 00", "\"2147483647\"" },
		{ HELLO_HEAD "100000001 0 64 00", "\"100000001\"" },
		/* negative, zero, not numbers */
		{ HELLO_HEAD "-1 10 64 00", "\"-1\"" },
		{ HELLO_HEAD "0 10 64 00", "\"0\"" },
		{ HELLO_HEAD "10 -1 64 00", "\"-1\"" },
		{ HELLO_HEAD "+10 1 64 00", "\"+10\"" },
		{ HELLO_HEAD "ten 1 64 00", "\"ten\"" },
		{ HELLO_HEAD "10\t 1 64 00", "\"10?\"" },
		{ HELLO_HEAD "10 1.5 64 00", "\"1.5\"" },
		/* the address */
		{ HELLO_HEAD "10 1 64 0", "\"0\"" },
		{ HELLO_HEAD "10 1 64 0g", "\"0g\"" },
	};
	static const char *const wants[] = { max, max, max, max, max, max, max, max, iters, warm,
	                                     iters, iters, iters, warm, iters, iters, iters, warm,
	                                     addr, addr };
	_Static_assert(sizeof wants / sizeof wants[0] == sizeof cases / sizeof cases[0],
	               "one sentence per case");
	pp_hello_t h;
	char err[256], want[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = 0;
		assert_int_equal(pp_ctl_parse_hello(cases[i].line, &h, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s%s", wants[i], cases[i].want);
		if (strcmp(err, want) != 0) fail_msg("%s\n got: %s\nwant: %s", cases[i].line, err, want);
	}
	/* the shape of the line */
	static const struct { const char *line, *want; } shapes[] = {
		{ HELLO_HEAD "10 10 64 00 trailing",
		  "the client's hello has 8 fields where nixl-rdm-pp/1 has 7" },
		{ HELLO_HEAD "10 10 64", "the client's hello has 6 fields where nixl-rdm-pp/1 has 7" },
		{ HELLO_HEAD "10  10 64 00", "the client's hello has an empty field (fields take one "
		                             "space between them)" },
		{ HELLO_HEAD "10 10 64 00 ", "the client's hello has an empty field (fields take one "
		                             "space between them)" },
		{ "HELLO nixl-rdm-pp/2 tcp 10 10 64 00",
		  "the client does not speak nixl-rdm-pp/1: \"HELLO nixl-rdm-pp/2 t...\"" },
		{ "GET / HTTP/1.1", "expected the client's hello, got \"GET / HTTP/1.1\"" },
		{ "", "expected the client's hello, got \"\"" },
		{ "HELLO nixl-rdm-pp/1 tcp$(reboot) 10 10 64 00",
		  "the provider in the client's hello must be 1 to 63 letters, digits or any of "
		  "\"_-.;\", not \"tcp$(reboot)\"" },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		assert_int_equal(pp_ctl_parse_hello(shapes[i].line, &h, err, sizeof err), -1);
		if (strcmp(err, shapes[i].want) != 0)
			fail_msg("%s\n got: %s\nwant: %s", shapes[i].line, err, shapes[i].want);
	}
	/* too long: refused before anything is read from it */
	char line[PP_CTL_LINE_MAX + 2];
	memset(line, '0', sizeof line - 1);
	line[sizeof line - 1] = 0;
	memcpy(line, HELLO_HEAD "10 10 64 ", strlen(HELLO_HEAD "10 10 64 "));
	assert_int_equal(pp_ctl_parse_hello(line, &h, err, sizeof err), -1);
	assert_string_equal(err, "the client's hello is longer than 4095 bytes");
	char hex[2 * PP_CTL_ADDR_MAX + 3];
	memset(hex, 'a', sizeof hex - 1);
	hex[sizeof hex - 1] = 0;
	snprintf(line, sizeof line, HELLO_HEAD "10 10 64 %s", hex);
	assert_int_equal(pp_ctl_parse_hello(line, &h, err, sizeof err), -1);
	assert_non_null(strstr(err, addr));
	/* A short err buffer still ends in NUL. */
	char tiny[8];
	assert_int_equal(pp_ctl_parse_hello(HELLO_HEAD "-1 1 1 00", &h, tiny, sizeof tiny), -1);
	assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

static void test_other_lines(void **state)
{
	(void)state;
	char err[256];
	uint64_t size;
	assert_int_equal(pp_ctl_parse_size("SIZE 4096", 4096, &size, err, sizeof err), 0);
	assert_int_equal(size, 4096);
	static const char *const bad_sizes[] = { "SIZE 4097", "SIZE 0", "SIZE -1", "SIZE 9",
	                                         "SIZE 18446744073709551615", "SIZE 64 64" };
	for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
		uint64_t lim = i == 3 ? 5 : 4096;
		assert_int_equal(pp_ctl_parse_size(bad_sizes[i], lim, &size, err, sizeof err), -1);
		if (!strstr(err, i == 5 ? "has 3 fields where" : "must be a whole number of bytes from 1 to "))
			fail_msg("%s: %s", bad_sizes[i], err);
	}
	double t, m, p;
	assert_int_equal(pp_ctl_parse_row("ROW 4096 1000 0.012345678 5.1234 9.5000", 4096, 1000, &t,
	                                  &m, &p, err, sizeof err), 0);
	assert_true(fabs(t - 0.012345678) < 1e-12 && fabs(m - 5.1234) < 1e-12 && p == 9.5);
	static const char *const bad_rows[] = {
		"ROW 4096 999 1 1 1", "ROW 64 1000 1 1 1", "ROW 4096 1000 nan 1 1",
		"ROW 4096 1000 1 -1 1", "ROW 4096 1000 1 1 inf", "ROW 4096 1000 1 1 1x",
		"ROW 4096 -1000 1 1 1",
	};
	for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++)
		assert_int_equal(pp_ctl_parse_row(bad_rows[i], 4096, 1000, &t, &m, &p, err, sizeof err),
		                 -1);
	assert_string_equal(err, "the client's result row is for \"4096 -1000\" where this size is "
	                         "4096 bytes and 1000 iterations");
	char prov[64];
	unsigned char addr[PP_CTL_ADDR_MAX];
	size_t alen;
	assert_int_equal(pp_ctl_parse_addr("ADDR efa 00ff", prov, sizeof prov, addr, &alen, err,
	                                   sizeof err), 0);
	assert_string_equal(prov, "efa");
	assert_int_equal(alen, 2);
	assert_int_equal(pp_ctl_parse_addr("ADDR efa 00ff 1", prov, sizeof prov, addr, &alen, err,
	                                   sizeof err), -1);
	assert_int_equal(pp_ctl_parse_addr("ADDR e\001a 00", prov, sizeof prov, addr, &alen, err,
	                                   sizeof err), -1);
	assert_non_null(strstr(err, "not \"e?a\""));
}

/* ---- where the server listens ---- */

static void test_route_iface(void **state)
{
	(void)state;
	static const char head[] = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
	                           "Mask\t\tMTU\tWindow\tIRTT\n";
	char text[1024], name[32];
	/* two default routes: the lower metric wins; a route that is not up does not count */
	snprintf(text, sizeof text, "%s"
	         "ens6\t00000000\t0100A8C0\t0003\t0\t0\t200\t00000000\t0\t0\t0\n"
	         "ens7\t00000000\t0100A8C0\t0002\t0\t0\t10\t00000000\t0\t0\t0\n"
	         "ens5\t00000000\t01201FAC\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
	         "ens5\t00201FAC\t00000000\t0001\t0\t0\t0\t00F0FFFF\t0\t0\t0\n"
	         /* a cut line does not take its fields from the next one */
	         "ens9\n00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", head);
	assert_int_equal(node_addr_route_iface(text, name, sizeof name), 1);
	assert_string_equal(name, "ens5");
	/* no default route (a network namespace with only lo): none */
	snprintf(text, sizeof text, "%s"
	         "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", head);
	assert_int_equal(node_addr_route_iface(text, name, sizeof name), 0);
	assert_int_equal(node_addr_route_iface(head, name, sizeof name), 0);
	assert_int_equal(node_addr_route_iface("", name, sizeof name), 0);
	/* This host: an IPv4 address, or a sentence asking for --bind. */
	char ip[64], err[256] = "";
	if (node_addr_private_ipv4(ip, sizeof ip, err, sizeof err) == 0) {
		struct in_addr a;
		assert_int_equal(inet_pton(AF_INET, ip, &a), 1);
	} else {
		assert_non_null(strstr(err, "give --bind ADDR"));
	}
}

static void test_format(void **state)
{
	(void)state;
	static const struct { uint64_t v; int bin; const char *want; } cases[] = {
		{ 64, 1, "64" },        { 1023, 1, "1023" },  { 1024, 1, "1k" },
		{ 1280, 1, "1.2k" },    { 1536, 1, "1.5k" },  { 20480, 1, "20k" },
		{ 8192000, 1, "7.8m" }, { 131072000, 1, "125m" },
		{ 2097152000, 1, "1.9g" }, { 10, 0, "10" },   { 1000, 0, "1k" },
		{ 1500, 0, "1.5k" },    { 1000000, 0, "1m" }, { 3000000000ULL, 0, "3b" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rdm_pp_format_count(cases[i].v, cases[i].bin, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
	pp_row_t row = { .bytes = 4096, .sent = 1000, .acked = 1000, .total_bytes = 8192000,
	                 .time_s = 0.015, .mb_per_s = 546.13, .usec_per_xfer = 7.5,
	                 .mxfers_per_s = 0.13, .median_usec = 7.25, .p99_usec = 12.5 };
	char line[256];
	rdm_pp_format_row(&row, line, sizeof line);
	assert_string_equal(line, "4k      1k      =1k      7.8m        0.01s    546.13       7.50"
	                          "       0.13        7.25      12.50");
	rdm_pp_format_header(line, sizeof line);
	assert_int_equal(strncmp(line, "bytes   #sent   #ack     total       time     MB/sec    "
	                               "usec/xfer   Mxfers/sec", 75), 0);
	assert_int_equal(rdm_pp_default_warmup(1000), 100);
	assert_int_equal(rdm_pp_default_warmup(50), 10);
	assert_int_equal(rdm_pp_default_warmup(1), 10);
}

static void test_result_json(void **state)
{
	(void)state;
	pp_result_t res;
	memset(&res, 0, sizeof res);
	snprintf(res.provider, sizeof res.provider, "shm");
	snprintf(res.endpoint, sizeof res.endpoint, "rdm");
	res.iterations = 1000;
	pp_row_t row = { .bytes = 64, .sent = 1000, .acked = 1000, .total_bytes = 128000,
	                 .time_s = 0.002, .mb_per_s = 64, .usec_per_xfer = 1,
	                 .mxfers_per_s = 1, .median_usec = 0.9, .p99_usec = 2.5 };
	assert_int_equal(pp_result_add(&res, &row), 0);
	cJSON *j = rdm_pp_result_json(&res, 100);
	assert_string_equal(cJSON_GetObjectItem(j, "provider")->valuestring, "shm");
	assert_int_equal(cJSON_GetObjectItem(j, "warmup")->valueint, 100);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "ok")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "error"))); /* not failed: null */
	cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
	assert_int_equal(cJSON_GetObjectItem(r0, "total_bytes")->valueint, 128000);
	assert_true(fabs(cJSON_GetObjectItem(r0, "p99_usec")->valuedouble - 2.5) < 1e-9);
	cJSON_Delete(j);
	snprintf(res.error, sizeof res.error, "peer closed");
	j = rdm_pp_result_json(&res, 100);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")));
	assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring, "peer closed");
	cJSON_Delete(j);
	pp_result_free(&res);
}

/* ---- real runs ---- */

static void count_row(const pp_row_t *row, void *arg)
{
	(void)row;
	(*(int *)arg)++;
}

static void run_and_check(const char *prov, const char *want_prov)
{
	static const uint64_t sizes[] = { 64, 4096, 65536, 1048576 };
	const int iters = 100;
	rdm_pp_opts_t o = small_opts(prov, sizes, 4, iters);
	int streamed = 0;
	o.on_row = count_row;
	o.arg = &streamed;
	pp_result_t res;
	double t0 = now_s();
	int rc = rdm_pp_run_local(&o, &res);
	if (rc != 0) fail_msg("%s: %s", prov, res.error);
	assert_true(now_s() - t0 < 20);
	assert_string_equal(res.provider, want_prov);
	assert_string_equal(res.endpoint, "rdm");
	assert_string_equal(res.error, "");
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(res.iterations, iters);
	assert_int_equal(res.nrows, 4);
	assert_int_equal(streamed, 4);
	for (size_t i = 0; i < res.nrows; i++) {
		const pp_row_t *r = &res.rows[i];
		assert_int_equal(r->bytes, sizes[i]);
		assert_int_equal(r->sent, iters);
		assert_int_equal(r->acked, iters);
		assert_int_equal(r->total_bytes, sizes[i] * iters * 2);
		assert_true(r->time_s > 0);
		assert_true(r->usec_per_xfer > 0);
		assert_true(r->mb_per_s > 0);
		assert_true(r->median_usec > 0);
		assert_true(r->median_usec <= r->p99_usec);
		/* The mean of the per-iteration times is the table's usec/xfer. */
		assert_true(fabs(r->usec_per_xfer - r->time_s * 1e6 / (2.0 * iters)) < 1e-6);
		assert_true(fabs(r->mb_per_s - (double)r->total_bytes / r->time_s / 1e6) <
		            1e-6 * r->mb_per_s);
		assert_true(fabs(r->mxfers_per_s * r->usec_per_xfer - 1) < 1e-9);
		/* Loopback: a half round trip under a second even on a loaded host (a unit slip
		 * gives a thousandfold figure), at least 1 MB/s on big messages. */
		assert_true(r->median_usec < 1e6);
		if (r->bytes >= 65536) assert_true(r->mb_per_s > 1);
	}
	/* Nothing on this machine moves 1 MiB faster than 100 GB/s: catches a unit slip. */
	assert_true(res.rows[3].median_usec > 10);
	assert_true(res.rows[3].mb_per_s < 100000);
	pp_result_free(&res);
}

static void test_local_tcp(void **state)
{
	(void)state;
	run_and_check("tcp", "tcp;ofi_rxm");
	run_and_check("tcp;ofi_rxm", "tcp;ofi_rxm");
}

static void test_local_shm(void **state)
{
	(void)state;
	run_and_check("shm", "shm");
}

/* Server and client as separate calls, the way two nodes run it; the server prints the
 * client's rows too. */
static void test_serve_and_connect(void **state)
{
	(void)state;
	static const uint64_t sizes[] = { 64, 8192 };
	int port;
	int lfd = listen_loopback(&port);
	pid_t pid = fork_client(port, "tcp", sizes, 2, 50);
	rdm_pp_opts_t o = small_opts(NULL, NULL, 0, 0);
	o.listen_fd = lfd;
	pp_result_t res;
	int rc = rdm_pp_run_server(&o, &res);
	close(lfd);
	int status = reap(pid, 10);
	if (rc != 0) fail_msg("server: %s", res.error);
	assert_true(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(res.provider, "tcp;ofi_rxm");
	assert_int_equal(res.iterations, 50);
	assert_int_equal(res.nrows, 2);
	assert_int_equal(res.rows[1].bytes, 8192);
	assert_int_equal(res.rows[1].sent, 50);
	assert_true(res.rows[1].median_usec > 0 && res.rows[1].median_usec <= res.rows[1].p99_usec);
	pp_result_free(&res);
}

/* The server dies mid-run (SIGKILL while the data path is busy): the client says so. */
static void server_killed(const char *prov)
{
	int port, armed = 0;
	int lfd = listen_loopback(&port);
	pid_t pid = fork_server(lfd, prov);
	fill_rounds(64);
	rdm_pp_opts_t o = small_opts(prov, rounds, ROUNDS, ROUND_ITERS);
	o.host = "127.0.0.1";
	o.port = port;
	o.on_row = strike_after_first_row;
	o.arg = &armed;
	victim = pid;
	victim_signal = SIGKILL;
	pp_result_t res;
	int rc = rdm_pp_run_client(&o, &res);
	double noticed = struck_at > 0 ? now_s() - struck_at : -1; /* -1: never struck */
	cancel_timer();
	int status = reap(pid, 5);
	print_message("%s: %s (%.2f s after the kill)\n", prov, res.error, noticed);
	assert_int_equal(rc, -1);
	assert_int_equal(res.exit_code, 1);
	assert_true(armed);
	assert_true(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(res.nrows >= 1 && res.nrows < ROUNDS);
	if (!strstr(res.error, "peer closed the control connection after ") ||
	    !strstr(res.error, " at size 64"))
		fail_msg("%s: unexpected error: %s", prov, res.error);
	assert_true(struck_at > 0 && noticed < 3);
	pp_result_free(&res);
}

static void test_server_killed_tcp(void **state)
{
	(void)state;
	server_killed("tcp");
}

static void test_server_killed_shm(void **state)
{
	(void)state;
	server_killed("shm");
}

/* The client dies mid-run: the server says so instead of waiting forever. */
static void test_client_killed(void **state)
{
	(void)state;
	int port, armed = 0;
	int lfd = listen_loopback(&port);
	fill_rounds(4096);
	pid_t pid = fork_client(port, "tcp", rounds, ROUNDS, ROUND_ITERS);
	rdm_pp_opts_t o = small_opts(NULL, NULL, 0, 0);
	o.listen_fd = lfd;
	o.on_row = strike_after_first_row;
	o.arg = &armed;
	victim = pid;
	victim_signal = SIGKILL;
	pp_result_t res;
	int rc = rdm_pp_run_server(&o, &res);
	double noticed = struck_at > 0 ? now_s() - struck_at : -1; /* -1: never struck */
	cancel_timer();
	close(lfd);
	int status = reap(pid, 5);
	print_message("%s (%.2f s after the kill)\n", res.error, noticed);
	assert_int_equal(rc, -1);
	assert_true(armed);
	assert_true(struck_at > 0 && noticed < 3);
	assert_true(status >= 0 && WIFSIGNALED(status));
	assert_true(res.nrows >= 1 && res.nrows < ROUNDS);
	if (!strstr(res.error, "peer closed the control connection after ") ||
	    !strstr(res.error, "at size 4096"))
		fail_msg("unexpected error: %s", res.error);
	pp_result_free(&res);
}

/* A stopped server keeps its sockets open: only the data-path deadline can end the wait. */
static void test_server_hung_times_out(void **state)
{
	(void)state;
	int port, armed = 0;
	int lfd = listen_loopback(&port);
	pid_t pid = fork_server(lfd, "tcp");
	fill_rounds(64);
	rdm_pp_opts_t o = small_opts("tcp", rounds, ROUNDS, ROUND_ITERS);
	o.host = "127.0.0.1";
	o.port = port;
	o.timeout_s = 1;
	o.on_row = strike_after_first_row;
	o.arg = &armed;
	victim = pid;
	victim_signal = SIGSTOP;
	pp_result_t res;
	int rc = rdm_pp_run_client(&o, &res);
	double noticed = struck_at > 0 ? now_s() - struck_at : -1; /* -1: never struck */
	cancel_timer();
	kill(pid, SIGKILL);
	reap(pid, 5);
	print_message("%s (%.2f s after the stop)\n", res.error, noticed);
	assert_int_equal(rc, -1);
	assert_true(armed);
	/* The deadline, not sooner (the server is alive) and not much later. */
	assert_true(struck_at > 0 && noticed >= 0.9 && noticed < 5);
	if (!strstr(res.error, "timed out: no completion from the peer for 1 s after ") &&
	    !strstr(res.error, "timed out after 1 s waiting for"))
		fail_msg("unexpected error: %s", res.error);
	pp_result_free(&res);
}

static void test_no_server(void **state)
{
	(void)state;
	int port;
	close(listen_loopback(&port)); /* a port nobody listens on */
	rdm_pp_opts_t o = small_opts("tcp", NULL, 0, 10);
	o.host = "127.0.0.1";
	o.port = port;
	pp_result_t res;
	double t0 = now_s();
	assert_int_equal(rdm_pp_run_client(&o, &res), -1);
	assert_true(now_s() - t0 < 2);
	char want[128];
	snprintf(want, sizeof want, "cannot reach the ping-pong server at 127.0.0.1:%d: Connection "
	         "refused", port);
	if (!strstr(res.error, want)) fail_msg("unexpected error: %s", res.error);
	assert_int_equal(res.nrows, 0);
	pp_result_free(&res);
}

/* Something listens but never answers the hello: the handshake has a deadline too. */
static void test_silent_server(void **state)
{
	(void)state;
	int port;
	int lfd = listen_loopback(&port);
	rdm_pp_opts_t o = small_opts("shm", NULL, 0, 10);
	o.host = "127.0.0.1";
	o.port = port;
	o.setup_timeout_s = 0.5;
	pp_result_t res;
	double t0 = now_s();
	assert_int_equal(rdm_pp_run_client(&o, &res), -1);
	double took = now_s() - t0;
	close(lfd);
	/* not before its deadline; well before a hang (a loaded host may be seconds late) */
	assert_true(took >= 0.5 && took < 30);
	if (!strstr(res.error, "waiting for the server's fabric address"))
		fail_msg("unexpected error: %s", res.error);
	pp_result_free(&res);
}

static void test_provider_missing(void **state)
{
	(void)state;
	rdm_pp_opts_t o = small_opts("efa", NULL, 0, 10);
	pp_result_t res;
	double t0 = now_s();
	assert_int_equal(rdm_pp_run_local(&o, &res), -1);
	assert_true(now_s() - t0 < 5);
	if (!strstr(res.error, "provider \"efa\" has no RDM endpoint on this host (fi_getinfo: No "
	                       "data available); RDM providers here: ") ||
	    !strstr(res.error, "tcp;ofi_rxm") || !strstr(res.error, "shm"))
		fail_msg("unexpected error: %s", res.error);
	pp_result_free(&res);
}

/* Sends line to the server at port as a client would, and returns what comes back before
 * the server closes the connection. */
static void send_hello(int port, const char *line, char *reply, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(send(fd, line, strlen(line), MSG_NOSIGNAL), (ssize_t)strlen(line));
	size_t n = 0;
	double deadline = now_s() + 10;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((deadline - now_s()) * 1000);
		assert_true(left > 0 && poll(&p, 1, left) == 1);
		ssize_t got = recv(fd, reply + n, len - 1 - n, 0);
		assert_true(got >= 0);
		if (got == 0 || (n += (size_t)got) == len - 1) break;
	}
	reply[n] = 0;
	close(fd);
}

/* A hostile client first: its hello is refused with the sentence (the buffers it asks for
 * never allocated), and the server still runs the real client that follows. */
static void test_serve_refuses_hostile_hello(void **state)
{
	(void)state;
	static const struct { const char *line, *want; } hostile[] = {
		{ HELLO_HEAD "10 10 1073741825 0200\n", "ERR the largest message size in the "
		  "client's hello must be a whole number from 1 to 1073741824 bytes (the largest -S), "
		  "not \"1073741825\"\n" },
		{ HELLO_HEAD "10 10 9223372036854775809 0200\n", "not \"9223372036854775809\"\n" },
		{ HELLO_HEAD "2147483647 2147483647 64 0200\n", "ERR the iteration count in the " },
		{ HELLO_HEAD "10 -1 64 0200\n", "ERR the warm-up count in the " },
		{ "\x16\x03\x01 garbage\n", "ERR expected the client's hello, got \"??? garbage\"\n" },
		{ HELLO_HEAD "10 10 64 0200 trailing\n", "ERR the client's hello has 8 fields" },
	};
	int port;
	int lfd = listen_loopback(&port);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rdm_pp_opts_t o = small_opts(NULL, NULL, 0, 0);
		o.listen_fd = lfd;
		o.accept_timeout_s = 20;
		pp_result_t res;
		int rc = rdm_pp_run_server(&o, &res);
		pp_result_free(&res);
		_exit(rc < 0 ? 1 : 0);
	}
	close(lfd);
	char reply[512];
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		send_hello(port, hostile[i].line, reply, sizeof reply);
		if (!strstr(reply, hostile[i].want))
			fail_msg("%s got: %s\nwant: %s", hostile[i].line, reply, hostile[i].want);
	}
	static const uint64_t sizes[] = { 64, 4096 };
	rdm_pp_opts_t o = small_opts("tcp", sizes, 2, 20);
	o.host = "127.0.0.1";
	o.port = port;
	pp_result_t res;
	int rc = rdm_pp_run_client(&o, &res);
	if (rc != 0) fail_msg("the real client after the hostile ones: %s", res.error);
	assert_int_equal(res.nrows, 2);
	pp_result_free(&res);
	int status;
	struct rusage ru;
	double deadline = now_s() + 10;
	pid_t w;
	while ((w = wait4(pid, &status, WNOHANG, &ru)) == 0 && now_s() < deadline) usleep(10000);
	if (w != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("the server did not end after its client");
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Taking the first hello would have touched 2 GiB; the server stayed below half that
	 * (ru_maxrss is in KiB, and counts what the test process had at the fork: ~100 MiB
	 * here, ~330 MiB under ASan). */
	print_message("server peak RSS %ld MiB\n", ru.ru_maxrss / 1024);
	assert_true(ru.ru_maxrss < 1024L * 1024);
}

/* A server run with one client only (rdm_pp_run_local's) ends at the first refusal. */
static void test_serve_first_client_only(void **state)
{
	(void)state;
	int port;
	int lfd = listen_loopback(&port);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rdm_pp_opts_t o = small_opts(NULL, NULL, 0, 0);
		o.listen_fd = lfd;
		o.first_client_only = 1;
		pp_result_t res;
		int rc = rdm_pp_run_server(&o, &res);
		int ok = rc < 0 && strstr(res.error, "the client does not speak nixl-rdm-pp/1");
		pp_result_free(&res);
		_exit(ok ? 3 : 1);
	}
	close(lfd);
	char reply[512];
	send_hello(port, "HELLO nixl-rdm-pp/0\n", reply, sizeof reply);
	assert_non_null(strstr(reply, "ERR the client does not speak nixl-rdm-pp/1"));
	int status = reap(pid, 10);
	assert_true(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

/* The server pinned to one provider, the client on another: said plainly, no hang. */
static void test_provider_mismatch(void **state)
{
	(void)state;
	int port;
	int lfd = listen_loopback(&port);
	pid_t pid = fork_server(lfd, "shm");
	rdm_pp_opts_t o = small_opts("tcp", NULL, 0, 10);
	o.host = "127.0.0.1";
	o.port = port;
	pp_result_t res;
	assert_int_equal(rdm_pp_run_client(&o, &res), -1);
	int status = reap(pid, 5);
	assert_true(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 1);
	if (!strstr(res.error, "the server uses provider shm but this side uses tcp;ofi_rxm"))
		fail_msg("unexpected error: %s", res.error);
	pp_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sizes),
		cmocka_unit_test(test_hello_accepts),
		cmocka_unit_test(test_hello_refuses),
		cmocka_unit_test(test_other_lines),
		cmocka_unit_test(test_route_iface),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_result_json),
		cmocka_unit_test(test_local_tcp),
		cmocka_unit_test(test_local_shm),
		cmocka_unit_test(test_serve_and_connect),
		cmocka_unit_test(test_server_killed_tcp),
		cmocka_unit_test(test_server_killed_shm),
		cmocka_unit_test(test_client_killed),
		cmocka_unit_test(test_server_hung_times_out),
		cmocka_unit_test(test_no_server),
		cmocka_unit_test(test_silent_server),
		cmocka_unit_test(test_provider_missing),
		cmocka_unit_test(test_provider_mismatch),
		cmocka_unit_test(test_serve_refuses_hostile_hello),
		cmocka_unit_test(test_serve_first_client_only),
	};
	return cmocka_run_group_tests_name("rdm_pp", tests, NULL, NULL);
}

/* The native ping-pong server's control lines (src/efa/pp_ctl.c) from arbitrary bytes:
 * whatever a client sends, each parser either refuses it with a sentence or returns values
 * inside the bounds the server sizes its buffers and loops from. A broken bound aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "efa/pp_ctl.h"

/* A refusal is one printable sentence: it goes back to the peer as one ERR line. */
static void check_sentence(const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);
	if (n == 0 || n == errlen) abort();
	for (size_t i = 0; i < n; i++)
		if (err[i] == '\n' || err[i] == '\r') abort();
}

static int valid_provider(const char *p)
{
	size_t n = strlen(p);
	return n >= 1 && n <= PP_CTL_PROVIDER_MAX && strspn(p,
	       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.;") == n;
}

/* The provider reads as many address bytes as its addresses take: past what the peer
 * sent it must find zeros. */
static int zero_after(const unsigned char *addr, size_t len)
{
	for (size_t i = len; i < PP_CTL_ADDR_MAX; i++)
		if (addr[i]) return 0;
	return 1;
}

static void fuzz_hello(const char *line)
{
	pp_hello_t h;
	char err[256] = "";
	if (pp_ctl_parse_hello(line, &h, err, sizeof err) < 0) {
		check_sentence(err, sizeof err);
		return;
	}
	if (strlen(line) > PP_CTL_LINE_MAX || !valid_provider(h.provider) ||
	    h.iterations < 1 || h.iterations > PP_CTL_MAX_ITERATIONS || h.warmup < 0 ||
	    h.warmup > PP_CTL_MAX_WARMUP || h.max < 1 || h.max > PP_CTL_MAX_SIZE ||
	    h.addrlen < 1 || h.addrlen > PP_CTL_ADDR_MAX || !zero_after(h.addr, h.addrlen))
		abort();
	/* What the server computes from them; UBSan reports an overflow here. */
	volatile int loop = h.warmup + h.iterations;
	volatile size_t bufs = 2 * (size_t)h.max;
	volatile uint64_t total = h.max * (uint64_t)h.iterations * 2;
	(void)loop;
	(void)bufs;
	(void)total;
}

static void fuzz_size(const char *line, uint64_t max)
{
	uint64_t size = 0;
	char err[256] = "";
	if (pp_ctl_parse_size(line, max, &size, err, sizeof err) < 0)
		check_sentence(err, sizeof err);
	else if (size < 1 || size > max)
		abort();
}

static void fuzz_row(const char *line)
{
	double t = -1, median = -1, p99 = -1;
	char err[256] = "";
	if (pp_ctl_parse_row(line, 4096, 1000, &t, &median, &p99, err, sizeof err) < 0)
		check_sentence(err, sizeof err);
	else if (!(t >= 0 && median >= 0 && p99 >= 0) || t > 1e308 || median > 1e308 || p99 > 1e308)
		abort();
}

static void fuzz_addr(const char *line)
{
	char prov[PP_CTL_PROVIDER_MAX + 1];
	unsigned char addr[PP_CTL_ADDR_MAX];
	size_t alen = 0;
	char err[256] = "";
	if (pp_ctl_parse_addr(line, prov, sizeof prov, addr, &alen, err, sizeof err) < 0)
		check_sentence(err, sizeof err);
	else if (!valid_provider(prov) || alen < 1 || alen > PP_CTL_ADDR_MAX ||
	         !zero_after(addr, alen))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The server reads a line up to '\n' into a NUL-terminated buffer. */
	char *line = malloc(size + 1);
	if (!line) return 0;
	memcpy(line, data, size);
	line[size] = 0;
	fuzz_hello(line);
	fuzz_size(line, 1);
	fuzz_size(line, 4096);
	fuzz_size(line, PP_CTL_MAX_SIZE);
	fuzz_row(line);
	fuzz_addr(line);
	free(line);
	return 0;
}

/* The scripts the ping-pong sends to its nodes: the preflight (libfabric and the provider),
 * the server and the client. */
#include "efa/pingpong_run.h"
#include "efa/pp_run_priv.h"

#include <stdio.h>
#include <string.h>

#include "efa/parse_pingpong.h"

int pp_size_bytes(const char *s, char *out, size_t n)
{
	if (!exec_valid_size(s)) return -1;
	if (strcmp(s, "all") == 0) return snprintf(out, n, "all") < (int)n ? 0 : -1;
	uint64_t v;
	if (pp_parse_size(s, strlen(s), &v) < 0 || v > (1ull << 32)) return -1;
	return snprintf(out, n, "%llu", (unsigned long long)v) < (int)n ? 0 : -1;
}

const char *pp_endpoint_type(const char *endpoint)
{
	static const struct { const char *ep, *type; } map[] = {
		{ "rdm", "FI_EP_RDM" }, { "dgram", "FI_EP_DGRAM" }, { "msg", "FI_EP_MSG" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].ep, endpoint) == 0) return map[i].type;
	return NULL;
}

/* Environment every fi_pingpong line gets: AWS's test turns the shm transfer off so
 * efa is measured, and local runs pin the IP providers to lo. */
static int env_lines(char *buf, size_t n, int loopback)
{
	return snprintf(buf, n,
	                "PATH=/opt/amazon/efa/bin:$PATH\n"
	                "FI_EFA_ENABLE_SHM_TRANSFER=0\n"
	                "export PATH FI_EFA_ENABLE_SHM_TRANSFER\n"
	                "%s",
	                loopback ? "FI_TCP_IFACE=lo FI_SOCKETS_IFACE=lo FI_UDP_IFACE=lo\n"
	                           "export FI_TCP_IFACE FI_SOCKETS_IFACE FI_UDP_IFACE\n"
	                         : "");
}

int pp_script_preflight(const char *provider, const char *endpoint, char *buf, size_t n)
{
	const char *type = endpoint ? pp_endpoint_type(endpoint) : NULL;
	if (!exec_valid_provider(provider) || !type) return -1;
	int w = snprintf(buf, n,
	                 "PATH=/opt/amazon/efa/bin:$PATH\n"
	                 "export PATH\n"
	                 "echo '===NIXL-SECTION fi_info==='\n"
	                 "fi_info -p '%s' -t %s 2>&1\n"
	                 "echo \"===NIXL-END rc=$?===\"\n"
	                 "echo '===NIXL-SECTION fi_version==='\n"
	                 "fi_info --version 2>&1\n"
	                 "echo \"===NIXL-END rc=$?===\"\n"
	                 "echo '===NIXL-SECTION ip==='\n"
	                 "{ ip -br addr 2>/dev/null || ip -o addr; } 2>&1\n"
	                 "echo \"===NIXL-END rc=$?===\"\n"
	                 /* the node's word that it is simulated, as in efa_check.sh */
	                 "echo '===NIXL-SECTION simulated==='\n"
	                 "printf '%%s\\n' \"${NIXL_SIMULATED_EFA:-}\"\n"
	                 "echo '===NIXL-END rc=0==='\n",
	                 provider, type);
	return w > 0 && (size_t)w < n ? w : -1;
}

/* fi_pingpong prints its table with stdio, which a pipe makes block-buffered: a -S all
 * table (about 3 KB) then arrives in one piece when fi_pingpong exits, and a run shows no
 * row until its end. Line-buffered, each row arrives as its size completes (measured here,
 * -S all -I 200 over tcp: rows 4 to 450 ms apart, against all 45 within 200 ms of each
 * other without). stdbuf is coreutils', like timeout. */
#define PP_LINE_BUFFERED "stdbuf -oL fi_pingpong"

static int pp_args(char *buf, size_t n, const char *provider, const char *endpoint, const char *size,
                   int iterations, int libfabric2)
{
	if (!exec_valid_provider(provider) || !exec_valid_endpoint(endpoint) || iterations < 1 ||
	    iterations > 100000000)
		return -1;
	/* size is already bytes or "all" */
	if (strcmp(size, "all") != 0 && (!*size || strspn(size, "0123456789") != strlen(size))) return -1;
	/* quoted: "tcp;ofi_rxm" has a ';' (the validator admits no quote) */
	int w = snprintf(buf, n, "-e %s -p '%s'%s -I %d -S %s", endpoint, provider,
	                 libfabric2 && strcmp(provider, "efa") == 0 ? " -f efa" : "", iterations, size);
	return w > 0 && (size_t)w < n ? w : -1;
}

int pp_script_server(const char *provider, const char *endpoint, const char *size, int iterations,
                     int port, int lane, int timeout_s, int libfabric2, int loopback, char *buf, size_t n)
{
	char args[160], env[320];
	if (pp_args(args, sizeof args, provider, endpoint, size, iterations, libfabric2) < 0) return -1;
	if ((port != 0 && (port < 1024 || port > 65535)) || lane < 0 || lane > PORT_LANES || timeout_s < 1 ||
	    timeout_s > 86400)
		return -1;
	env_lines(env, sizeof env, loopback);
	int span = lane ? PORT_PICK_SPAN / PORT_LANES : PORT_PICK_SPAN;
	int low = PORT_PICK_LOW + (lane ? (lane - 1) * span : 0);
	/* port 0: pick one that no socket of this host (or namespace) uses, local or remote
	 * side, in /proc/net/tcp{,6}; every run gets its own, so runs never share a port */
	int w = snprintf(buf, n,
	                 "%s"
	                 "port=%d\n"
	                 "tries=0\n"
	                 "while [ \"$port\" -eq 0 ] && [ $tries -lt 64 ]; do\n"
	                 "\ttries=$((tries + 1))\n"
	                 "\tp=$(( %d + $(od -An -N2 -tu2 /dev/urandom) %% %d ))\n"
	                 "\thex=$(printf ':%%04X' \"$p\")\n"
	                 "\tcat /proc/net/tcp /proc/net/tcp6 2>/dev/null |\n"
	                 "\t\tawk -v h=\"$hex\" 'substr($2, length($2) - 4) == h || substr($3, length($3) - 4) == h { f = 1 } END { exit !f }' ||\n"
	                 "\t\tport=$p\n"
	                 "done\n"
	                 "[ \"$port\" -ne 0 ] || { echo 'no free port found for fi_pingpong' >&2; exit 98; }\n"
	                 "echo \"" PORT_MARK "$port===\"\n"
	                 "exec timeout -k 5 %d " PP_LINE_BUFFERED " %s -B \"$port\"\n",
	                 env, port, low, span, timeout_s, args);
	return w > 0 && (size_t)w < n ? w : -1;
}

int pp_script_client(const char *provider, const char *endpoint, const char *size, int iterations,
                     int port, int timeout_s, int retry_s, int libfabric2, int loopback,
                     const char *server_ip, char *buf, size_t n)
{
	char args[160], env[320];
	if (pp_args(args, sizeof args, provider, endpoint, size, iterations, libfabric2) < 0) return -1;
	if (port < 1024 || port > 65535 || timeout_s < 1 || timeout_s > 86400 || retry_s < 0 || retry_s > 3600 ||
	    !exec_valid_ipv4(server_ip))
		return -1;
	env_lines(env, sizeof env, loopback);
	/* 111 = the server is not listening yet (it is started just before): try again.
	 * --foreground keeps timeout in the script's process group (by default it makes a
	 * group of its own), so stopping the job's group stops fi_pingpong too */
	int w = snprintf(buf, n,
	                 "%s"
	                 "end=$(( $(date +%%s) + %d ))\n"
	                 "while :; do\n"
	                 "\ttimeout --foreground -k 5 %d " PP_LINE_BUFFERED " %s -P %d %s\n"
	                 "\trc=$?\n"
	                 "\t[ $rc -eq 111 ] && [ $(date +%%s) -lt $end ] || exit $rc\n"
	                 "\techo '" RETRY_MARK "'\n"
	                 "\tsleep 1\n"
	                 "done\n",
	                 env, retry_s, timeout_s, args, port, server_ip);
	return w > 0 && (size_t)w < n ? w : -1;
}

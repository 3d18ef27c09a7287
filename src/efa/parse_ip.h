/* Network interfaces and IPv4 addresses from `ip -br addr` or `ip -o addr`. */
#ifndef NIXL_EFA_PARSE_IP_H
#define NIXL_EFA_PARSE_IP_H

#include <stddef.h>

#define IP_MAX_IFACES 32

typedef struct ip_iface {
	char name[32];     /* "ens5" ("eth0@if12" loses its "@..." part) */
	char state[16];    /* "UP", "DOWN", "UNKNOWN"; "" with ip -o (not printed) */
	char ipv4[64];     /* first IPv4 with prefix: "172.31.9.12/20"; "" none */
	int nipv4, nipv6;
} ip_iface_t;

typedef struct ip_out {
	ip_iface_t ifaces[IP_MAX_IFACES];
	int n;
} ip_out_t;

/* Returns 1 when lines had the shape of either form. */
int parse_ip(const char *text, size_t len, ip_out_t *out);
/* The first IPv4 (without prefix) of an interface that is not loopback and not
 * DOWN: the node's private address. Returns 0 when there is none. */
int ip_private_ipv4(const ip_out_t *o, char *buf, size_t n);

#endif

/* This node's private address, for a server that must be reachable from the other node but
 * no wider: the IPv4 of the interface holding the default route (on EC2 the primary ENI's
 * private address, what the other node reaches it at). */
#ifndef NIXL_EFA_NODE_ADDR_H
#define NIXL_EFA_NODE_ADDR_H

#include <stddef.h>

/* The interface of the IPv4 default route (the one with the lowest metric) in the text of
 * /proc/net/route. Returns 1 with its name, 0 when there is no default route. */
int node_addr_route_iface(const char *route_text, char *ifname, size_t n);

/* Reads /proc/net/route and the interfaces: 0 with the address in buf, or -1 with a
 * sentence in err that asks for --bind. */
int node_addr_private_ipv4(char *buf, size_t n, char *err, size_t errlen);

#endif

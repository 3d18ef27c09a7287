#include "efa/node_addr.h"
#include "base/file.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#define ROUTE_FILE "/proc/net/route"

int node_addr_route_iface(const char *route_text, char *ifname, size_t n)
{
	unsigned long best_metric = 0;
	int found = 0;
	const char *line = strchr(route_text, '\n'); /* the first line is the header */
	while (line) {
		line++;
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char one[256], name[IFNAMSIZ + 1];
		unsigned long dest, gw, flags, refcnt, use, metric, mask;
		/* One line at a time, so a short line cannot borrow fields from the next. */
		snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), line);
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ...: hex but the counts */
		if (sscanf(one, "%16s %lx %lx %lx %lu %lu %lu %lx", name, &dest, &gw, &flags, &refcnt,
		           &use, &metric, &mask) == 8 &&
		    dest == 0 && mask == 0 && (flags & RTF_UP) && (!found || metric < best_metric)) {
			snprintf(ifname, n, "%s", name);
			best_metric = metric;
			found = 1;
		}
		line = end;
	}
	return found;
}

/* The whole table: a host with many routes can list the default one late. */
static char *read_routes(void)
{
	char *text;
	size_t len;
	return file_read(ROUTE_FILE, 4u << 20, &text, &len) == 0 ? text : NULL;
}

int node_addr_private_ipv4(char *buf, size_t n, char *err, size_t errlen)
{
	static const char ask[] = "give --bind ADDR, the address the client will --connect to";
	char ifname[IFNAMSIZ + 1];
	char *text = read_routes();
	if (!text) {
		snprintf(err, errlen, "cannot read %s (%s) to find this node's private address; %s",
		         ROUTE_FILE, strerror(errno), ask);
		return -1;
	}
	int found = node_addr_route_iface(text, ifname, sizeof ifname);
	free(text);
	if (!found) {
		snprintf(err, errlen, "this node has no IPv4 default route, so its private address is "
		         "unknown; %s", ask);
		return -1;
	}
	struct ifaddrs *ifs;
	if (getifaddrs(&ifs) < 0) {
		snprintf(err, errlen, "cannot list the network interfaces (%s); %s", strerror(errno),
		         ask);
		return -1;
	}
	int rc = -1;
	for (struct ifaddrs *i = ifs; i && rc < 0; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    strcmp(i->ifa_name, ifname) == 0 &&
		    inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
		              (socklen_t)n))
			rc = 0;
	freeifaddrs(ifs);
	if (rc < 0)
		snprintf(err, errlen, "the default route's interface %s has no IPv4 address; %s",
		         ifname, ask);
	return rc;
}
